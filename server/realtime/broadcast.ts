import { toConversationDTO, type ConversationDoc } from '../modules/conversations/conversation.model.js';
import type { ConversationEvents } from '../modules/conversations/conversations.service.js';
import type { AgentNamespace, VisitorNamespace } from './io.js';
import { rooms } from './rooms.js';

/** Fans conversation changes out to the rooms that should hear them, in both namespaces. */
export function conversationBroadcaster(visitors: VisitorNamespace, agents: AgentNamespace): ConversationEvents {
  const agentRooms = (c: ConversationDoc) => {
    const list = [rooms.conversation(c._id.toHexString())];
    if (c.agentId) list.push(rooms.agent(c.agentId.toHexString()));
    return list;
  };
  return {
    messageCreated(conv, message) {
      visitors.to(rooms.visitor(conv.visitorId.toHexString())).emit('message:created', message);
      agents.to(agentRooms(conv)).emit('message:created', message);
    },
    conversationUpdated(conv, queueChanged) {
      const dto = toConversationDTO(conv);
      visitors.to(rooms.visitor(conv.visitorId.toHexString())).emit('conversation:updated', dto);
      agents.to(queueChanged ? [...agentRooms(conv), rooms.queue] : agentRooms(conv)).emit('conversation:updated', dto);
    },
  };
}

