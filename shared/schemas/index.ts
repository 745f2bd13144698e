import type { z } from 'zod';
import type { AgentClientToServer, VisitorClientToServer } from '../events.js';
import { alertSettingsInput, pushSubscribeInput, pushUnsubscribeInput } from './alerts.js';
import { rateInput, transcriptInput } from './ratings.js';
import { cannedRef, labelsInput, readInput, readsListInput, saveCannedInput, searchInput } from './canned.js';
import { conversationViewInput } from './collision.js';
import { presenceSetInput, transferInput } from './routing.js';
import { feedbackListInput, officialCheckInput, sendFeedbackInput, visitorReadInput } from './visitor-features.js';
import { agentEndInput, conversationRef, empty, sendMessageInput, startConversationInput, syncInput, typingInput } from './conversations.js';
import {
  addNoteInput,
  agentTicketListInput,
  convertToTicketInput,
  createTicketInput,
  customerTicketListInput,
  leaveMessageInput,
  updateTicketInput,
} from './tickets.js';

export * from './admin.js';
export * from './alerts.js';
export * from './canned.js';
export * from './collision.js';
export * from './common.js';
export * from './conversations.js';
export * from './ratings.js';
export * from './routing.js';
export * from './tickets.js';
export * from './visitor-features.js';

/** The schema of every inbound event: the server validates each payload against these before a handler runs. */
export const visitorEventSchemas = {
  'session:get': empty,
  'site:config': empty,
  'conversation:start': startConversationInput,
  'conversation:current': empty,
  'conversation:sync': syncInput,
  'conversation:end': conversationRef,
  'conversation:leave-message': leaveMessageInput,
  'message:send': sendMessageInput,
  'typing:set': typingInput,
  'ticket:create': createTicketInput,
  'tickets:list': customerTicketListInput,
  'alerts:get': empty,
  'alerts:set': alertSettingsInput,
  'push:subscribe': pushSubscribeInput,
  'push:unsubscribe': pushUnsubscribeInput,
  'conversation:rate': rateInput,
  'conversation:transcript': transcriptInput,
  'conversation:read': visitorReadInput,
  'feedback:send': sendFeedbackInput,
  'official:check': officialCheckInput,
} satisfies Record<keyof VisitorClientToServer, z.ZodType>;

export const agentEventSchemas = {
  'queue:list': empty,
  'conversation:accept': conversationRef,
  'conversation:sync': syncInput,
  'conversation:end': agentEndInput,
  'message:send': sendMessageInput,
  'typing:set': typingInput,
  'site:config': empty,
  'agents:list': empty,
  'tickets:list': agentTicketListInput,
  'ticket:convert': convertToTicketInput,
  'ticket:update': updateTicketInput,
  'notes:list': conversationRef,
  'note:add': addNoteInput,
  'alerts:get': empty,
  'alerts:set': alertSettingsInput,
  'push:subscribe': pushSubscribeInput,
  'push:unsubscribe': pushUnsubscribeInput,
  'ratings:summary': empty,
  'conversation:view': conversationViewInput,
  'canned:list': empty,
  'canned:save': saveCannedInput,
  'canned:delete': cannedRef,
  'conversation:labels': labelsInput,
  'conversation:read': readInput,
  'reads:list': readsListInput,
  search: searchInput,
  'presence:set': presenceSetInput,
  'presence:activity': empty,
  'presence:list': empty,
  'conversation:transfer': transferInput,
  'teams:list': empty,
  'feedback:list': feedbackListInput,
} satisfies Record<keyof AgentClientToServer, z.ZodType>;
