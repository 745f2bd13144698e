/**
 * One error type for the whole server, mapped once: `toErrorBody` turns anything thrown into the
 * `ErrorBody` that REST (with `HTTP_STATUS[code]`) and socket acks both answer with.
 */
import mongoose from 'mongoose';
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

const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError, MongoServerClosedError } = mongoose.mongo;

/**
 * A connection dropped or refused, as Node reports it. The driver passes some on unwrapped (seen:
 * EPIPE when it writes to a store that has just gone away), and any other service we call fails the
 * same way: either way it is not there right now, and the same request may succeed later.
 */
const CONNECTION_LOST = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Errors that mean "not reachable right now": the client may retry. The store driver's by class
 * where it exports one (MongoNetworkError also covers socket timeouts and the pool cleared after a
 * lost connection or a failed heartbeat), by name where it does not; bare socket errors by code.
 */
function isStoreUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_LOST.has(code)) return true;
  if (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoServerClosedError
  ) {
    return true;
  }
  const name = (err as { name?: string } | null)?.name ?? '';
  return /^(MongooseServerSelectionError|MongoWaitQueueTimeoutError|MongoPoolClosedError)$/.test(name) ||
    (name === 'MongooseError' && /buffering timed out|not connected|Client must be connected/i.test(String((err as Error).message)));
}

export function toErrorBody(err: unknown, log: Logger, context: Record<string, unknown> = {}): ErrorBody {
  if (err instanceof AppError) {
    return err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof ZodError) return toErrorBody(validationError(err), log, context);
  if (isStoreUnavailable(err)) {
    // Name and message only: the driver's errors carry the whole topology, more than a log line can hold.
    log.warn({ ...context, reason: `${(err as Error).name}: ${(err as Error).message}` }, 'store or service unavailable');
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
