/**
 * Fixed-window counters kept in the store, so limits hold across nodes and restarts.
 *
 * On FerretDB an upsert with $inc is read-then-write (STORE.md), so two requests in the same
 * instant may count once. One process serializes its own hits; across nodes a limit of N can let
 * through a few more under a burst. That slack is acceptable for throttling; anything that must
 * never exceed a bound (code attempts) uses claims.
 * Expired windows are removed by queries on `expiresAt`, not a TTL index (STORE.md).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { AppError, isConflict } from '../http/errors.js';
import { DocLocks } from './doc-locks.js';

export interface RateDoc {
  _id: string;
  count: number;
  expiresAt: Date;
}

export type RateModel = Model<RateDoc>;

export function rateModel(conn: Connection): RateModel {
  const schema = new Schema<RateDoc>(
    { _id: { type: String, required: true }, count: { type: Number, required: true }, expiresAt: { type: Date, required: true, index: true } },
    { versionKey: false },
  );
  return conn.model<RateDoc>('RateWindow', schema, 'rate_windows');
}

export interface Limit {
  /** What is limited, e.g. "guest-code-ip". */
  name: string;
  max: number;
  windowSeconds: number;
}

export class RateLimiter {
  private lastSweep = 0;
  /** One process's hits on one window count one after another (FerretDB loses concurrent $inc: doc-locks.ts). */
  private readonly locks = new DocLocks();

  constructor(private readonly model: RateModel) {}

  /**
   * Counts one hit for `key`; throws RATE_LIMITED with `retryAfterSeconds` once the window is full.
   * A function `message` is given the wait, so the answer can say when to try again (`retryIn`).
   */
  async hit(limit: Limit, key: string, message: string | ((retryAfterSeconds: number) => string) = 'Too many requests; please wait and try again'): Promise<void> {
    const now = Date.now();
    const windowMs = limit.windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    const id = `${limit.name}:${key}:${start}`;
    const expiresAt = new Date(start + windowMs);
    let count = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const doc = await this.locks.run(id, () =>
          this.model.findOneAndUpdate({ _id: id }, { $inc: { count: 1 }, $setOnInsert: { expiresAt } }, { upsert: true, returnDocument: 'after' }).lean(),
        );
        count = doc?.count ?? 1;
        break;
      } catch (err) {
        // Two first hits of a window raced to insert it; the second now finds it.
        if (!isConflict(err) || attempt === 2) throw err;
      }
    }
    void this.sweep(now);
    if (count > limit.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
      throw new AppError('RATE_LIMITED', typeof message === 'string' ? message : message(retryAfterSeconds), { reason: 'throttled', retryAfterSeconds });
    }
  }

  /** Takes back one hit of the current window (an attempt that turned out not to count, such as a successful sign-in). */
  async refund(limit: Limit, key: string): Promise<void> {
    const windowMs = limit.windowSeconds * 1000;
    const id = `${limit.name}:${key}:${Math.floor(Date.now() / windowMs) * windowMs}`;
    await this.locks.run(id, () => this.model.updateOne({ _id: id, count: { $gt: 0 } }, { $inc: { count: -1 } }));
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.model.deleteMany({ expiresAt: { $lt: new Date(now) } }).catch(() => undefined);
  }
}

/** "in 40 seconds", "in 12 minutes": when a throttled client may try again, for messages. */
export function retryIn(seconds: number): string {
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minutes`;
}
