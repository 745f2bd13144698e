import { z } from 'zod';
import {
  MAX_FEEDBACK_COMMENT_LENGTH,
  MAX_FEEDBACK_SCREENSHOTS,
  MAX_OFFICIAL_CHECK_LENGTH,
  MAX_PRECHAT_FIELDS,
  MAX_PRECHAT_OPTIONS,
  MAX_PRECHAT_VALUE_LENGTH,
  OFFICIAL_CHANNEL_KINDS,
  OFFICIAL_PLATFORMS,
  PRECHAT_FIELD_TYPES,
  PRECHAT_MODES,
} from '../visitor-features.js';
import { clientId, LOCALES, objectId } from './common.js';

const MAX_LABEL = 120;

/** A site's own question on the chat form (admins, inside WidgetSettingsInput.prechat). */
export const prechatFieldInput = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or "_", starting with a letter')
      .refine((k) => k !== 'name' && k !== 'email', 'name and email are built in'),
    label: z
      .object(Object.fromEntries(LOCALES.map((l) => [l, z.string().trim().max(MAX_LABEL).optional()])) as Record<(typeof LOCALES)[number], z.ZodOptional<z.ZodString>>)
      .strict()
      .transform((texts) => Object.fromEntries(Object.entries(texts).filter(([, t]) => t)) as Partial<Record<(typeof LOCALES)[number], string>>),
    type: z.enum(PRECHAT_FIELD_TYPES),
    required: z.boolean(),
    options: z.array(z.string().trim().min(1).max(MAX_LABEL)).min(1).max(MAX_PRECHAT_OPTIONS).optional(),
  })
  .strict()
  .refine((f) => (f.type === 'select') === (f.options !== undefined), { message: 'options are for select fields, and a select field needs them', path: ['options'] });

export const prechatSettingsInput = z
  .object({
    name: z.enum(PRECHAT_MODES),
    email: z.enum(PRECHAT_MODES),
    fields: z
      .array(prechatFieldInput)
      .max(MAX_PRECHAT_FIELDS, `may hold at most ${MAX_PRECHAT_FIELDS} fields`)
      .refine((fields) => new Set(fields.map((f) => f.key)).size === fields.length, 'lists a key twice'),
  })
  .strict();

/** The visitor's answers to the site's own questions (StartConversationInput.fields); checked against the site's settings by the server. */
export const prechatValues = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'is not a field of this form'),
  z.string().trim().max(MAX_PRECHAT_VALUE_LENGTH, `must be at most ${MAX_PRECHAT_VALUE_LENGTH} characters`),
);

/** The visitor (any tab) has seen the conversation up to `seq`. */
export const visitorReadInput = z.object({ conversationId: objectId, seq: z.number().int().min(0) }).strict();

export const sendFeedbackInput = z
  .object({
    /** Makes a resend return the first. */
    clientId,
    score: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
    comment: z.string().trim().max(MAX_FEEDBACK_COMMENT_LENGTH, `must be at most ${MAX_FEEDBACK_COMMENT_LENGTH} characters`).optional(),
    /** Images from POST /api/uploads. */
    screenshotIds: z
      .array(objectId)
      .max(MAX_FEEDBACK_SCREENSHOTS, `at most ${MAX_FEEDBACK_SCREENSHOTS} screenshots`)
      .refine((ids) => new Set(ids).size === ids.length, 'lists a screenshot twice')
      .optional(),
    pageUrl: z.string().max(2000).optional(),
    locale: z.enum(LOCALES).optional(),
  })
  .strict();

/** Agents: the site's feedback, newest first. */
export const feedbackListInput = z
  .object({
    siteKey: z.string().min(1).max(64).optional(),
    /** nextCursor of the page before. */
    before: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(100).default(30),
  })
  .strict();

export const officialCheckInput = z
  .object({ value: z.string().trim().min(1, 'must not be empty').max(MAX_OFFICIAL_CHECK_LENGTH, `must be at most ${MAX_OFFICIAL_CHECK_LENGTH} characters`) })
  .strict();

/** Admins add an official address or account (POST /api/admin/official-channels). The server normalises `value`. */
export const officialChannelInput = z
  .object({
    siteKey: z.string().min(1).max(64).default('default'),
    kind: z.enum(OFFICIAL_CHANNEL_KINDS),
    platform: z.enum(OFFICIAL_PLATFORMS).optional(),
    value: z.string().trim().min(1, 'must not be empty').max(MAX_OFFICIAL_CHECK_LENGTH),
    note: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((c) => (c.kind === 'handle') === (c.platform !== undefined), { message: 'a handle needs its platform; addresses and domains have none', path: ['platform'] });

export type PrechatSettingsInput = z.input<typeof prechatSettingsInput>;
export type VisitorReadInput = z.infer<typeof visitorReadInput>;
export type SendFeedbackInput = z.input<typeof sendFeedbackInput>;
export type FeedbackListInput = z.input<typeof feedbackListInput>;
export type OfficialCheckInput = z.input<typeof officialCheckInput>;
export type OfficialChannelInput = z.input<typeof officialChannelInput>;
