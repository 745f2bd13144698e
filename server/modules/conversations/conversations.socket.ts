/**
 * The conversation commands of both namespaces. Access checks live in the service; this file
 * only adds what is about sockets: joining rooms and relaying typing.
 */
import type { z } from 'zod';
import type { ConversationRef, sendMessageInput, SyncInput, TypingInput } from '../../../shared/schemas/index.js';
import { AppError } from '../../http/errors.js';
import type { AgentHandlers, AgentNamespace, AgentSocket, VisitorHandlers, VisitorNamespace, VisitorSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import { retryIn, type RateLimiter } from '../../store/rate-limiter.js';
import type { Actor, ConversationsService } from './conversations.service.js';

interface Deps {
  conversations: ConversationsService;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  /** CONVERSATIONS_PER_IP_PER_HOUR: new chats one network may start. */
  newChats: { limiter: RateLimiter; perIpPerHour: number };
}

/** Typing is relayed only for conversations this socket has joined, so no store read is needed. */
function mustHaveJoined(socket: { rooms: Set<string> }, conversationId: string): void {
  if (!socket.rooms.has(rooms.conversation(conversationId))) {
    throw new AppError('FORBIDDEN', 'Open the conversation before sending typing updates');
  }
}

/** The commands both namespaces share; they differ only in who acts and where typing goes. */
function streamHandlers(socket: VisitorSocket | AgentSocket, actor: Actor, conversations: ConversationsService, relayTyping: (input: TypingInput) => void) {
  return {
    'conversation:sync': async (input: SyncInput) => {
      const result = await conversations.sync(actor, input);
      await socket.join(rooms.conversation(input.conversationId));
      return result;
    },
    'message:send': (input: z.output<typeof sendMessageInput>) => conversations.send(actor, input),
    'typing:set': async (input: TypingInput) => {
      mustHaveJoined(socket, input.conversationId);
      relayTyping(input);
      return null;
    },
  };
}

export function conversationVisitorHandlers(
  socket: VisitorSocket,
  deps: Deps,
): Pick<VisitorHandlers, 'conversation:start' | 'conversation:current' | 'conversation:sync' | 'conversation:end' | 'message:send' | 'typing:set'> {
  const { conversations } = deps;
  const customer = socket.data.customer;
  const relayTyping = (input: TypingInput) =>
    deps.agents.to(rooms.conversation(input.conversationId)).emit('typing:changed', {
      conversationId: input.conversationId,
      author: { type: 'visitor', name: null },
      typing: input.typing,
    });
  return {
    ...streamHandlers(socket, { kind: 'visitor', customer }, conversations, relayTyping),
    'conversation:end': (input: ConversationRef) => conversations.end({ kind: 'visitor', customer }, input.conversationId),
    'conversation:start': async (input) => {
      const limit = { name: 'chat-ip', max: deps.newChats.perIpPerHour, windowSeconds: 3600 };
      const result = await conversations.start(customer, input, () =>
        deps.newChats.limiter.hit(limit, socket.data.ip, (s) => `Too many new chats from your network; please try again ${retryIn(s)}`),
      );
      await socket.join(rooms.conversation(result.conversation.id));
      return result;
    },
    'conversation:current': () => conversations.current(customer),
  };
}

export function conversationAgentHandlers(
  socket: AgentSocket,
  deps: Deps,
): Pick<AgentHandlers, 'queue:list' | 'conversation:accept' | 'conversation:sync' | 'conversation:end' | 'message:send' | 'typing:set'> {
  const { conversations } = deps;
  const agent = socket.data.agent;
  const relayTyping = (input: TypingInput) =>
    deps.visitors.to(rooms.conversation(input.conversationId)).emit('typing:changed', {
      conversationId: input.conversationId,
      author: { type: 'agent', name: agent.name },
      typing: input.typing,
    });
  return {
    ...streamHandlers(socket, { kind: 'agent', agent }, conversations, relayTyping),
    'conversation:end': (input) => conversations.end({ kind: 'agent', agent }, input.conversationId, input.resolved),
    'queue:list': async () => {
      await socket.join(rooms.queue);
      return conversations.queue(agent);
    },
    'conversation:accept': async (input) => {
      const result = await conversations.accept(agent, input.conversationId);
      await socket.join(rooms.conversation(input.conversationId));
      return result;
    },
  };
}
