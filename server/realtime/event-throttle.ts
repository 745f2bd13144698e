/**
 * Events per second of one socket (SOCKET_EVENTS_PER_SECOND, SOCKET_EVENTS_BURST): a token bucket
 * in memory, because a socket lives on one node. A second, ten times larger bucket measures abuse:
 * a client that keeps sending at more than ten times the rate for several seconds is not a page
 * that got busy, and is disconnected (define-handler.ts logs why).
 */

/** How much faster than allowed, and for about how long, before the socket is dropped. */
export const ABUSE_FACTOR = 10;
export const ABUSE_SECONDS = 3;

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type ThrottleVerdict = 'ok' | 'limited' | 'abusive';

export class EventThrottle {
  private readonly allowed: TokenBucket;
  private readonly abuse: TokenBucket;

  constructor(
    readonly limits: { perSecond: number; burst: number },
    now = Date.now(),
  ) {
    this.allowed = new TokenBucket(limits.perSecond, limits.burst, now);
    // Sustained sending at more than ABUSE_FACTOR × the rate drains this in a little over ABUSE_SECONDS.
    const fast = limits.perSecond * ABUSE_FACTOR;
    this.abuse = new TokenBucket(fast, Math.max(limits.burst, fast * ABUSE_SECONDS), now);
  }

  /** One inbound event: may it run, must it be refused, or is the socket to be dropped? */
  check(now = Date.now()): ThrottleVerdict {
    if (!this.abuse.take(now)) return 'abusive';
    return this.allowed.take(now) ? 'ok' : 'limited';
  }
}
