/**
 * The conversation commands of both namespaces. Access checks live in the service; this file
 * only adds what is about sockets: joining rooms and relaying typing.
 */
import type { z } from 'zod';
import { agentEventSchemas, visitorEventSchemas, type ConversationRef, type sendMessageInput, type SyncInput, type TypingInput } from '../../../shared/schemas/index.js';
import type { AgentClientToServer, VisitorClientToServer } from '../../../shared/events.js';
import { AppError } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import { bindHandlers, type InFlight } from '../../realtime/define-handler.js';
import type { AgentNamespace, AgentSocket, VisitorNamespace, VisitorSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import type { Actor, ConversationsService } from './conversations.service.js';

interface Deps {
  conversations: ConversationsService;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  inFlight: InFlight;
  log: Logger;
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
    'conversation:end': (input: ConversationRef) => conversations.end(actor, input.conversationId),
    'message:send': (input: z.output<typeof sendMessageInput>) => conversations.send(actor, input),
    'typing:set': async (input: TypingInput) => {
      mustHaveJoined(socket, input.conversationId);
      relayTyping(input);
      return null;
    },
  };
}

export function registerVisitorSocket(socket: VisitorSocket, deps: Deps): void {
  const { conversations } = deps;
  const visitor = socket.data.visitor;
  const log = deps.log.child({ socket: socket.id, visitor: visitor.id });
  const relayTyping = (input: TypingInput) =>
    deps.agents.to(rooms.conversation(input.conversationId)).emit('typing:changed', {
      conversationId: input.conversationId,
      author: { type: 'visitor', name: null },
      typing: input.typing,
    });

  bindHandlers<VisitorClientToServer, typeof visitorEventSchemas>(
    socket,
    visitorEventSchemas,
    {
      ...streamHandlers(socket, { kind: 'visitor', visitor }, conversations, relayTyping),
      'conversation:start': async (input) => {
        const result = await conversations.start(visitor, input);
        await socket.join(rooms.conversation(result.conversation.id));
        return result;
      },
      'conversation:current': () => conversations.current(visitor),
    },
    deps.inFlight,
    log,
  );
}

export function registerAgentSocket(socket: AgentSocket, deps: Deps): void {
  const { conversations } = deps;
  const agent = socket.data.agent;
  const log = deps.log.child({ socket: socket.id, agent: agent.id });
  const relayTyping = (input: TypingInput) =>
    deps.visitors.to(rooms.conversation(input.conversationId)).emit('typing:changed', {
      conversationId: input.conversationId,
      author: { type: 'agent', name: agent.name },
      typing: input.typing,
    });

  bindHandlers<AgentClientToServer, typeof agentEventSchemas>(
    socket,
    agentEventSchemas,
    {
      ...streamHandlers(socket, { kind: 'agent', agent }, conversations, relayTyping),
      'queue:list': async () => {
        await socket.join(rooms.queue);
        return conversations.queue(agent);
      },
      'conversation:accept': async (input) => {
        const result = await conversations.accept(agent, input.conversationId);
        await socket.join(rooms.conversation(input.conversationId));
        return result;
      },
    },
    deps.inFlight,
    log,
  );
}
