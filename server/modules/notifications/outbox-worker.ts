/**
 * Runs the alert outbox's jobs on every node, each attempt of each job at most once.
 *
 * FerretDB's updates are read-then-write (STORE.md), so a conditional update cannot decide who
 * runs a job. A claim can: before attempt n of job J a worker inserts the claim `alert:J:n`, and
 * only the worker whose insert succeeded runs it. Only that worker writes J until the attempt
 * ends, so J's own updates never race.
 *
 * A worker that dies mid-attempt leaves its claim behind. Once the claim is older than the lease,
 * another worker counts the attempt as used (`takeovers` + 1) and claims the next one. The lost
 * attempt may have delivered just before the crash; that one delivery is the only way a job goes
 * out twice, and deliveries carry stable ids (Message-ID, push Topic and tag) so that mail clients
 * and push services can fold the repeat.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.js';
import type { Claims } from '../../store/claims.js';
import type { AlertJobDoc, AlertJobModel } from './alert-job.model.js';

/** Try again after `delayMs` without counting it as a failure worth reporting (e.g. the event is still being written). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** No retry can help (the recipient's server refused the address, the push service rejected the request). */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

export interface JobResult {
  state: 'done' | 'sent' | 'void';
  outcome: string;
}

export interface OutboxWorkerOptions {
  leaseMs: number;
  pollMs: number;
  retryBaseMs: number;
  /** Jobs read per look. */
  batch?: number;
  /** Jobs run at once by this node. */
  concurrency?: number;
}

const MAX_BACKOFF_MS = 3_600_000;
/** Attempts one node runs at once, unless told otherwise. */
export const DEFAULT_WORKER_CONCURRENCY = 4;

