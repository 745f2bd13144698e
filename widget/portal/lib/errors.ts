import type { ErrorBody } from '../../../shared/errors.js';
import type { I18n } from '../i18n/index.js';
import { ApiError } from './api.js';

/** The ErrorBody behind anything a call may throw. */
export function errorBody(error: unknown): ErrorBody {
  if (error instanceof ApiError) return error.body;
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** `details.retryAfterSeconds` of a RATE_LIMITED answer, if it is there. */
export function retryAfterSeconds(body: ErrorBody): number | null {
  const value = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/** What to tell the customer about an error that has no better place: network, throttling, the rest. */
export function describeError(body: ErrorBody, i18n: I18n): string {
  if (body.code === 'UNAVAILABLE') return i18n.t('networkError');
  if (body.code === 'RATE_LIMITED') return i18n.t('tooManyAttempts', { when: i18n.inTime(retryAfterSeconds(body) ?? 60) });
  return i18n.t('genericError');
}
