/**
 * LOGIN_ATTEMPTS_PER_15_MIN: password guesses per network and per email. Every attempt is counted
 * before the password is checked (so parallel guesses cannot slip past the count) and a successful
 * one is taken back, so only failures add up. The answer is the same whether or not the email
 * belongs to an agent, and so is the count: an unknown email is limited like a known one.
 */
import type { RequestHandler } from 'express';
import { retryIn, type Limit, type RateLimiter } from '../../store/rate-limiter.js';

const WINDOW_SECONDS = 15 * 60;

export function loginThrottle(limiter: RateLimiter, maxFailures: number): RequestHandler {
  const perIp: Limit = { name: 'login-ip', max: maxFailures, windowSeconds: WINDOW_SECONDS };
  const perEmail: Limit = { name: 'login-email', max: maxFailures, windowSeconds: WINDOW_SECONDS };
  const message = (s: number) => `Too many sign-in attempts; please try again ${retryIn(s)}`;
  return (req, res, next) => {
    const ip = req.ip ?? 'unknown';
    const raw = (req.body as { email?: unknown } | undefined)?.email;
    // The same normalisation as the login schema, so "A@x" and "a@x " share one count.
    const email = typeof raw === 'string' && raw.length <= 320 ? raw.trim().toLowerCase() : undefined;
    const counted: Array<[Limit, string]> = [];
    (async () => {
      await limiter.hit(perIp, ip, message);
      counted.push([perIp, ip]);
      if (email) {
        await limiter.hit(perEmail, email, message);
        counted.push([perEmail, email]);
      }
    })().then(
      () => {
        res.once('finish', () => {
          // A guess is a refused password; a success or a malformed request takes its count back.
          if (res.statusCode !== 401) giveBack(limiter, counted);
        });
        next();
      },
      // The IP window may have counted before the email's refused: give that back too, it was no guess.
      (err: unknown) => {
        giveBack(limiter, counted);
        next(err);
      },
    );
  };
}

function giveBack(limiter: RateLimiter, counted: Array<[Limit, string]>): void {
  for (const [limit, key] of counted) {
    // A refund lost to a store outage leaves one extra count in a 15-minute window: harmless.
    limiter.refund(limit, key).catch(() => undefined);
  }
}
