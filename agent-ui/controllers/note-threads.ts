/**
 * Internal notes, per conversation: the list from `notes:list`, live `note:created` broadcasts, and
 * the agent's own notes until the server has stored them. Like messages, a note carries a client id
 * from `newClientId()`, so sending it again after a timeout or a reconnect never stores it twice.
 */
import { newClientId } from '../../shared/conversation-stream.js';
import type { ErrorBody } from '../../shared/errors.js';
import { Outbox, OUTBOX_RETRY_MS, type OutboxItem } from '../../shared/outbox.js';
import type { NoteDTO } from '../../shared/types.js';
import type { AgentSocket } from './agent-socket.js';
import { Holds } from './holds.js';

export interface PendingNote extends OutboxItem {
  body: string;
  createdAt: string;
}

export class NoteThread {
  /** Stored notes, oldest first. */
  notes: NoteDTO[] = [];
  loading = false;
  error: ErrorBody | null = null;
  private readonly outbox: Outbox<PendingNote, NoteDTO>;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly conversationId: string,
    private readonly socket: AgentSocket,
  ) {
    this.outbox = new Outbox({
      connected: () => socket.connected,
      send: (item) => socket.request('note:add', { conversationId, clientId: item.clientId, body: item.body }),
      onAcked: (note) => this.receive(note),
      onChange: () => this.emit(),
    });
  }

  /** Notes not yet stored, in order, and those refused for good (`state: 'failed'`). */
  get pending(): readonly PendingNote[] {
    return this.outbox.items;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(): Promise<void> {
    if (!this.socket.connected) return;
    this.loading = true;
    this.emit();
    const res = await this.socket.command('notes:list', { conversationId: this.conversationId });
    this.loading = false;
    if (res.ok) {
      this.error = null;
      // Keep broadcasts that raced past the list.
      const byId = new Map([...this.notes, ...res.data].map((n) => [n.id, n]));
      this.notes = sortNotes([...byId.values()]);
      for (const n of res.data) this.outbox.drop(n.clientId);
    } else {
      this.error = res.error;
    }
    this.emit();
    await this.flush();
  }

  receive(note: NoteDTO): void {
    if (note.conversationId !== this.conversationId) return;
    this.outbox.drop(note.clientId);
    if (!this.notes.some((n) => n.id === note.id)) this.notes = sortNotes([...this.notes, note]);
    this.emit();
  }

  add(body: string): void {
    this.outbox.add({ clientId: newClientId(), body, createdAt: new Date().toISOString(), state: 'sending' });
  }

  retry(clientId: string): void {
    this.outbox.retry(clientId);
  }

  /** Sends waiting notes in order; stops at the first that did not get through (tried again later). */
  flush(): Promise<void> {
    return this.outbox.flush();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function sortNotes(notes: NoteDTO[]): NoteDTO[] {
  return notes.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** The note threads the agent opened this session; reloaded on reconnect while open or unsent. */
export class NoteThreads {
  private readonly threads = new Map<string, NoteThread>();
  private readonly open = new Holds();
  private readonly unsubscribe: Array<() => void>;
  private readonly retryTimer: ReturnType<typeof setInterval>;

  constructor(private readonly socket: AgentSocket) {
    this.unsubscribe = [
      socket.on('note:created', (n) => this.threads.get(n.conversationId)?.receive(n)),
      socket.onConnect(() => {
        for (const [id, thread] of this.threads) if (this.open.has(id) || thread.pending.length) void thread.load();
      }),
    ];
    this.retryTimer = setInterval(() => {
      if (!socket.connected) return;
      for (const t of this.threads.values()) if (t.pending.some((p) => p.state === 'sending')) void t.flush();
    }, OUTBOX_RETRY_MS);
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    clearInterval(this.retryTimer);
  }

  /** The thread, loaded now and on every reconnect until the returned release is called. */
  hold(conversationId: string): { thread: NoteThread; release: () => void } {
    let thread = this.threads.get(conversationId);
    if (!thread) {
      thread = new NoteThread(conversationId, this.socket);
      this.threads.set(conversationId, thread);
    }
    const release = this.open.hold(conversationId);
    void thread.load();
    return { thread, release };
  }
}
