import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, httpStatusOf, toErrorBody } from './errors.js';
import type { Logger } from '../logger.js';
import type { AgentPrincipal, AuthService } from '../modules/auth/auth.service.js';

declare module 'express-serve-static-core' {
  interface Request {
    agent?: AgentPrincipal;
  }
}

/** Requires `Authorization: Bearer <agent session token>`; tokens never travel in query strings. */
export function requireAgent(auth: AuthService): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match) {
      next(new AppError('UNAUTHORIZED', 'Sign in first'));
      return;
    }
    auth.authenticate(match[1]).then(
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
