/** Canned-reply commands of the agent namespace; the rules live in CannedService. */
import type { AgentHandlers, AgentNamespace, AgentSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import type { CannedEvents, CannedService } from './canned.service.js';

export function cannedAgentHandlers(socket: AgentSocket, deps: { canned: CannedService }): Pick<AgentHandlers, 'canned:list' | 'canned:save' | 'canned:delete'> {
  const agent = socket.data.agent;
  return {
    'canned:list': () => deps.canned.list(agent),
    'canned:save': (input) => deps.canned.save(agent, input),
    'canned:delete': (input) => deps.canned.delete(agent, input.id),
  };
}

/** A shared reply concerns every agent; a personal one only its owner's tabs and devices. */
export function cannedBroadcaster(agents: AgentNamespace): CannedEvents {
  return {
    cannedChanged(reply) {
      if (reply.scope === 'shared' || !reply.ownerId) agents.emit('canned:changed', { id: reply.id });
      else agents.to(rooms.agent(reply.ownerId)).emit('canned:changed', { id: reply.id });
    },
  };
}
