import { z } from 'zod';
import { MAX_TRANSFER_NOTE_LENGTH } from '../limits.js';
import { objectId } from './common.js';

/** The agent's own choice; `offline` is not chosen, it is the absence of a live session. */
export const presenceSetInput = z.object({ status: z.enum(['online', 'away']) }).strict();

/** Hands a live chat to one agent or back to the queue of one team, with an optional internal note. */
export const transferInput = z
  .object({
    conversationId: objectId,
    agentId: objectId.optional(),
    teamId: objectId.optional(),
    note: z
      .string()
      .trim()
      .max(MAX_TRANSFER_NOTE_LENGTH, `must be at most ${MAX_TRANSFER_NOTE_LENGTH} characters`)
      .optional(),
  })
  .strict()
  .refine((t) => (t.agentId === undefined) !== (t.teamId === undefined), { message: 'name exactly one of agentId and teamId', path: ['agentId'] });

export type PresenceSetInput = z.infer<typeof presenceSetInput>;
export type TransferInput = z.input<typeof transferInput>;
