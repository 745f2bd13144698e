/**
 * Routing: who is available, who gets which chat, and what waiting visitors are told.
 *
 * - Presence (presence.service.ts) is refreshed on every change made on this node and by a sweep
 *   every heartbeat, which also notices what other nodes changed and agents whose node died.
 *   Changes go out as `presence:changed`.
 * - In sites with `routing: 'auto'`, queued chats (oldest first) go to the online agent with a
 *   free slot who fits best: team members only for a chat with a team; then matching skills
 *   (language 2, category 1); then the fewest live chats. The slot claims (capacity.ts) and the
 *   per-assignment claim (ConversationsService.assign) keep that right across nodes: a chat never
 *   goes to two agents, an agent never gets more than maxChats.
 * - Waiting visitors get `queue:position` whenever their place or estimate changes, and every
 *   visitor of a site gets `site:config` when availability flips (presence, opening hours).
 *
 * What a sweep finds (expiry, auto-away, another node's changes) and availability go to this
 * node's own sockets only (`local`), so N nodes do not send one change N times; a presence change
 * made on this node goes to everyone at once (other nodes may repeat it once: same content). A
 * status change made here also hints the other nodes (realtime/cluster.ts), so their visitors'
 * availability flips at once rather than at their next sweep.
 */
import type { QueuePositionDTO } from '../../../shared/workspace.js';
import type { SiteConfigDTO } from '../../../shared/types.js';
import type { Logger } from '../../logger.js';
import type { Cluster } from '../../realtime/cluster.js';
import type { AgentNamespace, VisitorNamespace, VisitorSocket } from '../../realtime/io.js';
import { customerRooms } from '../../realtime/broadcast.js';
import { rooms } from '../../realtime/rooms.js';
import type { ConversationDoc, ConversationModel } from '../conversations/conversation.model.js';
import type { ConversationsService, RoutingHooks } from '../conversations/conversations.service.js';
import { liveCustomerKeys, ownerKey, type CustomerPrincipal } from '../customers/customer-identity.js';
import type { SitesService } from '../sites/sites.service.js';
import { isOpen, msUntilNextChange } from './business-hours.js';
import type { CapacitySlots } from './capacity.js';
import { toPresenceDTO, type AgentPresence, type PresenceService } from './presence.service.js';
import { estimateWaitSeconds, HISTORY_SIZE, type WaitHistory } from './wait-estimate.js';

type Snapshot = Map<string, AgentPresence>;

/** Runs one job per key at a time; a request while it runs makes it run once more afterwards. */
class Coalescer {
  private readonly state = new Map<string, { again: boolean }>();
  constructor(private readonly onError: (err: unknown, key: string) => void) {}

  request(key: string, job: () => Promise<void>): void {
    const s = this.state.get(key);
    if (s) {
      s.again = true;
      return;
    }
    const mine = { again: false };
    this.state.set(key, mine);
    void (async () => {
      do {
        mine.again = false;
        try {
          await job();
        } catch (err) {
          this.onError(err, key);
        }
      } while (mine.again);
      this.state.delete(key);
    })();
  }

  get idle(): boolean {
    return this.state.size === 0;
  }
}

/** How long the wait history of a site is reused; any accepted or ended chat of the site renews it. */
const HISTORY_TTL_MS = 30_000;
/** A boundary timer never sleeps longer than this, so a clock change or a summer-time switch cannot strand it. */
const MAX_BOUNDARY_SLEEP_MS = 60 * 60_000;

