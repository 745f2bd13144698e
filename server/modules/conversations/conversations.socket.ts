/**
 * The conversation commands of both namespaces. Access checks live in the service; this file
 * only adds what is about sockets: joining rooms and relaying typing.
 */
import { agentEventSchemas, visitorEventSchemas } from '../../../shared/schemas/index.js';
import type { AgentClientToServer, VisitorClientToServer } from '../../../shared/events.js';
import { AppError } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import { bindHandlers, type InFlight } from '../../realtime/define-handler.js';
import type { AgentNamespace, AgentSocket, VisitorNamespace, VisitorSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import type { ConversationsService } from './conversations.service.js';

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

export function registerVisitorSocket(socket: VisitorSocket, deps: Deps): void {
  const { conversations } = deps;
  const visitor = socket.data.visitor;
  const actor = { kind: 'visitor' as const, visitor };
  const log = deps.log.child({ socket: socket.id, visitor: visitor.id });

  bindHandlers<VisitorClientToServer, typeof visitorEventSchemas>(
    socket,
    visitorEventSchemas,
    {
      'conversation:start': async (input) => {
        const result = await conversations.start(visitor, input);
        await socket.join(rooms.conversation(result.conversation.id));
        return result;
      },
      'conversation:current': () => conversations.current(visitor),
      'conversation:sync': async (input) => {
        const result = await conversations.sync(actor, input);
        await socket.join(rooms.conversation(input.conversationId));
        return result;
      },
      'conversation:end': (input) => conversations.end(actor, input.conversationId),
      'message:send': (input) => conversations.send(actor, input),
      'typing:set': async (input) => {
        mustHaveJoined(socket, input.conversationId);
        deps.agents.to(rooms.conversation(input.conversationId)).emit('typing:changed', {
          conversationId: input.conversationId,
          author: { type: 'visitor', name: null },
          typing: input.typing,
        });
        return null;
      },
    },
    deps.inFlight,
    log,
  );
}

export function registerAgentSocket(socket: AgentSocket, deps: Deps): void {
  const { conversations } = deps;
  const agent = socket.data.agent;
  const actor = { kind: 'agent' as const, agent };
  const log = deps.log.child({ socket: socket.id, agent: agent.id });

  bindHandlers<AgentClientToServer, typeof agentEventSchemas>(
    socket,
    agentEventSchemas,
    {
      'queue:list': async () => {
        await socket.join(rooms.queue);
        return conversations.queue(agent);
      },
      'conversation:accept': async (input) => {
        const result = await conversations.accept(agent, input.conversationId);
        await socket.join(rooms.conversation(input.conversationId));
        return result;
      },
      'conversation:sync': async (input) => {
        const result = await conversations.sync(actor, input);
        await socket.join(rooms.conversation(input.conversationId));
        return result;
      },
      'conversation:end': (input) => conversations.end(actor, input.conversationId),
      'message:send': (input) => conversations.send(actor, input),
      'typing:set': async (input) => {
        mustHaveJoined(socket, input.conversationId);
        deps.visitors.to(rooms.conversation(input.conversationId)).emit('typing:changed', {
          conversationId: input.conversationId,
          author: { type: 'agent', name: agent.name },
          typing: input.typing,
        });
        return null;
      },
    },
    deps.inFlight,
    log,
  );
}
