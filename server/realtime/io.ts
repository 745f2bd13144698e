/**
 * The Socket.IO server: the `/visitor` and `/agent` namespaces, each with its own auth middleware.
 * Tokens come only in the handshake's `auth` payload, never in the query string.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { NAMESPACES, type AgentClientToServer, type AgentServerToClient, type VisitorClientToServer, type VisitorServerToClient } from '../../shared/events.js';
import type { ErrorBody } from '../../shared/errors.js';
import { toErrorBody } from '../http/errors.js';
import { clientIp, type TrustFn } from '../http/client-ip.js';
import type { Logger } from '../logger.js';
import type { OriginPolicy } from '../http/origins.js';
import { AppError } from '../http/errors.js';
import type { AgentPrincipal, AuthService } from '../modules/auth/auth.service.js';
import type { CollisionState } from '../modules/collision/viewers.js';
import { verifyHostToken, type CustomerPrincipal, type CustomerSessions } from '../modules/customers/customer-identity.js';
import type { SitesService } from '../modules/sites/sites.service.js';
import { VISITOR_TOKEN, type VisitorsService } from '../modules/visitors/visitors.service.js';
import type { CustomerSessionDTO } from '../../shared/types.js';
import type { agentEventSchemas, visitorEventSchemas } from '../../shared/schemas/index.js';
import type { Handlers } from './define-handler.js';
import { rooms } from './rooms.js';

export interface VisitorSocketData {
  customer: CustomerPrincipal;
  /** The client's address by the TRUST_PROXY rule (http/client-ip.ts), for per-network limits. */
  ip: string;
  /** What became of the widget's user token; `session:get` reports it to the host developer. */
  identity: Pick<CustomerSessionDTO, 'identity' | 'identityError'>;
}
export interface AgentSocketData {
  agent: AgentPrincipal;
  /** What this socket's views show and where its agent types (modules/collision); read across nodes by fetchSockets. */
  collision?: CollisionState;
}
export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;
export type VisitorSocket = Socket<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorSocketData>;
export type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;

export type VisitorHandlers = Handlers<VisitorClientToServer, typeof visitorEventSchemas>;
export type AgentHandlers = Handlers<AgentClientToServer, typeof agentEventSchemas>;

const SITE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** A refused handshake: the client sees `err.message` (the code) and `err.data` (the ErrorBody). */
function handshakeError(body: ErrorBody): Error & { data: ErrorBody } {
  return Object.assign(new Error(body.code), { data: body });
}

