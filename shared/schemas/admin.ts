/**
 * Inputs of the admin REST API (shared/api.ts "Admins"): agents and their invitations, teams, and
 * a site's routing, business hours, widget look and allowed origins. Every schema is strict, so a
 * misspelt field is a VALIDATION error rather than silently ignored.
 */
import { z } from 'zod';
import { accentText, MIN_TEXT_CONTRAST } from '../colors.js';
import { DEFAULT_PRECHAT } from '../visitor-features.js';
import { prechatSettingsInput } from './visitor-features.js';
import { MAX_NAME_LENGTH } from '../limits.js';
import { ROUTING_MODES, WEEKDAYS, type BusinessHours, type OpeningInterval, type Weekday } from '../workspace.js';
import { email, locale, LOCALES, objectId } from './common.js';
import { siteUpdateInput } from './tickets.js';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_CHATS_LIMIT = 50;
/** Longest greeting or offline message per language. */
export const MAX_WIDGET_TEXT = 500;
export const MAX_ALLOWED_ORIGINS = 50;
export const MAX_INTERVALS_PER_DAY = 6;

const agentRole = z.enum(['agent', 'admin']);
const maxChats = z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_CHATS_LIMIT, `must be at most ${MAX_CHATS_LIMIT}`);
const displayName = z.string().trim().min(1, 'is required').max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);
const categoryId = z.string().trim().regex(/^[a-z0-9-]{1,64}$/, 'must be a category id');

/** Order kept, duplicates dropped. */
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

export const agentSkillsInput = z
  .object({
    languages: z.array(locale).max(LOCALES.length).transform(unique),
    categories: z.array(categoryId).max(50).transform(unique),
  })
  .strict();

const teamIds = z.array(objectId).max(50).transform(unique);

/** POST /api/admin/agents: the agent gets an email with a link to set their password. */
export const inviteAgentInput = z
  .object({
    email,
    name: displayName,
    role: agentRole,
    maxChats: maxChats.optional(),
    skills: agentSkillsInput.optional(),
    teamIds: teamIds.optional(),
  })
  .strict();

/** PATCH /api/admin/agents/:id */
export const updateAgentInput = z
  .object({
    name: displayName.optional(),
    role: agentRole.optional(),
    maxChats: maxChats.optional(),
    skills: agentSkillsInput.optional(),
    teamIds: teamIds.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'must change at least one field');

/** The invitation token: 256 random bits, base64url. */
export const inviteToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an invitation link');

/** POST /api/auth/invite/accept */
export const acceptInviteInput = z
  .object({
    token: inviteToken,
    password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024, 'must be at most 1024 characters'),
  })
  .strict();

/** POST and PATCH /api/admin/teams */
export const teamInput = z
  .object({ name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters') })
  .strict();

/** An IANA time zone this runtime knows, e.g. "Europe/Stockholm", in its canonical spelling. */
export const timeZoneInput = z
  .string()
  .trim()
  .max(64)
  .transform((tz, ctx) => {
    const canonical = canonicalTimeZone(tz);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Stockholm' });
      return z.NEVER;
    }
    return canonical;
  });

function canonicalTimeZone(tz: string): string | null {
  // Named zones only: "Area/City" or a bare name like "UTC"; no "+01:00" offsets, which ignore summer time.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    // RangeError: a zone this runtime does not know.
    return null;
  }
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** "HH:MM", 00:00..23:59 for a start; an end may also be "24:00" (open until midnight). */
export const openingIntervalInput = z
  .object({
    from: z.string().regex(HH_MM, 'must be a time as HH:MM'),
    to: z.string().refine((s) => HH_MM.test(s) || s === '24:00', 'must be a time as HH:MM (or 24:00)'),
  })
  .strict()
  .refine((i) => i.from < i.to, { message: 'must end after it starts', path: ['to'] });

const dayIntervals = z
  .array(openingIntervalInput)
  .max(MAX_INTERVALS_PER_DAY, `may hold at most ${MAX_INTERVALS_PER_DAY} intervals`)
  .transform((xs, ctx): OpeningInterval[] => {
    // "HH:MM" strings of equal length sort and compare like the times they name.
    const sorted = [...xs].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const cur = sorted[i]!;
      if (cur.from < prev.to) ctx.addIssue({ code: 'custom', message: `${prev.from}–${prev.to} and ${cur.from}–${cur.to} overlap` });
    }
    return sorted;
  });

