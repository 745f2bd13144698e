import { z } from 'zod';
import { MAX_RATING_COMMENT_LENGTH } from '../workspace.js';
import { email, objectId } from './common.js';

/** The visitor rates a chat: 1 terrible … 5 fantastic, with an optional comment; rating again replaces it. */
export const rateInput = z
  .object({
    conversationId: objectId,
    score: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
    comment: z
      .string()
      .trim()
      .max(MAX_RATING_COMMENT_LENGTH, `must be at most ${MAX_RATING_COMMENT_LENGTH} characters`)
      .optional(),
  })
  .strict();

/**
 * "Email me the transcript". `email` only counts when the conversation has none yet (an anonymous
 * visitor); `timeZone` (IANA, the browser's) dates the lines in the visitor's own time.
 */
export const transcriptInput = z
  .object({
    conversationId: objectId,
    email: email.optional().or(z.literal('').transform(() => undefined)),
    timeZone: z.string().max(64).optional(),
  })
  .strict();

export type RateInput = z.input<typeof rateInput>;
export type TranscriptInput = z.input<typeof transcriptInput>;