export function createIo(
  httpServer: HttpServer,
  deps: { auth: AuthService; visitors: VisitorsService; sites: SitesService; sessions: CustomerSessions; log: Logger; origins: OriginPolicy; trustProxy: TrustFn; maxPayloadBytes: number },
): { io: Server; visitors: VisitorNamespace; agents: AgentNamespace } {
  const io = new Server(httpServer, {
    // The widget runs on customers' sites; credentials are bearer tokens in `auth`, not cookies. Any
    // origin may open the transport: which origins may use which namespace and site is decided in
    // the namespace middlewares below, from the handshake's Origin header, for polling and
    // WebSocket alike (a WebSocket upgrade carries Origin too).
    cors: { origin: true, credentials: false },
    // MAX_PAYLOAD_BYTES: a bigger packet makes Socket.IO close that connection (no ack can answer it).
    maxHttpBufferSize: deps.maxPayloadBytes,
    serveClient: false,
  });

  // One Server carries two namespaces with different event maps; each gets its own typing here.
  const visitors = io.of(NAMESPACES.visitor) as unknown as VisitorNamespace;
  visitors.use((socket, next) => {
    visitorHandshake((socket.handshake.auth ?? {}) as Record<string, unknown>, socket.handshake.headers, deps).then(
      ({ customer, identity }) => {
        socket.data.customer = customer;
        socket.data.identity = identity;
        socket.data.ip = clientIp(socket.request, deps.trustProxy);
        if (customer.visitorId) void socket.join(rooms.visitor(customer.visitorId));
        if (customer.user) void socket.join(rooms.user(customer.siteKey, customer.user.id));
        next();
      },
      (err: unknown) => next(handshakeError(toErrorBody(err, deps.log, { namespace: 'visitor' }))),
    );
  });

  // An admin changed a site: its widgets on pages it no longer allows leave now, on every node, not
  // at their next reconnect (which the middleware above then refuses).
  deps.sites.onChange((siteKey) => {
    visitors
      .fetchSockets()
      .then(async (sockets) => {
        for (const s of sockets) {
          if (s.data.customer?.siteKey !== siteKey) continue;
          if (!(await deps.origins.allows(siteKey, s.handshake.headers.origin, s.handshake.headers.host))) s.disconnect(true);
        }
      })
      .catch((err: unknown) => deps.log.warn({ err, siteKey }, 'could not check open sockets against the site\'s origins'));
  });

  const agents = io.of(NAMESPACES.agent) as unknown as AgentNamespace;
  agents.use((socket, next) => {
    const token = ((socket.handshake.auth ?? {}) as Record<string, unknown>).token;
    // The agent UI is served by us: another site's page must not drive an agent's browser.
    Promise.resolve()
      .then(() => deps.origins.checkOwn(socket.handshake.headers.origin, socket.handshake.headers.host))
      .then(async () => {
        const claims = deps.auth.verifyToken(token);
        return { claims, agent: await deps.auth.checkSession(claims) };
      })
      .then(
        ({ claims, agent }) => {
          socket.data.agent = agent;
          // Its session's room: a sign-out closes exactly this session's sockets, on every node.
          void socket.join([rooms.agent(agent.id), rooms.session(claims.jti)]);
          next();
          // A sign-out that lands during the handshake would pass this socket by (disconnectSockets
          // sees connected sockets only), so the session is checked once more now that it counts.
          deps.auth.checkSession(claims).catch((err: unknown) => {
            if (err instanceof AppError && err.code === 'UNAUTHORIZED') socket.disconnect(true);
          });
        },
        (err: unknown) => next(handshakeError(toErrorBody(err, deps.log, { namespace: 'agent' }))),
      );
  });

  return { io, visitors, agents };
}

/**
 * The widget sends its visitor token (and the host's token for a logged-in user); the customer
 * page sends a session. A refused user token does not refuse the visitor: they continue anonymous,
 * and the widget warns the host developer.
 */
async function visitorHandshake(
  auth: Record<string, unknown>,
  headers: { origin?: string | undefined; host?: string | undefined },
  deps: { visitors: VisitorsService; sites: SitesService; sessions: CustomerSessions; origins: OriginPolicy; log: Logger },
): Promise<Omit<VisitorSocketData, 'ip'>> {
  // Our own pages (the customer page, the demo) always pass; other pages only when the site lists their origin.
  if (auth.session !== undefined) {
    const customer = deps.sessions.verify(auth.session);
    await deps.origins.check(customer.siteKey, headers.origin, headers.host);
    return { customer, identity: { identity: 'absent' } };
  }
  const token = auth.visitorToken;
  const siteKey = auth.siteKey ?? 'default';
  if (typeof token !== 'string' || !VISITOR_TOKEN.test(token)) throw new AppError('UNAUTHORIZED', 'A visitor token of 43 to 128 base64url characters is required');
  if (typeof siteKey !== 'string' || !SITE_KEY.test(siteKey)) throw new AppError('VALIDATION', 'siteKey must be 1 to 64 letters, digits, "-" or "_"');
  await deps.origins.check(siteKey, headers.origin, headers.host);
  const visitor = await deps.visitors.resolve(token, siteKey);
  const customer: CustomerPrincipal = { visitorId: visitor.id, siteKey, user: null, guestOf: null };
  if (auth.userToken === undefined || auth.userToken === null || auth.userToken === '') return { customer, identity: { identity: 'absent' } };
  if (typeof auth.userToken !== 'string') return { customer, identity: { identity: 'refused', identityError: 'userToken must be a string' } };
  try {
    customer.user = await verifyHostToken(deps.sites, siteKey, auth.userToken);
    return { customer, identity: { identity: 'accepted' } };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    deps.log.info({ siteKey, reason: err.message }, 'user token refused; visitor continues anonymous');
    return { customer, identity: { identity: 'refused', identityError: err.message } };
  }
}
