/**
 * Inputs of the agent tools of issue 5: canned replies, labels, read markers and search.
 * Limits are exported so the agent UI can warn before the server refuses.
 */
import { z } from 'zod';
import { objectId } from './common.js';

export const CANNED_SHORTCUT_MAX = 32;
export const CANNED_TITLE_MAX = 100;
export const CANNED_BODY_MAX = 4000;
export const CANNED_SCOPES = ['shared', 'personal'] as const;
/** What follows "/" in the composer: lower-case letters, digits and "-". */
export const CANNED_SHORTCUT = /^[a-z0-9-]{1,32}$/;

export const MAX_LABELS = 10;
export const MAX_LABEL_LENGTH = 32;
export const SEARCH_QUERY_MAX = 200;
export const SEARCH_LIMIT_MAX = 50;
/** Conversation ids one `reads:list` may ask about. */
export const READS_LIST_MAX = 500;

export const cannedShortcut = z
  .string()
  .trim()
  .regex(CANNED_SHORTCUT, `must be 1 to ${CANNED_SHORTCUT_MAX} lower-case letters, digits or "-"`);

/** Creates a reply (no id) or changes one. Shared replies: admins only; personal ones: their owner only. */
export const saveCannedInput = z
  .object({
    id: objectId.optional(),
    shortcut: cannedShortcut,
    title: z.string().trim().min(1, 'must not be empty').max(CANNED_TITLE_MAX, `must be at most ${CANNED_TITLE_MAX} characters`),
    body: z.string().trim().min(1, 'must not be empty').max(CANNED_BODY_MAX, `must be at most ${CANNED_BODY_MAX} characters`),
    scope: z.enum(CANNED_SCOPES),
  })
  .strict();

export const cannedRef = z.object({ id: objectId }).strict();

/** One label: trimmed, lower-cased, 1..32 characters. */
export const label = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.string().min(1, 'must not be empty').max(MAX_LABEL_LENGTH, `must be at most ${MAX_LABEL_LENGTH} characters`));

/** Replaces a conversation's labels; duplicates (after lower-casing) are refused, not merged, so nothing is silently lost. */
export const labelsInput = z
  .object({
    conversationId: objectId,
    labels: z
      .array(label)
      .max(MAX_LABELS, `at most ${MAX_LABELS} labels`)
      .refine((l) => new Set(l).size === l.length, 'lists a label twice'),
  })
  .strict();

/** The agent has seen the conversation up to `seq`. */
export const readInput = z.object({ conversationId: objectId, seq: z.number().int().min(0) }).strict();

/** Without ids: every conversation the agent has a read marker for (newest first, bounded). */
export const readsListInput = z.object({ conversationIds: z.array(objectId).max(READS_LIST_MAX).optional() }).strict();

export const searchInput = z
  .object({
    q: z.string().trim().min(1, 'must not be empty').max(SEARCH_QUERY_MAX, `must be at most ${SEARCH_QUERY_MAX} characters`),
    limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(20),
  })
  .strict();

export type SaveCannedInput = z.input<typeof saveCannedInput>;
export type CannedRef = z.input<typeof cannedRef>;
export type LabelsInput = z.input<typeof labelsInput>;
export type ReadInput = z.input<typeof readInput>;
export type ReadsListInput = z.input<typeof readsListInput>;
export type SearchInput = z.input<typeof searchInput>;
