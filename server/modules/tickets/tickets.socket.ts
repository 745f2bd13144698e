/** Ticket, site and session commands of both namespaces; the rules live in the services. */
import type { SiteConfigDTO } from '../../../shared/types.js';
import type { AgentHandlers, AgentSocket, VisitorHandlers, VisitorSocket } from '../../realtime/io.js';
import type { RateLimiter } from '../../store/rate-limiter.js';
import { rooms } from '../../realtime/rooms.js';
import { toAgentDTO, type AgentModel } from '../auth/agent.model.js';
import type { CustomerSessions } from '../customers/customer-identity.js';
import type { SitesService } from '../sites/sites.service.js';
import type { TicketsService } from './tickets.service.js';

interface Deps {
  tickets: TicketsService;
  sites: SitesService;
  sessions: CustomerSessions;
  limiter: RateLimiter;
  limits: { perIpPerHour: number; perEmailPerHour: number };
  agentModel: AgentModel;
  /** What the widget offers now, from presence and opening hours (modules/routing: the single source). */
  siteConfig: (siteKey: string) => Promise<SiteConfigDTO>;
}

/**
 * A new ticket mails its requester, and anyone can type any address into the form: without a
 * bound, the server could be made to mail-bomb a stranger. Per network and per recipient.
 */
function ticketLimits(config: { perIpPerHour: number; perEmailPerHour: number }) {
  return {
    perIp: { name: 'ticket-ip', max: config.perIpPerHour, windowSeconds: 3600 },
    perEmail: { name: 'ticket-email', max: config.perEmailPerHour, windowSeconds: 3600 },
  };
}

export function ticketVisitorHandlers(socket: VisitorSocket, deps: Deps): Pick<VisitorHandlers, 'session:get' | 'site:config' | 'conversation:leave-message' | 'ticket:create' | 'tickets:list'> {
  const { customer, identity } = socket.data;
  const limits = ticketLimits(deps.limits);
  const limitNewTicket = async (email: string | undefined) => {
    const message = 'Too many new tickets in a short time; please wait a little, or continue in your open ticket';
    await deps.limiter.hit(limits.perIp, socket.data.ip, message);
    const to = customer.user?.email ?? email;
    if (to) await deps.limiter.hit(limits.perEmail, to, message);
  };
  return {
    'session:get': async () => deps.sessions.issue(customer, identity),
    'site:config': () => deps.siteConfig(customer.siteKey),
    'conversation:leave-message': async (input) => {
      await limitNewTicket(input.email);
      return deps.tickets.leaveMessage(customer, input);
    },
    'ticket:create': async (input) => {
      await limitNewTicket(input.email);
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
    'site:config': () => deps.siteConfig('default'),
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