export class RoutingService implements RoutingHooks {
  private readonly jobs: Coalescer;
  private lastPresence: Map<string, AgentPresence> | null = null;
  private readonly sentConfig = new Map<string, string>();
  /** Per site, what each waiting visitor was last told ("position|seconds"). */
  private readonly sentPositions = new Map<string, Map<string, string>>();
  /** Per site, customers (liveCustomerKeys) who just connected: told their place even when it did not change. */
  private readonly resend = new Map<string, Set<string>>();
  /** Per site, the customers with a waiting chat as of the last run of its job (absent: not run yet). */
  private readonly queuedCustomers = new Map<string, Set<string>>();
  private readonly history = new Map<string, { at: number; value: WaitHistory }>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private boundaryTimer: NodeJS.Timeout | undefined;
  private sweeps = 0;
  private stopped = false;
  /** Presence diffs and availability pushes run one at a time, so an older snapshot never overwrites a newer one. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly d: {
      presence: PresenceService;
      capacity: CapacitySlots;
      conversations: ConversationModel;
      chats: ConversationsService;
      sites: SitesService;
      visitors: VisitorNamespace;
      agents: AgentNamespace;
      cluster: Cluster;
      heartbeatMs: number;
      log: Logger;
    },
  ) {
    this.jobs = new Coalescer((err, key) => {
      if (!this.stopped) this.d.log.warn({ err, job: key }, 'routing job failed');
    });
    d.cluster.on('presence:changed', () => this.requestPresence('local'));
  }

  start(): void {
    // A baseline at once, so that the first change after a start is seen as a change (and told),
    // not only recorded; it also routes what waited while no node was up.
    this.refreshPresence('local').catch((err: unknown) => {
      if (!this.stopped) this.d.log.warn({ err }, 'first presence look failed');
    });
    // Heartbeats keep their own beat, so a slow sweep (a busy store) never makes live agents look dead.
    let beating = false;
    this.heartbeatTimer = setInterval(() => {
      if (beating) return;
      beating = true;
      this.d.presence
        .heartbeat((id) => this.d.agents.sockets.has(id))
        .catch((err: unknown) => this.d.log.warn({ err }, 'presence heartbeat failed'))
        .finally(() => (beating = false));
    }, this.d.heartbeatMs);
    this.heartbeatTimer.unref();
    const tick = () => {
      this.sweepTimer = setTimeout(() => {
        void this.sweep().finally(() => {
          if (!this.stopped) tick();
        });
      }, this.d.heartbeatMs);
      this.sweepTimer.unref();
    };
    tick();
  }

  /**
   * Stops heartbeats. The marks of this node's sockets are left to expire: agents reconnecting to
   * another node within three heartbeats never look offline to visitors.
   */
  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.sweepTimer);
    clearTimeout(this.boundaryTimer);
  }

  // ---- RoutingHooks (called by ConversationsService) -------------------------------------

  reserveSlot(agentId: string, conversationId: string): Promise<boolean> {
    return this.d.capacity.reserve(agentId, conversationId);
  }

  releaseSlot(agentId: string, conversationId: string): Promise<void> {
    return this.d.capacity.release(agentId, conversationId);
  }

  changed(conv: ConversationDoc): void {
    if (this.stopped) return;
    if (conv.status !== 'queued') this.history.delete(conv.siteKey);
    this.requestSite(conv.siteKey);
    // An assignment or an end changes an agent's load.
    if (conv.agentId || conv.status !== 'queued') this.requestPresence('all');
  }

  // ---- agent sockets ---------------------------------------------------------------------

  async agentConnected(socketId: string, agentId: string): Promise<void> {
    await this.d.presence.connect(socketId, agentId);
    // A good moment to make the agent's slots match their live chats (after a crash, an upgrade).
    void this.d.capacity.reconcile(agentId).catch((err: unknown) => this.d.log.warn({ err, agentId }, 'could not reconcile capacity'));
    this.requestPresence('all');
  }

  async agentDisconnected(socketId: string): Promise<void> {
    if (this.stopped) return;
    await this.d.presence.disconnect(socketId);
    this.requestPresence('all');
  }

  async choose(agentId: string, status: 'online' | 'away'): Promise<AgentPresence | undefined> {
    await this.d.presence.choose(agentId, status);
    return (await this.refreshPresence('all')).get(agentId);
  }

  async activity(agentId: string): Promise<void> {
    await this.d.presence.activity(agentId);
    // Only an agent who was away (idle) changes; the UI sends this every 30 s while in use.
    if (this.lastPresence?.get(agentId)?.status !== 'online') await this.refreshPresence('all');
  }

  async list(): Promise<AgentPresence[]> {
    return [...(await this.d.presence.snapshot()).values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every change of presence lands here: broadcast, then everything that depends on who is available. */
  private requestPresence(scope: 'all' | 'local'): void {
    if (this.stopped) return;
    this.jobs.request(`presence:${scope}`, async () => {
      await this.refreshPresence(scope);
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private refreshPresence(scope: 'all' | 'local'): Promise<Snapshot> {
    return this.exclusive(() => this.refreshPresenceNow(scope));
  }

  private async refreshPresenceNow(scope: 'all' | 'local'): Promise<Snapshot> {
    const snap = await this.d.presence.snapshot();
    const before = this.lastPresence;
    this.lastPresence = snap;
    if (!before) {
      // This node's first look: what changed is unknown. Its visitors hear their site's availability
      // if it differs from what they were told, waiting chats may now have an agent, and the other
      // nodes may not have noticed yet.
      if (scope === 'all') this.d.cluster.tell('presence:changed');
      await this.publishSiteConfigs(snap);
      await this.requestQueuedSites();
      return snap;
    }
    const changed = [...snap.values()].filter((p) => {
      const b = before.get(p.agentId);
      return !b || b.status !== p.status || b.activeChats !== p.activeChats || b.maxChats !== p.maxChats || b.name !== p.name;
    });
    // A deactivated agent leaves the list: the others see them go offline.
    for (const [id, b] of before) if (!snap.has(id) && b.status !== 'offline') changed.push({ ...b, status: 'offline' });
    if (changed.length === 0) return snap;
    const target = scope === 'all' ? this.d.agents : this.d.agents.local;
    for (const p of changed) target.emit('presence:changed', toPresenceDTO(p));
    if (changed.some((p) => before.get(p.agentId)?.status !== p.status)) {
      if (scope === 'all') this.d.cluster.tell('presence:changed');
      await this.publishSiteConfigs(snap);
    }
    // Someone came online, got a free slot or changed: the waiting chats may move.
    await this.requestQueuedSites();
    return snap;
  }

  // ---- the sweep ---------------------------------------------------------------------------

  private async sweep(): Promise<void> {
    try {
      if (++this.sweeps % 20 === 0) await this.d.presence.sweepDead();
      await this.exclusive(async () => {
        const snap = await this.refreshPresenceNow('local');
        // Opening hours and admins' changes flip availability without any presence change.
        await this.publishSiteConfigs(snap);
      });
      // Events route and re-estimate at once; this only catches what a node that died mid-routing
      // left behind, and estimates that aged.
      if (this.sweeps % 4 === 0) await this.requestQueuedSites();
    } catch (err) {
      if (!this.stopped) this.d.log.warn({ err }, 'presence sweep failed');
    }
  }

  private async requestQueuedSites(): Promise<void> {
    const sites = (await this.d.conversations.distinct('siteKey', { status: 'queued' })) as string[];
    for (const siteKey of sites) this.requestSite(siteKey);
  }

  // ---- availability ------------------------------------------------------------------------

  /** What the widget offers now: the single source of `site:config`. */
  async siteConfig(siteKey: string, snap?: Snapshot): Promise<SiteConfigDTO> {
    const [site, categories, agents] = await Promise.all([this.d.sites.get(siteKey), this.d.sites.categories(siteKey), snap ?? this.d.presence.snapshot()]);
    const agentsOnline = [...agents.values()].some((a) => a.status === 'online');
    const open = isOpen(site.businessHours, new Date());
    return {
      categories,
      agentsOnline,
      available: open && agentsOnline,
      unavailableReason: !open ? 'closed' : agentsOnline ? null : 'no-agents',
      widget: site.widget ?? null,
    };
  }

  /** Sites whose visitors are connected to this node. */
  private localSites(): string[] {
    const prefix = rooms.site('');
    return [...this.d.visitors.adapter.rooms.keys()].filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length));
  }

  /** Pushes `site:config` to this node's visitors of each site whose config changed; re-arms the opening-hours timer. Runs exclusive. */
  private async publishSiteConfigs(snap: Snapshot): Promise<void> {
    const sites = this.localSites();
    const now = new Date();
    let nextChange = MAX_BOUNDARY_SLEEP_MS;
    for (const siteKey of sites) {
      const config = await this.siteConfig(siteKey, snap);
      const key = JSON.stringify(config);
      if (this.sentConfig.get(siteKey) !== key) {
        // The first computation after start only records: visitors asked for it on connect.
        if (this.sentConfig.has(siteKey)) this.d.visitors.local.to(rooms.site(siteKey)).emit('site:config', config);
        this.sentConfig.set(siteKey, key);
      }
      const ms = msUntilNextChange((await this.d.sites.get(siteKey)).businessHours, now);
      if (ms !== null) nextChange = Math.min(nextChange, ms);
    }
    for (const siteKey of this.sentConfig.keys()) if (!sites.includes(siteKey)) this.sentConfig.delete(siteKey);
    clearTimeout(this.boundaryTimer);
    if (this.stopped || sites.length === 0) return;
    this.boundaryTimer = setTimeout(() => {
      this.exclusive(async () => this.publishSiteConfigs(await this.d.presence.snapshot())).catch((err: unknown) => this.d.log.warn({ err }, 'opening-hours push failed'));
    }, nextChange + 50);
    this.boundaryTimer.unref();
  }

  /** An admin changed the site here: its visitors hear the new settings now, and auto routing starts at once. */
  siteChanged(siteKey: string): void {
    this.exclusive(async () => this.publishSiteConfigs(await this.d.presence.snapshot()))
      .then(() => this.requestSite(siteKey))
      .catch((err: unknown) => this.d.log.warn({ err, siteKey }, 'site change push failed'));
  }

  /** A visitor socket connected: it hears its site's availability, and its place if it is waiting. */
  async visitorConnected(socket: VisitorSocket, customer: CustomerPrincipal): Promise<void> {
    await socket.join(rooms.site(customer.siteKey));
    if (!this.sentConfig.has(customer.siteKey)) this.sentConfig.set(customer.siteKey, JSON.stringify(await this.siteConfig(customer.siteKey)));
    // No query per visitor: the site's job knows who is waiting and tells them (every tab), once for
    // however many connect together. A restart brings every visitor back at once, and a lookup each
    // (a scan of the conversations on FerretDB) made the reconnection quadratic (bench/, recovery).
    // Alone, this node's job hears of every chat queued and knows who waits; joined to others, a
    // chat queued through another node is news to it, so the job runs for every visitor connecting.
    const keys = liveCustomerKeys(customer);
    const waiting = this.queuedCustomers.get(customer.siteKey);
    if (!this.d.cluster.joined && waiting && !keys.some((k) => waiting.has(k))) return;
    const resend = this.resend.get(customer.siteKey) ?? new Set<string>();
    for (const k of keys) resend.add(k);
    this.resend.set(customer.siteKey, resend);
    this.requestSite(customer.siteKey);
  }

  // ---- the queue of a site ---------------------------------------------------------------

  private requestSite(siteKey: string): void {
    if (this.stopped) return;
    this.jobs.request(`site:${siteKey}`, () => this.runSite(siteKey));
  }

  private async runSite(siteKey: string): Promise<void> {
    const site = await this.d.sites.get(siteKey);
    const snap = await this.d.presence.snapshot();
    if ((site.routing ?? 'manual') === 'auto') await this.route(siteKey, snap);
    const before = this.sentPositions.get(siteKey);
    // Taken before the read: a visitor connecting during it is served by the run it requested.
    const resend = this.resend.get(siteKey);
    this.resend.delete(siteKey);
    const sent = new Map<string, string>();
    const queued = new Set<string>();
    for (const [id, p] of await this.positions(siteKey, snap)) {
      const key = `${p.dto.position}|${p.dto.estimatedWaitSeconds}`;
      const customer = ownerKey(p.conv);
      sent.set(id, key);
      queued.add(customer);
      if (before?.get(id) !== key || resend?.has(customer)) this.d.visitors.to(customerRooms(p.conv)).emit('queue:position', p.dto);
    }
    this.queuedCustomers.set(siteKey, queued);
    if (sent.size) this.sentPositions.set(siteKey, sent);
    else this.sentPositions.delete(siteKey);
  }

  /**
   * The site's queue, oldest first, and every agent's live chats, from one read: positions and
   * free places computed from two reads could disagree about a chat taken in between.
   */
  private async live(siteKey: string): Promise<{ queued: ConversationDoc[]; load: Map<string, number> }> {
    // One batch: FerretDB keeps a store connection for every open cursor, and a visitor connecting
    // runs this; hundreds reconnecting at once (a restart) left hundreds of cursors waiting for their
    // next batch behind requests waiting for those connections, and every handshake hung (bench/).
    const docs = await this.d.conversations.find({ status: { $in: ['queued', 'active'] } }).limit(20_000).batchSize(20_000).lean();
    const load = new Map<string, number>();
    for (const c of docs) if (c.status === 'active' && c.agentId) load.set(c.agentId.toHexString(), (load.get(c.agentId.toHexString()) ?? 0) + 1);
    const queued = docs
      .filter((c) => c.status === 'queued' && c.siteKey === siteKey)
      .sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()));
    return { queued, load };
  }

  /** Assigns what fits now; returns how many chats it assigned. */
  private async route(siteKey: string, snap: Snapshot): Promise<number> {
    const { queued, load: live } = await this.live(siteKey);
    if (queued.length === 0) return 0;
    const online = [...snap.values()].filter((a) => a.status === 'online');
    const load = new Map(online.map((a) => [a.agentId, live.get(a.agentId) ?? 0]));
    let assigned = 0;
    for (const chat of queued) {
      const team = chat.teamId?.toHexString() ?? null;
      const score = (a: AgentPresence) => (a.skills.languages.includes(chat.locale) ? 2 : 0) + (chat.category && a.skills.categories.includes(chat.category) ? 1 : 0);
      const fits = online
        .filter((a) => load.get(a.agentId)! < a.maxChats && (!team || a.teamIds.includes(team)))
        .sort((a, b) => score(b) - score(a) || load.get(a.agentId)! - load.get(b.agentId)! || a.agentId.localeCompare(b.agentId));
      for (const agent of fits) {
        const result = await this.d.chats.assign(chat, { id: agent.agentId, name: agent.name });
        if (result === 'full') {
          // Filled by another node or a manual accept meanwhile: try the next agent.
          load.set(agent.agentId, Infinity);
          continue;
        }
        if (result !== 'taken') {
          load.set(agent.agentId, load.get(agent.agentId)! + 1);
          assigned++;
        }
        break;
      }
    }
    return assigned;
  }

  /**
   * Each waiting chat's place: the chats the router serves before it. A chat without a team waits
   * behind every older chat; a team's chat behind older chats of its team and older chats without
   * one (the team's agents take both, oldest first).
   */
  private async positions(siteKey: string, snap: Snapshot): Promise<Map<string, { conv: ConversationDoc; dto: QueuePositionDTO }>> {
    const { queued, load } = await this.live(siteKey);
    const out = new Map<string, { conv: ConversationDoc; dto: QueuePositionDTO }>();
    if (queued.length === 0) return out;
    const history = await this.waitHistory(siteKey);
    const online = [...snap.values()].filter((a) => a.status === 'online').map((a) => ({ ...a, activeChats: load.get(a.agentId) ?? 0 }));
    let general = 0;
    const perTeam = new Map<string, number>();
    queued.forEach((c, i) => {
      const team = c.teamId?.toHexString() ?? null;
      const position = 1 + (team ? general + (perTeam.get(team) ?? 0) : i);
      const agents = team ? online.filter((a) => a.teamIds.includes(team)) : online;
      const id = c._id.toHexString();
      out.set(id, { conv: c, dto: { conversationId: id, position, estimatedWaitSeconds: estimateWaitSeconds(position, agents, history) } });
      if (team) perTeam.set(team, (perTeam.get(team) ?? 0) + 1);
      else general++;
    });
    return out;
  }

  /** The site's recent waits and handling times (wait-estimate.ts explains how they are used). */
  private async waitHistory(siteKey: string): Promise<WaitHistory> {
    const hit = this.history.get(siteKey);
    if (hit && Date.now() - hit.at < HISTORY_TTL_MS) return hit.value;
    const recent = await this.d.conversations
      .find({ siteKey, acceptedAt: { $ne: null } }, { queuedAt: 1, acceptedAt: 1, endedAt: 1 })
      .sort({ acceptedAt: -1 })
      .limit(HISTORY_SIZE)
      .lean();
    const seconds = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);
    const value: WaitHistory = {
      waits: recent.map((c) => seconds(c.queuedAt, c.acceptedAt!)),
      handling: recent.filter((c) => c.endedAt).map((c) => seconds(c.acceptedAt!, c.endedAt!)),
    };
    this.history.set(siteKey, { at: Date.now(), value });
    return value;
  }

  /** For tests and shutdown: whether routing work is still under way on this node. */
  get idle(): boolean {
    return this.jobs.idle;
  }
}
