import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HTTP_STATUS, type ErrorCode } from '../../shared/errors.js';
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

/** The request's `Authorization: Bearer` token. Only the header counts: `?token=` and the like are never read. */
export const bearerToken = (req: { get(name: string): string | undefined }) => bearer(req.get('authorization'));

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

/** An http-errors client error as ours: the code of the same status (one table), else VALIDATION. */
function clientHttpError(status: number): AppError {
  const code = (Object.keys(HTTP_STATUS) as ErrorCode[]).find((c) => HTTP_STATUS[c] === status && c !== 'INTERNAL');
  if (code === 'NOT_FOUND') return new AppError('NOT_FOUND', 'Not found');
  if (code === 'PAYLOAD_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE', 'The request is too large');
  if (code && code !== 'VALIDATION') return new AppError(code, 'The request was refused');
  return new AppError('VALIDATION', 'The request could not be read');
}

/** Maps everything thrown in a route to `{ error: ErrorBody }` with its one HTTP status. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { type?: string; status?: number; expose?: boolean };
    let mapped: unknown = err;
    // body-parser's, the router's and the static files' errors (http-errors, `expose` for client
    // errors): malformed, oversized, undecodable or mis-encoded requests are the client's mistake.
    if (e?.type === 'entity.parse.failed') mapped = new AppError('VALIDATION', 'The request body is not valid JSON');
    else if (e?.type === 'entity.too.large') {
      const limit = (err as { limit?: unknown }).limit;
      mapped = new AppError('PAYLOAD_TOO_LARGE', `The request body is too large${typeof limit === 'number' ? ` (at most ${limit} bytes)` : ''}`);
    } else if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') mapped = new AppError('VALIDATION', 'Send the request body as uncompressed UTF-8 JSON');
    else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (e.type || e.expose || err instanceof URIError)) mapped = clientHttpError(e.status);
    const body = toErrorBody(mapped, log, { method: req.method, path: req.path });
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (body.code === 'RATE_LIMITED' && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(httpStatusOf(body)).json({ error: body });
  };
}
