/** Assembles the routing module for one node: presence, capacity, the router, transfers and their socket wiring. */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.js';
import type { Cluster } from '../../realtime/cluster.js';
import type { AgentNamespace, VisitorNamespace } from '../../realtime/io.js';
import type { Claims } from '../../store/claims.js';
import type { Models } from '../../store/models.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { SitesService } from '../sites/sites.service.js';
import { CapacitySlots } from './capacity.js';
import { PresenceService } from './presence.service.js';
import { RoutingService } from './routing.service.js';
import { attachRouting } from './routing.socket.js';
import { TransferService, type NoteWriter } from './transfer.service.js';

export { routingAgentHandlers } from './routing.socket.js';

export function createRouting(d: {
  models: Models;
  claims: Claims;
  chats: ConversationsService;
  notes: NoteWriter;
  sites: SitesService;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  /** Hints to and from the other nodes (a no-op on one node). */
  cluster: Cluster;
  presence: { heartbeatMs: number; awayAfterMs: number };
  log: Logger;
}) {
  const { models } = d;
  const presence = new PresenceService({
    sockets: models.PresenceSocket,
    states: models.AgentState,
    agents: models.Agent,
    conversations: models.Conversation,
    nodeId: randomBytes(6).toString('hex'),
    ...d.presence,
  });
  const capacity = new CapacitySlots({ claims: d.claims, claimModel: models.Claim, agents: models.Agent, conversations: models.Conversation, log: d.log });
  const routing = new RoutingService({
    presence,
    capacity,
    conversations: models.Conversation,
    chats: d.chats,
    sites: d.sites,
    visitors: d.visitors,
    agents: d.agents,
    cluster: d.cluster,
    heartbeatMs: d.presence.heartbeatMs,
    log: d.log,
  });
  const transfers = new TransferService({
    chats: d.chats,
    capacity,
    claims: d.claims,
    presence,
    agentModel: models.Agent,
    teamModel: models.Team,
    notes: d.notes,
    agents: d.agents,
  });
  d.chats.routing = routing;
  // Wherever the admin saved it: the hint from another node (server.ts) arrives here as well.
  d.sites.onChange((siteKey) => routing.siteChanged(siteKey));
  attachRouting(d.visitors, d.agents, routing, d.log);
  return { routing, transfers, teamModel: models.Team };
}
