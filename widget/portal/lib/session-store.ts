/**
 * What the customer page keeps in sessionStorage (per tab, so a reload keeps the customer in and
 * closing the tab forgets it): how the customer came in, and the session that came of it.
 * Storage may be unavailable (some private modes); the page then works for its own lifetime.
 */
import type { CustomerSessionDTO, Locale } from '../../../shared/types.js';

const ENTRY_KEY = 'chat-hybrid:portal:entry';
const SESSION_KEY = 'chat-hybrid:portal:session';
const LOCALE_KEY = 'chat-hybrid:portal:locale';

/** A guest came from an email link; a user from the host site's "My tickets". */
export type Entry = { kind: 'guest'; link: string; maskedEmail: string | null } | { kind: 'user'; siteKey: string };

export type StoredSession = Pick<CustomerSessionDTO, 'token' | 'expiresAt' | 'kind' | 'user' | 'conversationId'>;

const memory = new Map<string, string>();

function read(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    // Storage is unavailable here; what was kept lives in memory.
    return memory.get(key) ?? null;
  }
}

function write(storage: () => Storage, key: string, value: string | null): void {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, value);
  } catch {
    // Storage is unavailable or full; the memory copy above serves this page.
  }
}

function readJson<T>(key: string, valid: (v: unknown) => v is T): T | null {
  const raw = read(() => sessionStorage, key);
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return valid(value) ? value : null;
  } catch {
    return null;
  }
}

function isEntry(v: unknown): v is Entry {
  const e = v as Partial<Record<string, unknown>> | null;
  if (!e || typeof e !== 'object') return false;
  if (e.kind === 'guest') return typeof e.link === 'string' && (e.maskedEmail === null || typeof e.maskedEmail === 'string');
  return e.kind === 'user' && typeof e.siteKey === 'string';
}

function isSession(v: unknown): v is StoredSession {
  const s = v as Partial<Record<string, unknown>> | null;
  return !!s && typeof s === 'object' && typeof s.token === 'string' && typeof s.expiresAt === 'string' && typeof s.kind === 'string';
}

export const portalStorage = {
  entry: (): Entry | null => readJson(ENTRY_KEY, isEntry),
  setEntry: (entry: Entry | null) => write(() => sessionStorage, ENTRY_KEY, entry ? JSON.stringify(entry) : null),

  /** The stored session, even an expired one (that tells "your session has ended" from "never signed in"). */
  session: (): StoredSession | null => readJson(SESSION_KEY, isSession),
  /** Keeps what the page needs of a session (or forgets it) and returns what was kept. */
  setSession: (session: CustomerSessionDTO | StoredSession | null): StoredSession | null => {
    const kept: StoredSession | null = session
      ? { token: session.token, expiresAt: session.expiresAt, kind: session.kind, user: session.user, conversationId: session.conversationId }
      : null;
    write(() => sessionStorage, SESSION_KEY, kept ? JSON.stringify(kept) : null);
    return kept;
  },

  /** The language the customer picked, kept across visits. */
  locale: (): string | null => read(() => localStorage, LOCALE_KEY),
  setLocale: (locale: Locale) => write(() => localStorage, LOCALE_KEY, locale),
};

export function isExpired(session: Pick<StoredSession, 'expiresAt'>, now = Date.now()): boolean {
  const at = Date.parse(session.expiresAt);
  return Number.isNaN(at) || at <= now;
}
