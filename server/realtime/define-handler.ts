/**
 * Binds a namespace's command handlers to a socket. Every inbound event:
 * - is validated against its zod schema from shared/ (bad payload -> VALIDATION ack, never a throw);
 * - is answered through its ack with `{ok, data}` or `{ok: false, error}` (unknown events too);
 * - runs after the socket's previous event finished, so one client's sends are stored in the
 *   order it sent them even though handlers are async;
 * - is tracked, so a shutdown can wait for writes in flight;
 * - is counted against the socket's events per second (event-throttle.ts): over the limit it is
 *   answered RATE_LIMITED at once (dropped if it has no ack) and its handler never runs.
 */
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Ack } from '../../shared/events.js';
import type { ErrorBody } from '../../shared/errors.js';
import { AppError, toErrorBody } from '../http/errors.js';
import { parse } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { ABUSE_FACTOR, EventThrottle } from './event-throttle.js';

type AckData<F> = F extends (payload: never, ack: (result: Ack<infer R>) => void) => void ? R : never;

export type Handlers<Events, Schemas extends Record<keyof Events, z.ZodType>> = {
  [E in keyof Events]: (input: z.output<Schemas[E]>) => Promise<AckData<Events[E]>>;
};

/** Counts handlers in flight; `drain()` stops new ones and waits for the rest. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  draining = false;

  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, 50))]);
    }
  }
}

export function bindHandlers<Events, Schemas extends Record<keyof Events, z.ZodType>>(
  socket: Socket,
  schemas: Schemas,
  handlers: Handlers<Events, Schemas>,
  inFlight: InFlight,
  log: Logger,
  rate?: { perSecond: number; burst: number },
): void {
  let chain: Promise<unknown> = Promise.resolve();
  const throttle = rate ? new EventThrottle(rate) : undefined;
  let dropped = false;

  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (r: Ack<unknown>) => void) : undefined;
    const payload = args.length > 0 && typeof args[0] !== 'function' ? args[0] : undefined;
    const answer = (result: Ack<unknown>) => {
      try {
        ack?.(result);
      } catch (err) {
        log.warn({ err, event }, 'ack failed');
      }
    };
    const fail = (error: ErrorBody) => answer({ ok: false, error });

    const verdict = throttle?.check() ?? 'ok';
    if (verdict === 'abusive') {
      if (!dropped) {
        dropped = true;
        log.warn({ reason: 'event flood', perSecond: rate!.perSecond, factor: ABUSE_FACTOR }, `socket disconnected: more than ${ABUSE_FACTOR}× its events per second for several seconds`);
        socket.disconnect(true);
      }
      return;
    }
    if (verdict === 'limited') {
      fail({
        code: 'RATE_LIMITED',
        message: `Too many requests on this connection (more than ${rate!.perSecond} a second); wait a moment and try again`,
        details: { reason: 'throttled', retryAfterSeconds: 1 },
      });
      return;
    }

    if (typeof event !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, event)) {
      fail({ code: 'VALIDATION', message: `Unknown event: ${String(event).slice(0, 64)}` });
      return;
    }
    const name = event as keyof Events & string;

    const run = async () => {
      if (inFlight.draining) throw new AppError('UNAVAILABLE', 'The server is restarting; please try again');
      const input = parse(schemas[name], payload);
      return handlers[name](input);
    };
    const task = chain.then(run).then(
      (data) => answer({ ok: true, data }),
      (err: unknown) => fail(toErrorBody(err, log, { event: name, socket: socket.id })),
    );
    chain = task;
    void inFlight.track(task);
  });
}
