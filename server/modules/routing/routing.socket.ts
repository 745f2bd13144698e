/** Presence, teams and transfer commands of the agent namespace, and the routing side of every socket's life. */
import type { Logger } from '../../logger.js';
import type { AgentHandlers, AgentNamespace, AgentSocket, VisitorNamespace } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import { notFound } from '../../http/errors.js';
import { toTeamDTO, type TeamModel } from '../teams/team.model.js';
import { toPresenceDTO } from './presence.service.js';
import type { RoutingService } from './routing.service.js';
import type { TransferService } from './transfer.service.js';

interface Deps {
  routing: RoutingService;
  transfers: TransferService;
  teamModel: TeamModel;
}

export function routingAgentHandlers(
  socket: AgentSocket,
  deps: Deps,
): Pick<AgentHandlers, 'presence:set' | 'presence:activity' | 'presence:list' | 'conversation:transfer' | 'teams:list'> {
  const agent = socket.data.agent;
  return {
    'presence:set': async (input) => {
      const presence = await deps.routing.choose(agent.id, input.status);
      if (!presence) throw notFound('Agent');
      return toPresenceDTO(presence);
    },
    'presence:activity': async () => {
      await deps.routing.activity(agent.id);
      return null;
    },
    'presence:list': async () => (await deps.routing.list()).map(toPresenceDTO),
    'conversation:transfer': async (input) => {
      const result = await deps.transfers.transfer(agent, input);
      await socket.join(rooms.conversation(input.conversationId));
      return result;
    },
    'teams:list': async () => (await deps.teamModel.find({}).sort({ name: 1 }).limit(1000).lean()).map(toTeamDTO),
  };
}

/**
 * Presence is written before the agent's socket counts as connected (a middleware), so whoever
 * asks right after the agent connected sees them online; the mark goes when the socket does.
 */
export function attachRouting(visitors: VisitorNamespace, agents: AgentNamespace, routing: RoutingService, log: Logger): void {
  agents.use((socket, next) => {
    routing.agentConnected(socket.id, socket.data.agent.id).then(
      () => next(),
      (err: unknown) => {
        // The next heartbeat writes the mark; refusing the agent for it would be worse.
        log.warn({ err, agent: socket.data.agent.id }, 'could not record presence');
        next();
      },
    );
  });
  agents.on('connection', (socket) => {
    socket.on('disconnect', () => {
      routing.agentDisconnected(socket.id).catch((err: unknown) => log.warn({ err, agent: socket.data.agent.id }, 'could not record a disconnect'));
    });
  });
  visitors.on('connection', (socket) => {
    routing.visitorConnected(socket, socket.data.customer).catch((err: unknown) => log.warn({ err, socket: socket.id }, 'could not send the queue position'));
  });
}
