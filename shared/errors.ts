/**
 * The one error vocabulary of the product. Server handlers throw `AppError` (server/http/errors.ts)
 * with one of these codes; REST answers with `HTTP_STATUS[code]` and sockets with an `Ack` error,
 * so a client sees the same code whichever way it asked.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  /** A request body over MAX_PAYLOAD_BYTES (REST; an oversize socket packet closes the connection instead). */
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Codes after which the same request may succeed if sent again unchanged (same client id). */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL']);

export interface ErrorBody {
  code: ErrorCode;
  /** Human-readable, safe to show; never a stack trace or a store message. */
  message: string;
  /** For VALIDATION: the offending fields, `[{path, message}]`. */
  details?: unknown;
}
