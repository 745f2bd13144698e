import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values are credentials wherever they appear in a log object: sessions and bearer
 * tokens (an Authorization header, a Socket.IO handshake's `auth`), passwords, guest links and
 * invitation links (each opens an account or a ticket), secrets. Guest codes are redacted where a
 * request body carries them (`code` alone is also an error code, which logs must keep).
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'token',
  'accessToken',
  'access_token',
  'visitorToken',
  'userToken',
  'session',
  'authorization',
  'cookie',
  'auth',
  'link',
  'secret',
  'identitySecret',
  'jwtSecret',
  'privateKey',
];

/** The key itself and up to three levels down (`req.headers.authorization`, `socket.handshake.auth`). */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  'body.code',
  '*.body.code',
  'guestCode',
  '*.guestCode',
];

/** The root logger; modules take `logger.child({ module })`. Secrets never reach the output. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}
