import { z } from 'zod';
import { clientId, email, empty, locale, messageBody, objectId, personName } from './common.js';

export const conversationRef = z.object({ conversationId: objectId }).strict();

export const startConversationInput = z
  .object({
    name: personName.optional(),
    email: email.optional().or(z.literal('').transform(() => undefined)),
    locale: locale.optional(),
    /** Where the visitor started the chat; shown to the agent. */
    pageUrl: z.string().max(2000).optional(),
  })
  .strict();

export const syncInput = z
  .object({
    conversationId: objectId,
    /** The highest sequence number the client already holds; 0 for the whole history. */
    afterSeq: z.number().int().min(0),
  })
  .strict();

export const sendMessageInput = z
  .object({
    conversationId: objectId,
    clientId,
    body: messageBody,
  })
  .strict();

export const typingInput = z
  .object({
    conversationId: objectId,
    typing: z.boolean(),
  })
  .strict();

export const loginInput = z
  .object({
    email,
    password: z.string().min(1, 'is required').max(1024),
  })
  .strict();

export { empty };

export type ConversationRef = z.infer<typeof conversationRef>;
export type StartConversationInput = z.input<typeof startConversationInput>;
export type SyncInput = z.infer<typeof syncInput>;
export type SendMessageInput = z.input<typeof sendMessageInput>;
export type TypingInput = z.infer<typeof typingInput>;
export type LoginInput = z.input<typeof loginInput>;
export type Empty = z.infer<typeof empty>;
