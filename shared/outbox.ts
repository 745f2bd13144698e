/**
 * An ordered outbox for sends the server must store exactly once (messages, notes).
 *
 * Items go out one at a time, in the order they were added, and stay in `items` until the server
 * acknowledges them. A send that throws (timed out, socket dropped) or answers a retryable code
 * stops the run: the item and everything after it wait for the next `flush()`, which the owner
 * calls on reconnect and on a timer. Any other error marks only that item `failed`. Every send of
 * an item, retries included, carries its original client id, so the server returns what it stored
 * the first time instead of storing it again.
 */
import type { Ack } from './events.js';
import { RETRYABLE_CODES, type ErrorBody } from './errors.js';

/**
 * How often an owner flushes while connected: a send that timed out while the socket stayed up
 * gets no reconnect to send it again.
 */
export const OUTBOX_RETRY_MS = 5_000;

export interface OutboxItem {
  clientId: string;
  /** `sending`: queued, sent again until acknowledged; `failed`: refused for good, with the reason. */
  state: 'sending' | 'failed';
  error?: ErrorBody;
}

export interface OutboxOptions<Item extends OutboxItem, Result> {
  /** Sends one item; may reject, and the item is then kept for the next flush. */
  send(item: Item): Promise<Ack<Result>>;
  connected(): boolean;
  /** The server stored the item (already taken out of `items`). */
  onAcked(result: Result): void;
  /** `items` or an item's state changed. */
  onChange(): void;
}

export class Outbox<Item extends OutboxItem, Result> {
  /** Waiting and failed items, in the order they were added. */
  readonly items: Item[] = [];
  private flushing = false;

  constructor(private readonly options: OutboxOptions<Item, Result>) {}

  add(item: Item): void {
    this.items.push(item);
    this.options.onChange();
    void this.flush();
  }

  /** Queues a failed item again, keeping its client id. */
  retry(clientId: string): void {
    const item = this.items.find((i) => i.clientId === clientId);
    if (!item) return;
    item.state = 'sending';
    delete item.error;
    this.options.onChange();
    void this.flush();
  }

  /** Forgets an item the server has stored, e.g. one that came back in a broadcast or a list. */
  drop(clientId: string): void {
    const i = this.items.findIndex((item) => item.clientId === clientId);
    if (i >= 0) this.items.splice(i, 1);
  }

  /** Sends the waiting items in order, one at a time; stops at the first that did not get through. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const item = this.items.find((i) => i.state === 'sending');
        if (!item || !this.options.connected()) return;
        let res: Ack<Result>;
        try {
          res = await this.options.send(item);
        } catch {
          // Timed out or the socket dropped: the item stays queued and goes again on the next flush.
          return;
        }
        if (res.ok) {
          this.drop(item.clientId);
          this.options.onAcked(res.data);
        } else if (RETRYABLE_CODES.has(res.error.code)) {
          return;
        } else {
          item.state = 'failed';
          item.error = res.error;
          this.options.onChange();
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
