/**
 * One error type for the whole server, mapped once: `toErrorBody` turns anything thrown into the
 * `ErrorBody` that REST (with `HTTP_STATUS[code]`) and socket acks both answer with.
 */
import { ZodError } from 'zod';
import { HTTP_STATUS, type ErrorBody, type ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../logger.js';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do that') => new AppError('FORBIDDEN', message);

export function validationError(err: ZodError): AppError {
  const details = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  const message = first ? `Invalid input: ${first.path ? `${first.path} ` : ''}${first.message}` : 'Invalid input';
  return new AppError('VALIDATION', message, details);
}

/** Errors of the store's driver that mean "not reachable right now": the client may retry. */
function isStoreUnavailable(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name ?? '';
  return /^Mongo(Network|ServerSelection|NotConnected|PoolCleared|NetworkTimeout)Error$/.test(name) ||
    (name === 'MongooseError' && /buffering timed out|not connected|Client must be connected/i.test(String((err as Error).message)));
}

export function toErrorBody(err: unknown, log: Logger, context: Record<string, unknown> = {}): ErrorBody {
  if (err instanceof AppError) {
    return err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof ZodError) return toErrorBody(validationError(err), log, context);
  if (isStoreUnavailable(err)) {
    log.warn({ ...context, err }, 'store unavailable');
    return { code: 'UNAVAILABLE', message: 'The service is briefly unavailable; please try again' };
  }
  log.error({ ...context, err }, 'unexpected error');
  return { code: 'INTERNAL', message: 'Something went wrong on our side; please try again' };
}

export function httpStatusOf(body: ErrorBody): number {
  return HTTP_STATUS[body.code];
}

/** Duplicate key: 11000 on MongoDB; FerretDB 1.24 may answer code 1 on updates and upserts (STORE.md). */
export function isConflict(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === 11000 || e.code === 11001) return true;
  return e.code === 1 && /duplicate|unique/i.test(String(e.message));
}
