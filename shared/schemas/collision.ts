import { z } from 'zod';
import { objectId } from './common.js';

/** An agent's view opens (`viewing: true`) or closes a conversation: what "X is also viewing" is made of. */
export const conversationViewInput = z
  .object({
    conversationId: objectId,
    viewing: z.boolean(),
  })
  .strict();

export type ConversationViewInput = z.infer<typeof conversationViewInput>;
