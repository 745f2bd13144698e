/** Ticket, site and session commands of both namespaces; the rules live in the services. */
import type { AgentHandlers, AgentNamespace, AgentSocket, VisitorHandlers, VisitorSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import { toAgentDTO, type AgentModel } from '../auth/agent.model.js';
import type { CustomerSessions } from '../customers/customer-identity.js';
import type { SitesService } from '../sites/sites.service.js';
import type { TicketsService } from './tickets.service.js';

interface Deps {
  tickets: TicketsService;
  sites: SitesService;
  sessions: CustomerSessions;
  agentModel: AgentModel;
  agents: AgentNamespace;
}

/** Anyone signed in to the agent namespace counts as online (presence proper comes with routing). */
async function agentsOnline(agents: AgentNamespace): Promise<boolean> {
  return (await agents.fetchSockets()).length > 0;
}

export function ticketVisitorHandlers(socket: VisitorSocket, deps: Deps): Pick<VisitorHandlers, 'session:get' | 'site:config' | 'conversation:leave-message' | 'ticket:create' | 'tickets:list'> {
  const { customer, identity } = socket.data;
  return {
    'session:get': async () => deps.sessions.issue(customer, identity),
    'site:config': async () => ({ categories: await deps.sites.categories(customer.siteKey), agentsOnline: await agentsOnline(deps.agents) }),
    'conversation:leave-message': (input) => deps.tickets.leaveMessage(customer, input),
    'ticket:create': async (input) => {
      const result = await deps.tickets.createFromForm(customer, input);
      await socket.join(rooms.conversation(result.conversation.id));
      return result;
    },
    'tickets:list': (input) => deps.tickets.customerList(customer, input.filter),
  };
}

export function ticketAgentHandlers(
  socket: AgentSocket,
  deps: Deps,
): Pick<AgentHandlers, 'site:config' | 'agents:list' | 'tickets:list' | 'ticket:convert' | 'ticket:update' | 'notes:list' | 'note:add'> {
  const agent = socket.data.agent;
  return {
    // Agents work on the default site's categories until sites get their own admin screens.
    'site:config': async () => ({ categories: await deps.sites.categories('default'), agentsOnline: await agentsOnline(deps.agents) }),
    'agents:list': async () => (await deps.agentModel.find({ active: true }).sort({ name: 1 }).limit(1000).lean()).map(toAgentDTO),
    'tickets:list': async (input) => {
      await socket.join(rooms.tickets);
      return deps.tickets.agentList(agent, input);
    },
    'ticket:convert': (input) => deps.tickets.convert(agent, input),
    'ticket:update': (input) => deps.tickets.update(agent, input),
    'notes:list': async (input) => {
      const notes = await deps.tickets.notes(agent, input.conversationId);
      await socket.join(rooms.conversation(input.conversationId));
      return notes;
    },
    'note:add': (input) => deps.tickets.addNote(agent, input),
  };
}
