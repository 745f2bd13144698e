import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, httpStatusOf, toErrorBody } from './errors.js';
import type { Logger } from '../logger.js';
import type { AgentPrincipal, AuthService } from '../modules/auth/auth.service.js';
import type { Actor } from '../modules/conversations/conversations.service.js';
import type { CustomerSessions } from '../modules/customers/customer-identity.js';

declare module 'express-serve-static-core' {
  interface Request {
    agent?: AgentPrincipal;
    /** Set by requireActor: an agent or a customer. */
    actor?: Actor;
  }
}

const bearer = (header: string | undefined) => /^Bearer (.+)$/i.exec(header ?? '')?.[1];

/** Requires an agent's token or a customer session (CustomerSessionDTO.token) as a Bearer token. */
export function requireActor(auth: AuthService, sessions: CustomerSessions): RequestHandler {
  return (req, _res, next) => {
    const token = bearer(req.get('authorization'));
    if (!token) {
      next(new AppError('UNAUTHORIZED', 'Sign in first'));
      return;
    }
    try {
      req.actor = { kind: 'visitor', customer: sessions.verify(token) };
      next();
      return;
    } catch {
      // not a customer session: maybe an agent's
    }
    auth.authenticate(token).then(
      (agent) => {
        req.actor = { kind: 'agent', agent };
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/** Admins only (after requireAgent). */
export const requireAdmin: RequestHandler = (req, _res, next) => {
  next(req.agent?.role === 'admin' ? undefined : new AppError('FORBIDDEN', 'Only admins can do that'));
};

/** Requires `Authorization: Bearer <agent session token>`; tokens never travel in query strings. */
export function requireAgent(auth: AuthService): RequestHandler {
  return (req, _res, next) => {
    const token = bearer(req.get('authorization'));
    if (!token) {
      next(new AppError('UNAUTHORIZED', 'Sign in first'));
      return;
    }
    auth.authenticate(token).then(
      (agent) => {
        req.agent = agent;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError('NOT_FOUND', `No such endpoint: ${req.method} ${req.path}`));
}

/** Maps everything thrown in a route to `{ error: ErrorBody }` with its one HTTP status. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { type?: string; status?: number };
    let mapped: unknown = err;
    // body-parser's errors: malformed or oversized JSON is the client's mistake, not ours.
    if (e?.type === 'entity.parse.failed') mapped = new AppError('VALIDATION', 'The request body is not valid JSON');
    else if (e?.type === 'entity.too.large') mapped = new AppError('VALIDATION', 'The request body is too large');
    else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.type) mapped = new AppError('VALIDATION', 'The request could not be read');
    const body = toErrorBody(mapped, log, { method: req.method, path: req.path });
    res.status(httpStatusOf(body)).json({ error: body });
  };
}
