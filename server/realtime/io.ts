/**
 * The Socket.IO server: the `/visitor` and `/agent` namespaces, each with its own auth middleware.
 * Tokens come only in the handshake's `auth` payload, never in the query string.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { NAMESPACES, type AgentClientToServer, type AgentServerToClient, type VisitorClientToServer, type VisitorServerToClient } from '../../shared/events.js';
import type { ErrorBody } from '../../shared/errors.js';
import { toErrorBody } from '../http/errors.js';
import type { Logger } from '../logger.js';
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
  deps: { auth: AuthService; visitors: VisitorsService; sites: SitesService; sessions: CustomerSessions; log: Logger },
): { io: Server; visitors: VisitorNamespace; agents: AgentNamespace } {
  const io = new Server(httpServer, {
    // The widget runs on customers' sites, any origin; credentials are bearer tokens in `auth`, not cookies.
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 1e6,
    serveClient: false,
  });

  // One Server carries two namespaces with different event maps; each gets its own typing here.
  const visitors = io.of(NAMESPACES.visitor) as unknown as VisitorNamespace;
  visitors.use((socket, next) => {
    visitorHandshake((socket.handshake.auth ?? {}) as Record<string, unknown>, deps).then(
      ({ customer, identity }) => {
        socket.data.customer = customer;
        socket.data.identity = identity;
        if (customer.visitorId) void socket.join(rooms.visitor(customer.visitorId));
        if (customer.user) void socket.join(rooms.user(customer.siteKey, customer.user.id));
        next();
      },
      (err: unknown) => next(handshakeError(toErrorBody(err, deps.log, { namespace: 'visitor' }))),
    );
  });

  const agents = io.of(NAMESPACES.agent) as unknown as AgentNamespace;
  agents.use((socket, next) => {
    const token = ((socket.handshake.auth ?? {}) as Record<string, unknown>).token;
    deps.auth.authenticate(token).then(
      (agent) => {
        socket.data.agent = agent;
        void socket.join(rooms.agent(agent.id));
        next();
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
  deps: { visitors: VisitorsService; sites: SitesService; sessions: CustomerSessions; log: Logger },
): Promise<VisitorSocketData> {
  if (auth.session !== undefined) return { customer: deps.sessions.verify(auth.session), identity: { identity: 'absent' } };
  const token = auth.visitorToken;
  const siteKey = auth.siteKey ?? 'default';
  if (typeof token !== 'string' || !VISITOR_TOKEN.test(token)) throw new AppError('UNAUTHORIZED', 'A visitor token of 43 to 128 base64url characters is required');
  if (typeof siteKey !== 'string' || !SITE_KEY.test(siteKey)) throw new AppError('VALIDATION', 'siteKey must be 1 to 64 letters, digits, "-" or "_"');
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
