import { toConversationDTO, type ConversationDoc } from '../modules/conversations/conversation.model.js';
import type { ConversationEvents } from '../modules/conversations/conversations.service.js';
import type { TicketEvents } from '../modules/tickets/tickets.service.js';
import type { AgentNamespace, VisitorNamespace } from './io.js';
import { rooms } from './rooms.js';

/**
 * The visitor-namespace rooms that hear a conversation's events. A logged-in user's conversation
 * goes to all their devices, an anonymous one to the visitor's tabs; the conversation's room
 * reaches the customer page (users and guests) that opened it.
 */
export const customerRooms = (c: ConversationDoc): string[] => [
  rooms.conversation(c._id.toHexString()),
  c.customerUserId ? rooms.user(c.siteKey, c.customerUserId) : rooms.visitor(c.visitorId.toHexString()),
];

/** Fans conversation changes out to the rooms that should hear them, in both namespaces. */
export function conversationBroadcaster(visitors: VisitorNamespace, agents: AgentNamespace): ConversationEvents & TicketEvents {
  const agentRooms = (c: ConversationDoc) => {
    const list = [rooms.conversation(c._id.toHexString())];
    if (c.agentId) list.push(rooms.agent(c.agentId.toHexString()));
    if (c.ticketNumber != null) list.push(rooms.tickets);
    return list;
  };
  return {
    messageCreated(conv, message) {
      visitors.to(customerRooms(conv)).emit('message:created', message);
      agents.to(agentRooms(conv)).emit('message:created', message);
    },
    conversationUpdated(conv, queueChanged) {
      visitors.to(customerRooms(conv)).emit('conversation:updated', toConversationDTO(conv, 'customer'));
      agents.to(queueChanged ? [...agentRooms(conv), rooms.queue] : agentRooms(conv)).emit('conversation:updated', toConversationDTO(conv));
    },
    noteCreated(conv, note) {
      // Agents only: notes never go to the visitor namespace.
      agents.to(rooms.conversation(conv._id.toHexString())).emit('note:created', note);
    },
  };
}
