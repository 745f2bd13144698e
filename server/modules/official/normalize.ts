/**
 * How addresses, domains and accounts are compared for the official-channel check. Pure functions,
 * so every spelling rule is unit-tested without a server.
 *
 * The check exists to unmask impostors, so every doubt answers "not official": a look-alike domain
 * (`acme-support.com`, `acme.com.evil.io`), a handle on another platform than ours, and any input
 * whose domain or handle still holds non-ASCII characters after NFKC (Cyrillic `а` for Latin `a`,
 * zero-width spaces) never match.
 */
import type { OfficialChannelKind, OfficialCheckResult, OfficialPlatform } from '../../../shared/visitor-features.js';

/** A stored entry as the matcher needs it (the model's documents and DTOs both fit). */
export interface ChannelEntry {
  kind: OfficialChannelKind;
  platform: OfficialPlatform | null;
  value: string;
}

/** What a visitor's input was understood as. */
export interface ParsedCheck {
  kind: OfficialCheckResult['kind'];
  platform: OfficialPlatform | null;
  /** Shown back to the visitor: lower case, without `@`, scheme, `www.`, port and path. */
  normalized: string;
  /** False when a domain or handle holds non-ASCII characters, or is no valid one: such input never matches. */
  matchable: boolean;
}

/** Profile hosts (without `www.`, `m.`, `mobile.`, `old.`) and the platform they name. */
const PLATFORM_HOSTS: Record<string, OfficialPlatform> = {
  'x.com': 'x',
  'twitter.com': 'x',
  't.me': 'telegram',
  'telegram.me': 'telegram',
  'instagram.com': 'instagram',
  'facebook.com': 'facebook',
  'fb.com': 'facebook',
  'linkedin.com': 'linkedin',
  'youtube.com': 'youtube',
  'tiktok.com': 'tiktok',
  'discord.gg': 'discord',
  'discord.com': 'discord',
  'wa.me': 'whatsapp',
  'reddit.com': 'reddit',
};

/** `telegram:@name` and friends: the platform names of OFFICIAL_PLATFORMS plus common aliases. */
const PLATFORM_PREFIXES: Record<string, OfficialPlatform> = {
  x: 'x',
  twitter: 'x',
  telegram: 'telegram',
  tg: 'telegram',
  instagram: 'instagram',
  ig: 'instagram',
  facebook: 'facebook',
  fb: 'facebook',
  linkedin: 'linkedin',
  youtube: 'youtube',
  tiktok: 'tiktok',
  discord: 'discord',
  whatsapp: 'whatsapp',
  wa: 'whatsapp',
  reddit: 'reddit',
  other: 'other',
};

/** First path segments that are pages of the platform itself, not accounts. */
const NOT_ACCOUNTS: Partial<Record<OfficialPlatform, readonly string[]>> = {
  x: ['home', 'i', 'intent', 'share', 'search', 'hashtag', 'explore', 'settings', 'messages', 'notifications', 'login', 'signup', 'tos', 'privacy'],
  telegram: ['joinchat', 'addstickers', 'share', 'proxy', 'socks', 'iv'],
  instagram: ['p', 'reel', 'reels', 'explore', 'stories', 'accounts', 'direct', 'tv'],
  facebook: ['profile.php', 'pages', 'groups', 'share', 'sharer', 'sharer.php', 'watch', 'events', 'marketplace', 'login', 'help', 'photo.php', 'permalink.php'],
};

/**
 * Domains where anyone can have an address or a page: listing one as "ours" would make every
 * stranger there official, so admins must list the exact address or handle instead.
 */
const SHARED_DOMAINS = new Set([
  ...Object.keys(PLATFORM_HOSTS),
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'icloud.com', 'me.com',
  'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.ru', 'yandex.ru', 'qq.com', '163.com',
  'seznam.cz', 'telegram.org', 'whatsapp.com', 'google.com', 'github.com', 'medium.com',
]);

