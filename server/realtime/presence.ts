import type { Presence } from '../modules/notifications/alerts.service.js';
import { customerRooms } from './broadcast.js';
import type { AgentNamespace, VisitorNamespace } from './io.js';

/**
 * Presence read from the sockets themselves, in the very rooms the events are broadcast to: who
 * is in them got the event in the page. `fetchSockets` asks every node when an adapter joins them.
 */
export function socketPresence(visitors: VisitorNamespace, agents: AgentNamespace): Presence {
  return {
    async customerConnected(conv) {
      // This node's own sockets answer without Redis; only a "no" needs the other nodes.
      if ((await visitors.local.in(customerRooms(conv)).fetchSockets()).length > 0) return true;
      return (await visitors.in(customerRooms(conv)).fetchSockets()).length > 0;
    },
    async connectedAgents() {
      return new Set((await agents.fetchSockets()).map((s) => s.data.agent.id));
    },
  };
}
