/**
 * One `ConversationStream` per conversation the agent has opened this session, kept while the agent
 * looks at other chats so that unsent replies stay in their outbox and history is not fetched twice.
 *
 * It feeds the socket's broadcasts into the matching stream and, on every reconnect, syncs then
 * flushes each stream that is open or still has replies to deliver (what DESIGN.md's delivery
 * guarantees ask of a client). Sync errors are recorded per conversation for the view to show.
 */
import { ConversationStream, StreamError, type StreamTransport } from '../../shared/conversation-stream.js';
import type { ErrorBody } from '../../shared/errors.js';
import { OUTBOX_RETRY_MS } from '../../shared/outbox.js';
import type { ConversationDTO } from '../../shared/types.js';
import type { AgentSocket } from './agent-socket.js';
import { Holds } from './holds.js';

/** Streams kept beyond this are dropped when neither open nor holding unsent replies. */
const MAX_CACHED = 30;

export interface StreamStatus {
  loading: boolean;
  error: ErrorBody | null;
}

export class ConversationStreams {
  private readonly streams = new Map<string, ConversationStream>();
  private readonly status = new Map<string, StreamStatus>();
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void>;
  private readonly retryTimer: ReturnType<typeof setInterval>;
  private readonly transport: StreamTransport;
  /** Conversations on screen (the chat and the ticket view may each show one). */
  private readonly open = new Holds();

  constructor(private readonly socket: AgentSocket) {
    this.transport = {
      connected: () => socket.connected,
      sync: (conversationId, afterSeq) => socket.request('conversation:sync', { conversationId, afterSeq }),
      send: (input) => socket.request('message:send', input),
    };
    this.unsubscribe = [
      socket.on('message:created', (m) => this.streams.get(m.conversationId)?.receive(m)),
      socket.on('conversation:updated', (c) => this.streams.get(c.id)?.updateConversation(c)),
      socket.on('receipts:changed', (r) => this.streams.get(r.conversationId)?.updateReceipts(r)),
      socket.onConnect(() => this.resumeAll()),
    ];
    this.retryTimer = setInterval(() => this.flushWaiting(), OUTBOX_RETRY_MS);
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    clearInterval(this.retryTimer);
    this.listeners.clear();
  }

  /** The stream of a conversation, created (empty) on first use. */
  get(conversationId: string): ConversationStream {
    let stream = this.streams.get(conversationId);
    if (!stream) {
      stream = new ConversationStream(conversationId, this.transport);
      this.streams.set(conversationId, stream);
      this.evict();
    }
    return stream;
  }

  /**
   * Marks a conversation as on screen until the returned release is called: it is then synced on
   * every reconnect and never evicted.
   */
  hold(conversationId: string): () => void {
    return this.open.hold(conversationId);
  }

  statusOf(conversationId: string): StreamStatus {
    return this.status.get(conversationId) ?? { loading: false, error: null };
  }

  onStatusChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feeds a conversation the client got from an ack (accept, end) into its stream, if any. */
  updateConversation(conversation: ConversationDTO): void {
    this.streams.get(conversation.id)?.updateConversation(conversation);
  }

  /** Sync then flush: catches up on what was missed, then delivers the outbox in order. */
  async load(conversationId: string): Promise<void> {
    const stream = this.get(conversationId);
    if (!this.socket.connected) {
      // Nothing to do offline; resumeAll() runs this again on connect.
      return;
    }
    this.setStatus(conversationId, { loading: true, error: null });
    let error: ErrorBody | null = null;
    try {
      await stream.sync();
    } catch (err) {
      error =
        err instanceof StreamError
          ? err.body
          : { code: 'UNAVAILABLE', message: 'Could not load this conversation. Check your connection and try again.' };
    }
    this.setStatus(conversationId, { loading: false, error });
    await stream.flush();
  }

  private resumeAll(): void {
    for (const [id, stream] of this.streams) {
      if (this.open.has(id) || stream.pending.length > 0) void this.load(id);
    }
  }

  private flushWaiting(): void {
    if (!this.socket.connected) return;
    for (const stream of this.streams.values()) {
      if (stream.pending.some((p) => p.state === 'sending')) void stream.flush();
    }
  }

  private setStatus(conversationId: string, status: StreamStatus): void {
    this.status.set(conversationId, status);
    for (const l of this.listeners) l();
  }

  private evict(): void {
    if (this.streams.size <= MAX_CACHED) return;
    for (const [id, stream] of this.streams) {
      if (this.streams.size <= MAX_CACHED) break;
      if (!this.open.has(id) && stream.pending.length === 0) {
        this.streams.delete(id);
        this.status.delete(id);
      }
    }
  }
}
