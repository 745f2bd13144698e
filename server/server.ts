/**
 * Assembles and runs one server node: store, models, services, HTTP and Socket.IO. main.ts runs it
 * from the environment; tests run it in-process on port 0 against their own store.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { AuthService } from './modules/auth/auth.service.js';
import { registerAgentSocket, registerVisitorSocket } from './modules/conversations/conversations.socket.js';
import { ConversationsService } from './modules/conversations/conversations.service.js';
import { VisitorsService } from './modules/visitors/visitors.service.js';
import { conversationBroadcaster } from './realtime/broadcast.js';
import { InFlight } from './realtime/define-handler.js';
import { createIo } from './realtime/io.js';
import { loadSecrets } from './secrets.js';
import { Claims } from './store/claims.js';
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
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const secrets = loadSecrets(config, log);
  const store = await openStore(config, log.child({ module: 'store' }));
  try {
    const models = await createModels(store.connection);
    const auth = new AuthService(models.Agent, secrets.jwtSecret, config.agentSessionHours, log.child({ module: 'auth' }));
    await auth.ensureAdmin(config.admin);
    const visitorsService = new VisitorsService(models.Visitor);

    let publicUrl = config.publicUrl ?? '';
    const app = createApp({ store, auth, log, webDir: config.webDir, publicUrl: () => publicUrl });
    const http = createServer(app);
    const { io, visitors, agents } = createIo(http, { auth, visitors: visitorsService, log: log.child({ module: 'realtime' }) });
    const inFlight = new InFlight();
    const conversations = new ConversationsService(models.Conversation, models.Message, new Claims(models.Claim), conversationBroadcaster(visitors, agents));
    const socketDeps = { conversations, visitors, agents, inFlight, log: log.child({ module: 'conversations' }) };
    visitors.on('connection', (socket) => registerVisitorSocket(socket, socketDeps));
    agents.on('connection', (socket) => registerAgentSocket(socket, socketDeps));

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

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        log.info('shutting down: finishing writes in flight');
        http.close(); // stop accepting new connections
        await inFlight.drain(10_000);
        await io.close(); // disconnects every socket; clients reconnect elsewhere and resync
        http.closeAllConnections();
        await store.close();
        log.info('stopped');
      })());

    return { url, port, http, store, models, log, auth, stop };
  } catch (err) {
    await store.close();
    throw err;
  }
}
