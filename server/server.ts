/**
 * Assembles and runs one server node: store, models, services, HTTP and Socket.IO. main.ts runs it
 * from the environment; tests run it in-process on port 0 against their own store.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { AdminService } from './modules/admin/admin.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { cannedAgentHandlers, cannedBroadcaster } from './modules/canned/canned.socket.js';
import { CannedService } from './modules/canned/canned.service.js';
import { collisionAgentHandlers } from './modules/collision/collision.socket.js';
import { ConversationViewers } from './modules/collision/viewers.js';
import { conversationAgentHandlers, conversationVisitorHandlers } from './modules/conversations/conversations.socket.js';
import { ConversationsService } from './modules/conversations/conversations.service.js';
import { CustomerSessions } from './modules/customers/customer-identity.js';
import { GuestAccess } from './modules/guests/guest-access.js';
import { createMailer } from './modules/mail/mailer.js';
import { AlertSettings } from './modules/notifications/alert-settings.js';
import { alertAgentHandlers, alertVisitorHandlers } from './modules/notifications/alerts.socket.js';
import { AlertsService } from './modules/notifications/alerts.service.js';
import { createRouting, routingAgentHandlers } from './modules/routing/routing.js';
import { SitesService } from './modules/sites/sites.service.js';
import { TeamsService } from './modules/teams/teams.service.js';
import { TicketNumbers } from './modules/tickets/ticket-numbers.js';
import { ticketAgentHandlers, ticketVisitorHandlers } from './modules/tickets/tickets.socket.js';
import { TicketsService } from './modules/tickets/tickets.service.js';
import { UploadsService } from './modules/uploads/uploads.service.js';
import { VisitorsService } from './modules/visitors/visitors.service.js';
import { ratingAgentHandlers, ratingVisitorHandlers } from './modules/ratings/ratings.socket.js';
import { RatingsService } from './modules/ratings/ratings.service.js';
import { TranscriptsService } from './modules/ratings/transcripts.service.js';
import { readBroadcaster, workspaceAgentHandlers } from './modules/workspace/workspace.socket.js';
import { feedbackAgentHandlers, feedbackBroadcaster, feedbackVisitorHandlers } from './modules/feedback/feedback.socket.js';
import { FeedbackService } from './modules/feedback/feedback.service.js';
import { officialVisitorHandlers } from './modules/official/official.socket.js';
import { OfficialService } from './modules/official/official.service.js';
import { receiptBroadcaster, receiptVisitorHandlers } from './modules/receipts/receipts.socket.js';
import { ReceiptsService } from './modules/receipts/receipts.service.js';
import { WorkspaceService } from './modules/workspace/workspace.service.js';
import { agentEventSchemas, visitorEventSchemas } from '../shared/schemas/index.js';
import type { AgentClientToServer, VisitorClientToServer } from '../shared/events.js';
import { conversationBroadcaster } from './realtime/broadcast.js';
import { createCluster } from './realtime/cluster.js';
import { bindHandlers, InFlight } from './realtime/define-handler.js';
import { createIo } from './realtime/io.js';
import { OriginPolicy } from './http/origins.js';
import { compileTrust } from './http/client-ip.js';
import { answerClientErrors } from './http/client-error.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { resyncAfterRedisOutages } from './realtime/resync.js';
import { rooms } from './realtime/rooms.js';
import { socketPresence } from './realtime/presence.js';
import type { Mailer } from './modules/mail/mailer.js';
import { loadSecrets } from './secrets.js';
import { Claims } from './store/claims.js';
import { DocLocks } from './store/doc-locks.js';
import { RateLimiter } from './store/rate-limiter.js';
import { createModels, type Models } from './store/models.js';
import { openStore, type Store } from './store/store.js';

export interface RunningServer {
  /** Where it listens, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  http: HttpServer;
  store: Store;
  models: Models;
  log: Logger;
  auth: AuthService;
  sites: SitesService;
  mailer: Mailer;
  alerts: AlertsService;
  /** The Express app, so tests can list its routes (tests/server/fuzz.test.ts). */
  app: ReturnType<typeof createApp>;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const secrets = loadSecrets(config, log);
  const store = await openStore(config, log.child({ module: 'store' }));
  try {
    const models = await createModels(store.connection);
    // Agent documents are written by admins and by "sign out everywhere": one lock for both (DocLocks).
    const rosterLocks = new DocLocks();
    const auth = new AuthService(models.Agent, secrets.jwtSecret, config.agentSessionHours, log.child({ module: 'auth' }), models.RevokedSession, rosterLocks);
    await auth.ensureAdmin(config.admin);
    const visitorsService = new VisitorsService(models.Visitor, models.VisitorToken);
    const sites = new SitesService(models.Site, config.defaultCategories);
    const sessions = new CustomerSessions(secrets.jwtSecret);
    const origins = new OriginPolicy(sites, config.publicUrl);
    const claims = new Claims(models.Claim);
    const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, dataDir: config.dataDir }, log.child({ module: 'mail' }));

    let publicUrl = config.publicUrl ?? '';
    const limiter = new RateLimiter(models.RateWindow);
    const trustProxy = compileTrust(config.trustProxy);
    const guests = new GuestAccess({
      conversations: models.Conversation,
      codes: models.GuestCode,
      claims,
      limiter,
      mailer,
      sessions,
      jwtSecret: secrets.jwtSecret,
      publicUrl: () => publicUrl,
      log: log.child({ module: 'guests' }),
      limits: config.limits.guest,
    });

    // Socket.IO must see the app's request listener when it attaches, to pass on what is not its
    // own; the app needs services that need Socket.IO, so the listener forwards to it once built.
    let app: ReturnType<typeof createApp> | undefined;
    const http = createServer((req, res) => app!(req, res));
    answerClientErrors(http);
    const { io, visitors, agents } = createIo(http, { auth, visitors: visitorsService, sites, sessions, origins, log: log.child({ module: 'realtime' }), trustProxy, maxPayloadBytes: config.limits.maxPayloadBytes });
    const redis = config.redisUrl ? await attachRedisAdapter(io, config.redisUrl, log.child({ module: 'redis' })) : null;
    // Signed-out sessions lose their sockets on every node: each agent socket joins its session's and
    // its agent's room at the handshake. This node's go first, directly, in case Redis is down.
    const disconnectRoom = (room: string) => {
      agents.local.in(room).disconnectSockets(true);
      agents.in(room).disconnectSockets(true);
    };
    auth.disconnect = { session: (jti) => disconnectRoom(rooms.session(jti)), agent: (id) => disconnectRoom(rooms.agent(id)) };
    const cluster = createCluster(io, redis !== null, log.child({ module: 'cluster' }));
    // An admin's site change reaches every node's caches and visitors at once, not after the cache time.
    sites.onChange((siteKey, here) => {
      if (here) cluster.tell('site:changed', siteKey);
    });
    cluster.on('site:changed', (siteKey) => sites.changedElsewhere(siteKey));
    // Clients whose sockets stayed up while Redis was away are shown what they missed.
    if (redis) resyncAfterRedisOutages({ redis, cluster, visitors, agents, conversations: models.Conversation, log: log.child({ module: 'resync' }) });
    const broadcaster = conversationBroadcaster(visitors, agents);
    // One node, or a store that applies updates atomically: lastSeq then covers every stored message.
    const lastSeqExact = store.atomicUpdates || !config.redisUrl;
    const conversations = new ConversationsService(models.Conversation, models.Message, claims, broadcaster, new DocLocks(), lastSeqExact);
    const uploads = new UploadsService(models.Attachment, conversations, config.dataDir);
    const tickets = new TicketsService({
      conversations: models.Conversation,
      messages: models.Message,
      notes: models.Note,
      agents: models.Agent,
      claims,
      numbers: new TicketNumbers(models.Counter, claims),
      chats: conversations,
      sites,
      guests,
      events: broadcaster,
      log: log.child({ module: 'tickets' }),
    });
    const alertSettings = new AlertSettings(models.PushSubscription, models.AlertPrefs, { allowHttpEndpoints: config.alerts.allowHttpPushEndpoints });
    const alerts = new AlertsService({
      jobs: models.AlertJob,
      claims,
      conversations: models.Conversation,
      messages: models.Message,
      agents: models.Agent,
      settings: alertSettings,
      guests,
      chats: conversations,
      mailer,
      presence: socketPresence(visitors, agents),
      vapid: { ...secrets.vapid, subject: config.alerts.vapidSubject },
      publicUrl: () => publicUrl,
      coalesceMs: config.alerts.coalesceMs,
      maxAttempts: config.outbox.maxAttempts,
      worker: config.outbox,
      log: log.child({ module: 'alerts' }),
    });
    conversations.ticketHooks = tickets;
    conversations.attachments = uploads;
    conversations.alerts = alerts;
    conversations.forms = sites;
    const receipts = new ReceiptsService({ receipts: models.ReadReceipt, chats: conversations, events: receiptBroadcaster(visitors, agents) });
    conversations.receipts = receipts;
    const routing = createRouting({ models, claims, chats: conversations, notes: tickets, sites, visitors, agents, cluster, presence: config.presence, log: log.child({ module: 'routing' }) });
    const teams = new TeamsService(models.Team, models.Agent, rosterLocks);
    const admin = new AdminService({
      agents: models.Agent,
      teams,
      sites,
      auth,
      claims,
      locks: rosterLocks,
      mailer,
      publicUrl: () => publicUrl,
      // The room every socket of the agent joins at the handshake; with an adapter this reaches every
      // node. This node's sockets go first and directly: the Redis adapter acts on its own sockets
      // only when its request comes back through Redis, which may be down.
      disconnectAgent: (id) => {
        agents.local.in(rooms.agent(id)).disconnectSockets(true);
        agents.in(rooms.agent(id)).disconnectSockets(true);
      },
      log: log.child({ module: 'admin' }),
    });
    const official = new OfficialService({ channels: models.OfficialChannel, limiter, checksPerMinute: config.visitorLimits.officialChecksPerMinute });
    app = createApp({
      admin: { service: admin, teams },
      official,
      store,
      redis,
      auth,
      sessions,
      sites,
      guests,
      uploads,
      alerts: { jobs: models.AlertJob, service: alerts, maxAttempts: config.outbox.maxAttempts },
      log,
      webDir: config.webDir,
      publicUrl: () => publicUrl,
      origins,
      trustProxy,
      limiter,
      limits: { maxPayloadBytes: config.limits.maxPayloadBytes, loginAttemptsPer15Min: config.limits.loginAttemptsPer15Min },
    });

    const inFlight = new InFlight();
    const socketLog = log.child({ module: 'realtime' });
    const conversationDeps = { conversations, visitors, agents, newChats: { limiter, perIpPerHour: config.limits.conversationsPerIpPerHour } };
    const ticketDeps = { tickets, sites, sessions, limiter, limits: config.ticketLimits, agentModel: models.Agent, siteConfig: (siteKey: string) => routing.routing.siteConfig(siteKey) };
    const alertDeps = { settings: alertSettings, vapidPublicKey: secrets.vapid.publicKey };
    const ratingDeps = {
      ratings: new RatingsService({ chats: conversations, conversations: models.Conversation, agents: models.Agent }),
      transcripts: new TranscriptsService({ chats: conversations, messages: models.Message, limiter, mailer, log: log.child({ module: 'transcripts' }) }),
    };
    const cannedDeps = { canned: new CannedService(models.CannedReply, cannedBroadcaster(agents)) };
    const feedbackDeps = {
      feedback: new FeedbackService({
        feedback: models.Feedback,
        attachments: models.Attachment,
        conversations: models.Conversation,
        claims,
        limiter,
        perHour: config.visitorLimits.feedbackPerHour,
        events: feedbackBroadcaster(agents),
      }),
    };
    const workspaceDeps = {
      workspace: new WorkspaceService({ conversations: models.Conversation, messages: models.Message, reads: models.ReadMarker, chats: conversations, events: readBroadcaster(agents), receipts }),
    };
    visitors.on('connection', (socket) => {
      const handlers = { ...conversationVisitorHandlers(socket, conversationDeps), ...ticketVisitorHandlers(socket, ticketDeps), ...alertVisitorHandlers(socket, alertDeps), ...ratingVisitorHandlers(socket, ratingDeps), ...receiptVisitorHandlers(socket, { receipts }), ...feedbackVisitorHandlers(socket, feedbackDeps), ...officialVisitorHandlers(socket, { official }) };
      bindHandlers<VisitorClientToServer, typeof visitorEventSchemas>(socket, visitorEventSchemas, handlers, inFlight, socketLog.child({ socket: socket.id, visitor: socket.data.customer.visitorId }), config.limits.socketEvents);
    });
    const viewers = new ConversationViewers(agents, log.child({ module: 'collision' }));
    agents.on('connection', (socket) => {
      const handlers = { ...conversationAgentHandlers(socket, conversationDeps), ...ticketAgentHandlers(socket, ticketDeps), ...alertAgentHandlers(socket, alertDeps), ...cannedAgentHandlers(socket, cannedDeps), ...workspaceAgentHandlers(socket, workspaceDeps), ...ratingAgentHandlers(socket, ratingDeps), ...routingAgentHandlers(socket, routing), ...feedbackAgentHandlers(feedbackDeps) };
      // Collision warnings wrap the conversations module's `typing:set`: agent typing also reaches the other viewers.
      const withCollision = { ...handlers, ...collisionAgentHandlers(socket, { conversations, viewers }, handlers['typing:set']) };
      bindHandlers<AgentClientToServer, typeof agentEventSchemas>(socket, agentEventSchemas, withCollision, inFlight, socketLog.child({ socket: socket.id, agent: socket.data.agent.id }), config.limits.socketEvents);
    });

    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.port, config.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const port = (http.address() as AddressInfo).port;
    const url = `http://${config.host && config.host !== '0.0.0.0' && config.host !== '::' ? config.host : '127.0.0.1'}:${port}`;
    publicUrl ||= config.port === 0 ? url : `http://localhost:${port}`;
    log.info({ url: publicUrl, agentUi: `${publicUrl}/agent/`, demo: `${publicUrl}/demo` }, 'listening');
    alerts.worker.start();
    routing.routing.start();

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        log.info('shutting down: finishing writes in flight');
        http.close(); // stop accepting new connections
        await inFlight.drain(10_000);
        // Attempts under way finish (and are recorded); what is left waits in the store for any node.
        await alerts.worker.stop(10_000);
        routing.routing.stop();
        await io.close(); // disconnects every socket; clients reconnect elsewhere and resync
        await redis?.close();
        http.closeAllConnections();
        mailer.close();
        await store.close();
        log.info('stopped');
      })());

    return { url, port, http, store, models, log, auth, sites, mailer, alerts, app, stop };
  } catch (err) {
    await store.close();
    throw err;
  }
}