export class OutboxWorker {
  /** Names this node's claims, for the logs and for an operator reading the claims collection. */
  readonly nodeId = `node-${randomBytes(4).toString('hex')}`;
  private readonly running = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly jobs: AlertJobModel,
    private readonly claims: Claims,
    private readonly perform: (job: AlertJobDoc, attempt: number) => Promise<JobResult>,
    private readonly opts: OutboxWorkerOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(Date.now());
  }

  /** Stops looking for jobs and waits (up to `timeoutMs`) for the attempts under way. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + timeoutMs;
    while ((this.ticking || this.running.size) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** A job was written that is due at `at`: look then rather than at the next poll. */
  nudge(at: Date): void {
    this.schedule(at.getTime());
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    const when = Math.min(at, Date.now() + this.opts.pollMs);
    if (this.timer && when >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = when;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wakeAt = Infinity;
      void this.tick();
    }, Math.max(0, when - Date.now()));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = (async () => {
      try {
        do {
          this.again = false;
          await this.runDue();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.log.warn({ err }, 'alert outbox: could not read due jobs; trying again at the next poll');
      } finally {
        this.ticking = null;
        this.schedule(Date.now() + this.opts.pollMs);
      }
    })();
    await this.ticking;
  }

  private async runDue(): Promise<void> {
    const batch = this.opts.batch ?? 50;
    for (;;) {
      if (this.stopped) return;
      const now = new Date();
      const due = await this.jobs.find({ state: 'pending', dueAt: { $lte: now } }).sort({ dueAt: 1, _id: 1 }).limit(batch).lean();
      // Of a group only its earliest job is run: it leads and takes the others along (coalescing).
      // Every node picks the same leader, so a follower is never fired beside it, here or elsewhere.
      const groups = new Set<string>();
      const todo = due.filter((j) => {
        const follower = j.group !== null && groups.has(j.group);
        if (j.group !== null) groups.add(j.group);
        return !follower && !this.running.has(j._id);
      });
      if (todo.length === 0) return;
      await runLimited(todo, this.opts.concurrency ?? DEFAULT_WORKER_CONCURRENCY, (job) => this.runOne(job));
      if (due.length < batch) return;
    }
  }

  /** One attempt of one job, if this node wins its claim. Public for tests that drive a worker by hand. */
  async runOne(job: AlertJobDoc): Promise<void> {
    if (this.stopped || this.running.has(job._id)) return;
    this.running.add(job._id);
    try {
      const attempt = job.attempts + 1;
      const claimId = `alert:${job._id}:${attempt}`;
      if (!(await this.claims.take(claimId, this.nodeId))) {
        await this.takeOverIfSilent(job, claimId);
        return;
      }
      // The job may have moved on since it was read (another node ran this attempt and finished).
      const fresh = await this.jobs.findById(job._id).lean();
      if (!fresh || fresh.state !== 'pending' || fresh.attempts !== job.attempts) return;
      await this.attempt(fresh, attempt);
    } catch (err) {
      this.log.warn({ err, job: job._id }, 'alert outbox: a job could not be run; it will be tried again');
    } finally {
      this.running.delete(job._id);
    }
  }

  private async attempt(job: AlertJobDoc, attempt: number): Promise<void> {
    let result: JobResult;
    try {
      result = await this.perform(job, attempt);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof RetryLater) {
        // The attempt's claim is spent, but a wait is not a failure: it does not count toward the limit.
        await this.jobs.updateOne({ _id: job._id }, { $set: { attempts: attempt, maxAttempts: job.maxAttempts + 1, dueAt: new Date(Date.now() + err.delayMs), lastError: message } });
        this.schedule(Date.now() + err.delayMs);
        return;
      }
      const giveUp = err instanceof PermanentFailure || attempt >= job.maxAttempts;
      if (giveUp) {
        await this.jobs.updateOne({ _id: job._id }, { $set: { state: 'failed', attempts: attempt, finishedAt: new Date(), lastError: message } });
        this.log.error({ job: job._id, kind: job.kind, recipient: job.recipient, attempts: attempt, error: message }, 'alert outbox: gave up on a delivery');
        return;
      }
      const delay = backoff(this.opts.retryBaseMs, attempt);
      await this.jobs.updateOne({ _id: job._id }, { $set: { attempts: attempt, dueAt: new Date(Date.now() + delay), lastError: message } });
      this.log.warn({ job: job._id, kind: job.kind, attempt, retryInMs: delay, error: message }, 'alert outbox: delivery failed; will retry');
      this.schedule(Date.now() + delay);
      return;
    }
    await this.jobs.updateOne({ _id: job._id }, { $set: { state: result.state, outcome: result.outcome, attempts: attempt, finishedAt: new Date(), lastError: null } });
  }

  /**
   * Someone holds this attempt. If they have been silent longer than the lease they are gone:
   * count their attempt as used so the next look claims a fresh one.
   */
  private async takeOverIfSilent(job: AlertJobDoc, claimId: string): Promise<void> {
    const held = await this.claims.get(claimId);
    if (!held || Date.now() - held.createdAt.getTime() < this.opts.leaseMs) return;
    const fresh = await this.jobs.findById(job._id).lean();
    if (!fresh || fresh.state !== 'pending' || fresh.attempts !== job.attempts) return;
    const attempt = job.attempts + 1;
    // Two workers taking over at once write the same values, so their race loses nothing.
    const set: Partial<AlertJobDoc> = {
      attempts: attempt,
      takeovers: fresh.takeovers + 1,
      dueAt: new Date(),
      lastError: `attempt ${attempt} was cut off (worker ${held.owner} went silent)`,
    };
    if (attempt >= fresh.maxAttempts) Object.assign(set, { state: 'failed', finishedAt: new Date() });
    await this.jobs.updateOne({ _id: job._id, attempts: job.attempts }, { $set: set });
    this.log.warn({ job: job._id, kind: job.kind, attempt, worker: held.owner }, 'alert outbox: took over a job from a silent worker; its attempt may have delivered');
    this.schedule(Date.now());
  }
}

/** base, 2·base, 4·base, … at most an hour, with ±20 % jitter so that a burst of failures spreads out. */
export function backoff(baseMs: number, attempt: number): number {
  const exact = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempt - 1));
  return Math.round(exact * (0.8 + Math.random() * 0.4));
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}
