import type { ErrorBody } from '../../shared/errors.js';

/**
 * Whether a command was refused because the server does not know it (a server older than this UI):
 * the server answers `VALIDATION` "Unknown event: …"; NOT_FOUND with the same words is accepted too.
 */
export function isUnknownEvent(error: ErrorBody): boolean {
  return (error.code === 'VALIDATION' || error.code === 'NOT_FOUND') && /^unknown event\b/i.test(error.message);
}
