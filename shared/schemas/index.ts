import type { z } from 'zod';
import type { AgentClientToServer, VisitorClientToServer } from '../events.js';
import { conversationRef, empty, sendMessageInput, startConversationInput, syncInput, typingInput } from './conversations.js';

export * from './common.js';
export * from './conversations.js';

/** The schema of every inbound event: the server validates each payload against these before a handler runs. */
export const visitorEventSchemas = {
  'conversation:start': startConversationInput,
  'conversation:current': empty,
  'conversation:sync': syncInput,
  'conversation:end': conversationRef,
  'message:send': sendMessageInput,
  'typing:set': typingInput,
} satisfies Record<keyof VisitorClientToServer, z.ZodType>;

export const agentEventSchemas = {
  'queue:list': empty,
  'conversation:accept': conversationRef,
  'conversation:sync': syncInput,
  'conversation:end': conversationRef,
  'message:send': sendMessageInput,
  'typing:set': typingInput,
} satisfies Record<keyof AgentClientToServer, z.ZodType>;
