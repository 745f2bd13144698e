/**
 * Client-side view of one conversation's message stream, shared by the widget and the agent UI.
 *
 * It holds what DESIGN.md's delivery guarantees need on the client: messages ordered by the
 * server's sequence numbers, the highest contiguous seq seen (what to ask for after a reconnect),
 * and an outbox of sends that are kept, in order, until the server acknowledges them. A resend
 * reuses the client id, so the server returns the original instead of storing a duplicate.
 *
 * Broadcasts of two messages may arrive out of order (two writers, two handlers); a message with a
 * gap before it triggers a sync, and the server only assigns seq n+1 after n is stored, so the
 * sync always fills the gap.
 */
import type { ErrorBody } from './errors.js';
import type { Ack } from './events.js';
import { Outbox, type OutboxItem } from './outbox.js';
import type { AttachmentDTO, ConversationDTO, MessageDTO, SyncResult } from './types.js';
import type { ReadReceiptsDTO } from './visitor-features.js';

export interface StreamTransport {
  connected(): boolean;
  sync(conversationId: string, afterSeq: number): Promise<Ack<SyncResult>>;
  send(input: { conversationId: string; clientId: string; body: string; attachmentIds?: string[] }): Promise<Ack<MessageDTO>>;
}

export interface PendingMessage extends OutboxItem {
  body: string;
  /** Already uploaded (POST /api/uploads); sent by id with the message. */
  attachments: AttachmentDTO[];
  createdAt: string;
}

export function newClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export class ConversationStream {
  readonly conversationId: string;
  conversation: ConversationDTO | null = null;
  /** How far the visitor and the agents have read (read receipts); null until a sync brought them. */
  receipts: ReadReceiptsDTO | null = null;
  /** Delivered messages, ordered by seq, without gaps. */
  readonly messages: MessageDTO[] = [];
  private readonly early = new Map<number, MessageDTO>();
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private readonly outbox: Outbox<PendingMessage, MessageDTO>;
  private readonly listeners = new Set<() => void>();

  constructor(
    conversationId: string,
    private readonly transport: StreamTransport,
  ) {
    this.conversationId = conversationId;
    this.outbox = new Outbox({
      connected: () => transport.connected(),
      send: (item) =>
        transport.send({
          conversationId,
          clientId: item.clientId,
          body: item.body,
          ...(item.attachments.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
        }),
      onAcked: (message) => this.receive(message),
      onChange: () => this.emit(),
    });
  }

  /** Sends not yet acknowledged, in order, and those refused for good (`state: 'failed'`). */
  get pending(): PendingMessage[] {
    return this.outbox.items;
  }

  /** The highest seq held with nothing missing before it. */
  get lastSeq(): number {
    return this.messages.length ? this.messages[this.messages.length - 1]!.seq : 0;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feed a message from a broadcast, an ack or a sync page. */
  receive(message: MessageDTO): void {
    if (message.conversationId !== this.conversationId) return;
    this.outbox.drop(message.clientId);
    if (message.seq <= this.lastSeq) {
      this.emit();
      return;
    }
    this.early.set(message.seq, message);
    let next = this.early.get(this.lastSeq + 1);
    while (next) {
      this.early.delete(next.seq);
      this.messages.push(next);
      next = this.early.get(this.lastSeq + 1);
    }
    if (this.early.size > 0) this.catchUp();
    this.emit();
  }

  updateConversation(conversation: ConversationDTO): void {
    if (conversation.id !== this.conversationId) return;
    this.conversation = conversation;
    if (conversation.lastSeq > this.lastSeq) this.catchUp();
    this.emit();
  }

  /** From a sync or a `receipts:changed` push: keeps the higher of each mark, as the server does. */
  updateReceipts(receipts: ReadReceiptsDTO): void {
    const old = this.receipts;
    if (receipts.conversationId !== this.conversationId || (old && old.visitorSeq >= receipts.visitorSeq && old.agentSeq >= receipts.agentSeq)) return;
    this.receipts = old
      ? { ...receipts, visitorSeq: Math.max(old.visitorSeq, receipts.visitorSeq), agentSeq: Math.max(old.agentSeq, receipts.agentSeq) }
      : receipts;
    this.emit();
  }

  /**
   * Fetches everything after lastSeq, page by page. Call after every (re)connect; concurrent calls
   * share one run, and a call during a run schedules one more so nothing is missed.
   */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          for (;;) {
            if (!this.transport.connected()) return;
            const res = await this.transport.sync(this.conversationId, this.lastSeq);
            if (!res.ok) throw new StreamError(res.error);
            this.conversation = res.data.conversation;
            this.updateReceipts(res.data.receipts);
            for (const m of res.data.messages) this.receive(m);
            if (!res.data.hasMore) break;
          }
        } while (this.syncAgain);
      } finally {
        this.syncing = null;
        this.emit();
      }
    })();
    return this.syncing;
  }

  /**
   * A sync nobody awaits (a gap, a newer lastSeq pushed). A failure is not lost: the gap or the
   * newer lastSeq asks again with the next push, and owners sync after every reconnect; only an
   * unhandled rejection would be left (fatal in Node, noise in the browser).
   */
  private catchUp(): void {
    this.sync().catch(() => undefined);
  }

  /** Queues a message and sends it when connected; it stays pending until acknowledged. */
  send(body: string, attachments: AttachmentDTO[] = []): PendingMessage {
    const item: PendingMessage = { clientId: newClientId(), body, attachments, createdAt: new Date().toISOString(), state: 'sending' };
    this.outbox.add(item);
    return item;
  }

  /** Tries a failed message again, keeping its client id. */
  retry(clientId: string): void {
    this.outbox.retry(clientId);
  }

  /** Sends the outbox in order, one at a time; stops at the first send that did not get through. */
  flush(): Promise<void> {
    return this.outbox.flush();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export class StreamError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'StreamError';
  }
}
