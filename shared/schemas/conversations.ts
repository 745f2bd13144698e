import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../limits.js';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../tickets.js';
import { clientId, email, empty, locale, objectId, personName } from './common.js';
import { prechatValues } from './visitor-features.js';

/** Ids from POST /api/uploads, sent along with a message. */
export const attachmentIds = z
  .array(objectId)
  .max(MAX_ATTACHMENTS_PER_MESSAGE, `at most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments per message`)
  .refine((ids) => new Set(ids).size === ids.length, 'lists an attachment twice');

export const conversationRef = z.object({ conversationId: objectId }).strict();

export const startConversationInput = z
  .object({
    name: personName.optional(),
    email: email.optional().or(z.literal('').transform(() => undefined)),
    locale: locale.optional(),
    /** Where the visitor started the chat; shown to the agent. */
    pageUrl: z.string().max(2000).optional(),
    /** Answers to the site's own pre-chat questions; the server checks them against the site's form. */
    fields: prechatValues.optional(),
  })
  .strict();

export const syncInput = z
  .object({
    conversationId: objectId,
    /** The highest sequence number the client already holds; 0 for the whole history. */
    afterSeq: z.number().int().min(0),
  })
  .strict();

/** A message needs words, attachments, or both. */
export const sendMessageInput = z
  .object({
    conversationId: objectId,
    clientId,
    body: z
      .string()
      .default('')
      .transform((s) => s.trim())
      .pipe(z.string().max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)),
    attachmentIds: attachmentIds.optional(),
  })
  .strict()
  .refine((m) => m.body.length > 0 || (m.attachmentIds?.length ?? 0) > 0, { message: 'must not be empty', path: ['body'] });

/** An agent ends a chat; `resolved: false` (the default) turns a chat with a known email into a pending ticket. */
export const agentEndInput = z.object({ conversationId: objectId, resolved: z.boolean().default(false) }).strict();

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
export type AgentEndInput = z.input<typeof agentEndInput>;
export type StartConversationInput = z.input<typeof startConversationInput>;
export type SyncInput = z.infer<typeof syncInput>;
export type SendMessageInput = z.input<typeof sendMessageInput>;
export type TypingInput = z.infer<typeof typingInput>;
export type LoginInput = z.input<typeof loginInput>;
export type Empty = z.infer<typeof empty>;
