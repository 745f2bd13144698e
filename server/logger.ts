import { pino, type Logger } from 'pino';

export type { Logger };

/** The root logger; modules take `logger.child({ module })`. Secrets never reach the output. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'visitorToken', '*.visitorToken', 'req.headers.authorization', 'auth'],
      censor: '[redacted]',
    },
  });
}