const HANDLE = /^[a-z0-9._-]{1,100}$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const EMAIL = /^[!#-'*+\-./0-9=?A-Z^-~]{1,64}@([^@]+)$/i;
const NON_ASCII = /[^\x00-\x7f]/;
/** Something with a dot and a top-level label of letters: a bare web address (`acme.com/help`). */
const BARE_HOST = /^[^\s/@:?#\\]+\.[\p{L}\p{M}]{2,63}\.?(?::\d+)?(?:[/?#\\].*)?$/u;
const PHONE = /^\+?[\d\s().-]{6,30}$/;

/** NFKC folds width and compatibility forms (`ａｃｍｅ` → `acme`); look-alike letters stay non-ASCII. */
const fold = (raw: string): string => raw.normalize('NFKC').trim();

/** `acme.com`, `acme.com.` and `www.acme.com` are one domain for our purposes. */
const bareHost = (host: string): string => host.toLowerCase().replace(/\.$/, '').replace(/^www\./, '');

/** True when `host` is `domain` or one of its subdomains (`help.acme.com` under `acme.com`; not `acme.com.evil.io`). */
export function isSameOrSubdomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The host part a person typed, before any URL library turns it into punycode (for the ASCII test and display). */
function typedHost(withScheme: string): string {
  const afterScheme = withScheme.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = afterScheme.split(/[/?#\\]/, 1)[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return host.replace(/:\d*$/, '');
}

/** An account named by a profile URL's path, or null when the path is not an account. */
function accountFromPath(platform: OfficialPlatform, host: string, segments: string[]): string | null {
  const [first = '', second = ''] = segments;
  const lower = first.toLowerCase();
  if (NOT_ACCOUNTS[platform]?.includes(lower)) return null;
  switch (platform) {
    case 'telegram':
      if (lower === 's') return second || null;
      return first.startsWith('+') ? null : first || null;
    case 'linkedin':
      return lower === 'in' || lower === 'company' ? second || null : null;
    case 'youtube':
      if (first.startsWith('@')) return first.slice(1) || null;
      return lower === 'c' ? second || null : null;
    case 'tiktok':
      return first.startsWith('@') ? first.slice(1) || null : null;
    case 'discord':
      if (host === 'discord.gg') return first || null;
      return lower === 'invite' ? second || null : null;
    case 'whatsapp':
      return /^\d{5,20}$/.test(first) ? first : null;
    case 'reddit':
      return lower === 'u' || lower === 'user' ? second || null : null;
    default:
      return first || null;
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function handleResult(platform: OfficialPlatform | null, raw: string): ParsedCheck {
  const name = fold(raw).replace(/^@+/, '').toLowerCase();
  return { kind: 'handle', platform, normalized: name, matchable: HANDLE.test(name) };
}

function emailResult(raw: string): ParsedCheck {
  const address = fold(raw).replace(/^mailto:/i, '').split('?', 1)[0]!.trim().toLowerCase();
  const domain = bareHost(EMAIL.exec(address)?.[1] ?? '');
  return { kind: 'email', platform: null, normalized: address, matchable: !NON_ASCII.test(address) && HOSTNAME.test(domain) };
}

function urlResult(input: string): ParsedCheck {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`;
  const typed = typedHost(withScheme);
  if (NON_ASCII.test(typed)) return { kind: 'url', platform: null, normalized: bareHost(typed), matchable: false };
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { kind: 'unknown', platform: null, normalized: input.toLowerCase(), matchable: false };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { kind: 'unknown', platform: null, normalized: input.toLowerCase(), matchable: false };
  // The URL parser's host, not the typed one: `https://acme.com@evil.io` goes to evil.io.
  const host = bareHost(url.hostname);
  const platformHost = host.replace(/^(?:m|mobile|old)\./, '');
  const platform = PLATFORM_HOSTS[platformHost];
  if (platform) {
    const account = accountFromPath(platform, platformHost, url.pathname.split('/').filter(Boolean));
    if (account !== null) {
      if (platform === 'whatsapp') return { kind: 'handle', platform, normalized: account, matchable: true };
      return handleResult(platform, decodeSegment(account));
    }
  }
  return { kind: 'url', platform: null, normalized: host, matchable: HOSTNAME.test(host) };
}

/** Understands what a visitor pasted: an email, a web address, a handle (with or without its platform), or nothing we know. */
export function parseCheck(raw: string): ParsedCheck {
  const input = fold(raw);
  if (/^mailto:/i.test(input)) return emailResult(input);
  const prefixed = /^([a-z]+)\s*:\s*(@?[^\s/:]+)$/i.exec(input);
  const prefixPlatform = prefixed ? PLATFORM_PREFIXES[prefixed[1]!.toLowerCase()] : undefined;
  if (prefixed && prefixPlatform) return handleResult(prefixPlatform, prefixed[2]!);
  if (/^[^\s@/]+@[^\s@/]+$/.test(input)) return emailResult(input);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || /^www\./i.test(input) || BARE_HOST.test(input)) return urlResult(input);
  if (/^@/.test(input) && !/\s/.test(input)) return handleResult(null, input);
  if (PHONE.test(input) && (input.match(/\d/g)?.length ?? 0) >= 6) {
    return { kind: 'handle', platform: null, normalized: input.replace(/\D/g, ''), matchable: true };
  }
  if (/^[\p{L}\p{M}\p{N}._-]{1,100}$/u.test(input)) return handleResult(null, input);
  return { kind: 'unknown', platform: null, normalized: input.toLowerCase().slice(0, 300), matchable: false };
}

/**
 * Which entries answer the parsed input, and whether it is official. An email or web address is
 * ours when listed, or when its domain is (a subdomain of) one of our domains. A handle is ours
 * only on the platform it is listed for: asked without a platform, or on another one, `official`
 * is false and `matches` lists where that name is ours.
 */
export function matchChannels<T extends ChannelEntry>(parsed: ParsedCheck, entries: readonly T[]): { official: boolean; matches: T[] } {
  if (!parsed.matchable) return { official: false, matches: [] };
  const domains = (host: string) => entries.filter((e) => e.kind === 'domain' && isSameOrSubdomain(host, e.value));
  switch (parsed.kind) {
    case 'email': {
      const host = bareHost(parsed.normalized.slice(parsed.normalized.lastIndexOf('@') + 1));
      const matches = [...entries.filter((e) => e.kind === 'email' && e.value === parsed.normalized), ...domains(host)];
      return { official: matches.length > 0, matches };
    }
    case 'url': {
      const matches = domains(parsed.normalized);
      return { official: matches.length > 0, matches };
    }
    case 'handle': {
      const sameName = entries.filter((e) => e.kind === 'handle' && e.value === parsed.normalized);
      const exact = parsed.platform ? sameName.filter((e) => e.platform === parsed.platform) : [];
      return exact.length > 0 ? { official: true, matches: exact } : { official: false, matches: sameName };
    }
    default:
      return { official: false, matches: [] };
  }
}

export type NormalizedEntry = { ok: true; platform: OfficialPlatform | null; value: string } | { ok: false; message: string };

/** What an admin typed for a new entry, in the one spelling the check compares with; or why it cannot be one. */
export function normalizeEntry(kind: OfficialChannelKind, platform: OfficialPlatform | undefined, raw: string): NormalizedEntry {
  const input = fold(raw);
  switch (kind) {
    case 'email': {
      const parsed = emailResult(input);
      if (NON_ASCII.test(parsed.normalized)) return { ok: false, message: 'must be written in ASCII (a non-Latin domain in its xn-- form)' };
      if (!EMAIL.test(parsed.normalized) || !parsed.matchable) return { ok: false, message: 'must be an email address, like support@example.com' };
      return { ok: true, platform: null, value: parsed.normalized };
    }
    case 'domain': {
      if (input.includes('@')) return { ok: false, message: 'must be a domain, like example.com (an address is added as an email)' };
      const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`;
      if (NON_ASCII.test(typedHost(withScheme))) return { ok: false, message: 'must be written in ASCII (a non-Latin domain in its xn-- form)' };
      let host: string;
      try {
        host = bareHost(new URL(withScheme).hostname);
      } catch {
        return { ok: false, message: 'must be a domain, like example.com' };
      }
      if (!HOSTNAME.test(host)) return { ok: false, message: 'must be a domain, like example.com' };
      if ([...SHARED_DOMAINS].some((shared) => isSameOrSubdomain(host, shared))) {
        return { ok: false, message: 'is a domain where anyone can have an address or a page; add the exact address or handle instead' };
      }
      return { ok: true, platform: null, value: host };
    }
    case 'handle': {
      if (!platform) return { ok: false, message: 'needs its platform' };
      // A profile address or `telegram:@name` names its platform: it must be the one chosen.
      const named = /[/:]/.test(input) ? parseCheck(input) : null;
      if (named && named.kind !== 'handle') return { ok: false, message: `must be a handle (@name) or a profile address on ${platform}` };
      if (named?.platform && named.platform !== platform) return { ok: false, message: `is a ${named.platform} account, not ${platform}` };
      const value = named
        ? named.normalized
        : platform === 'whatsapp'
          ? input.replace(/[\s().+-]/g, '')
          : input.replace(/^@+/, '').toLowerCase();
      if (platform === 'whatsapp' && !/^\d{5,20}$/.test(value)) return { ok: false, message: 'must be a phone number with its country code, like +46 70 123 45 67' };
      if (!HANDLE.test(value)) return { ok: false, message: 'must be a handle of letters, digits, ".", "_" or "-" (in ASCII)' };
      return { ok: true, platform, value };
    }
  }
}
