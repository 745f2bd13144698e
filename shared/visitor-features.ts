/**
 * The widget's visitor features (issue 6): pre-chat fields, read receipts, product feedback and the
 * official-channel check. Events that carry these are in events.ts; inputs are validated by
 * shared/schemas/visitor-features.ts.
 */
import type { Locale } from './schemas/common.js';
import type { AttachmentDTO } from './types.js';
import type { RatingScore } from './workspace.js';

// ---------------------------------------------------------------------------------------------
// Pre-chat form

/** How the chat form asks for the built-in name and email. */
export const PRECHAT_MODES = ['hidden', 'optional', 'required'] as const;
export type PrechatMode = (typeof PRECHAT_MODES)[number];

export const PRECHAT_FIELD_TYPES = ['text', 'textarea', 'email', 'tel', 'select'] as const;
export type PrechatFieldType = (typeof PRECHAT_FIELD_TYPES)[number];

/** A site's own question on the chat form (an account number, say). */
export interface PrechatField {
  /** Where the answer is kept on the conversation: /^[a-z][a-z0-9_]{0,31}$/, not `name` or `email`. */
  key: string;
  /** Per language; a missing language shows the English label, then the key. */
  label: Partial<Record<Locale, string>>;
  type: PrechatFieldType;
  required: boolean;
  /** `select` only: the choices, shown and stored as written (1 to MAX_PRECHAT_OPTIONS). */
  options?: string[];
}

/** The chat form of a site (WidgetSettings.prechat). */
export interface PrechatSettings {
  name: PrechatMode;
  email: PrechatMode;
  fields: PrechatField[];
}

export const DEFAULT_PRECHAT: PrechatSettings = { name: 'optional', email: 'optional', fields: [] };
export const MAX_PRECHAT_FIELDS = 8;
export const MAX_PRECHAT_OPTIONS = 20;
export const MAX_PRECHAT_VALUE_LENGTH = 500;

// ---------------------------------------------------------------------------------------------
// Read receipts

/**
 * How far each side has read a conversation: the visitor (any of their tabs) and its agents (any
 * agent who opened it). Raised only. In every SyncResult, and pushed as `receipts:changed` to the
 * conversation's visitor and agents.
 */
export interface ReadReceiptsDTO {
  conversationId: string;
  /** The highest seq the visitor has seen; agents show "Seen" under their replies up to it. */
  visitorSeq: number;
  /** The highest seq an agent has seen; the widget shows "Seen" under the visitor's messages up to it. */
  agentSeq: number;
}

// ---------------------------------------------------------------------------------------------
// Product feedback

export const MAX_FEEDBACK_COMMENT_LENGTH = 4000;
/** Screenshots per feedback: images uploaded through POST /api/uploads first. */
export const MAX_FEEDBACK_SCREENSHOTS = 3;

/** A visitor's rating of the product (not of a chat): agents read these under "Feedback". */
export interface FeedbackDTO {
  id: string;
  siteKey: string;
  /** 1 terrible, 2 bad, 3 okay, 4 great, 5 fantastic (as chat ratings). */
  score: RatingScore;
  comment: string | null;
  /** Images only. */
  screenshots: AttachmentDTO[];
  visitor: { id: string; name: string | null; email: string | null; userId: string | null };
  pageUrl: string | null;
  locale: Locale;
  createdAt: string;
}

export interface FeedbackListResult {
  items: FeedbackDTO[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextCursor: string | null;
  /** Over the whole site list asked (not just this page). */
  average: number | null;
  count: number;
}

// ---------------------------------------------------------------------------------------------
// Official-channel check

export const OFFICIAL_CHANNEL_KINDS = ['email', 'domain', 'handle'] as const;
/**
 * email: one address. domain: every address at it and every web address on it (only we control it;
 * a look-alike domain does not match). handle: an account on one platform.
 */
export type OfficialChannelKind = (typeof OFFICIAL_CHANNEL_KINDS)[number];

export const OFFICIAL_PLATFORMS = ['x', 'telegram', 'instagram', 'facebook', 'linkedin', 'youtube', 'tiktok', 'discord', 'whatsapp', 'reddit', 'other'] as const;
export type OfficialPlatform = (typeof OFFICIAL_PLATFORMS)[number];

/** One of a site's official addresses or accounts, as admins keep them. */
export interface OfficialChannelDTO {
  id: string;
  siteKey: string;
  kind: OfficialChannelKind;
  /** handle only. */
  platform: OfficialPlatform | null;
  /** Normalised: lower-case address, domain without `www.`, handle without `@`. */
  value: string;
  /** Shown to visitors with a match ("Our support desk"). */
  note: string | null;
  createdAt: string;
}

/** What the visitor asked about, as the server understood it. */
export interface OfficialCheckResult {
  /** The input normalised (lower case, `@` and URL parts removed), to show back. */
  normalized: string;
  /** `url`: a web address (checked against domains), `handle`: with a platform when the input named one. */
  kind: 'email' | 'url' | 'handle' | 'unknown';
  /** The platform the input names (a profile URL, `telegram:@name`), or null for a bare `@name`. */
  platform: OfficialPlatform | null;
  /** True only for an exact match (an address, a domain we own, or the handle on the platform asked). */
  official: boolean;
  /**
   * The entries that matched. A bare handle that is ours on some platforms lists those: it is ours
   * there only, and the same name elsewhere is not us.
   */
  matches: OfficialChannelDTO[];
}

export const MAX_OFFICIAL_CHECK_LENGTH = 300;