/** A site's opening hours; a weekday left out (or empty) is closed. */
export const businessHoursInput = z
  .object({
    timeZone: timeZoneInput,
    days: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, dayIntervals.optional()])) as Record<Weekday, z.ZodOptional<typeof dayIntervals>>).strict(),
  })
  .strict()
  .transform(
    (h): BusinessHours => ({
      timeZone: h.timeZone,
      days: Object.fromEntries(WEEKDAYS.map((d) => [d, h.days[d] ?? []])) as Record<Weekday, OpeningInterval[]>,
    }),
  );

/** Per-language texts; an empty text is dropped (the widget's built-in text then shows). */
const perLocaleText = z
  .object(Object.fromEntries(LOCALES.map((l) => [l, z.string().trim().max(MAX_WIDGET_TEXT, `must be at most ${MAX_WIDGET_TEXT} characters`).optional()])) as Record<(typeof LOCALES)[number], z.ZodOptional<z.ZodString>>)
  .strict()
  .transform((texts) => Object.fromEntries(Object.entries(texts).filter(([, t]) => t !== undefined && t !== '')) as Partial<Record<(typeof LOCALES)[number], string>>);

export const widgetSettingsInput = z
  .object({
    color: z
      .string()
      .trim()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
      .transform((c) => c.toLowerCase())
      .refine((c) => accentText(c).contrast >= MIN_TEXT_CONTRAST, {
        message: `is hard to read text on: neither white nor dark text reaches ${MIN_TEXT_CONTRAST}:1 on it (WCAG AA); pick a darker or a lighter shade`,
      }),
    position: z.enum(['left', 'right']),
    greeting: perLocaleText,
    offlineMessage: perLocaleText,
    languages: z.array(locale).max(LOCALES.length).transform(unique),
    /** Absent: as before (the built-in form, DEFAULT_PRECHAT). */
    prechat: prechatSettingsInput.default(DEFAULT_PRECHAT),
  })
  .strict();

/** "https://shop.example.com" from any spelling of it ("HTTPS://Shop.Example.com:443/"); null if it is not an http(s) origin. */
export function normalizeOrigin(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  return url.origin;
}

export const allowedOriginsInput = z
  .array(
    z
      .string()
      .max(300)
      .transform((s, ctx) => {
        const origin = normalizeOrigin(s);
        if (origin === null) {
          ctx.addIssue({ code: 'custom', message: 'must be an http(s) origin such as https://shop.example.com (no path)' });
          return z.NEVER;
        }
        return origin;
      }),
  )
  .max(MAX_ALLOWED_ORIGINS, `may hold at most ${MAX_ALLOWED_ORIGINS} origins`)
  .transform(unique);

/** PATCH /api/admin/sites/:siteKey: the basics (name, categories, secret rotation) and the workspace settings. */
export const siteSettingsInput = siteUpdateInput
  .extend({
    routing: z.enum(ROUTING_MODES).optional(),
    /** Null: always open. */
    businessHours: businessHoursInput.nullable().optional(),
    /** Null: the built-in look and texts. */
    widget: widgetSettingsInput.nullable().optional(),
    /** Empty: any origin. */
    allowedOrigins: allowedOriginsInput.optional(),
  })
  .strict();

export type InviteAgentInput = z.input<typeof inviteAgentInput>;
export type UpdateAgentInput = z.input<typeof updateAgentInput>;
export type AcceptInviteInput = z.input<typeof acceptInviteInput>;
export type TeamInput = z.input<typeof teamInput>;
export type BusinessHoursInput = z.input<typeof businessHoursInput>;
export type WidgetSettingsInput = z.input<typeof widgetSettingsInput>;
export type SiteSettingsInput = z.input<typeof siteSettingsInput>;
export type SiteSettings = z.output<typeof siteSettingsInput>;
