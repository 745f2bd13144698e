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
import type { AgentPrincipal, AuthService } from '../modules/auth/auth.service.js';
import { VISITOR_TOKEN, type VisitorPrincipal, type VisitorsService } from '../modules/visitors/visitors.service.js';
import { rooms } from './rooms.js';

export interface VisitorSocketData {
  visitor: VisitorPrincipal;
}
export interface AgentSocketData {
  agent: AgentPrincipal;
}
export type VisitorNamespace = Namespace<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;
export type VisitorSocket = Socket<VisitorClientToServer, VisitorServerToClient, Record<string, never>, VisitorSocketData>;
export type AgentSocket = Socket<AgentClientToServer, AgentServerToClient, Record<string, never>, AgentSocketData>;

const SITE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** A refused handshake: the client sees `err.message` (the code) and `err.data` (the ErrorBody). */
function handshakeError(body: ErrorBody): Error & { data: ErrorBody } {
  return Object.assign(new Error(body.code), { data: body });
}

export function createIo(
  httpServer: HttpServer,
  deps: { auth: AuthService; visitors: VisitorsService; log: Logger },
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
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const token = auth.visitorToken;
    const siteKey = auth.siteKey ?? 'default';
    if (typeof token !== 'string' || !VISITOR_TOKEN.test(token)) {
      next(handshakeError({ code: 'UNAUTHORIZED', message: 'A visitor token of 43 to 128 base64url characters is required' }));
      return;
    }
    if (typeof siteKey !== 'string' || !SITE_KEY.test(siteKey)) {
      next(handshakeError({ code: 'VALIDATION', message: 'siteKey must be 1 to 64 letters, digits, "-" or "_"' }));
      return;
    }
    deps.visitors.resolve(token, siteKey).then(
      (visitor) => {
        socket.data.visitor = visitor;
        void socket.join(rooms.visitor(visitor.id));
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
