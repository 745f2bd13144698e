/**
 * Internal notes, per conversation: the list from `notes:list`, live `note:created` broadcasts, and
 * the agent's own notes until the server has stored them. Like messages, a note carries a client id
 * from `newClientId()`, so sending it again after a timeout or a reconnect never stores it twice.
 */
import { newClientId } from '../../shared/conversation-stream.js';
import { RETRYABLE_CODES, type ErrorBody } from '../../shared/errors.js';
import type { NoteDTO } from '../../shared/types.js';
import type { AgentSocket } from './agent-socket.js';

export interface PendingNote {
  clientId: string;
  body: string;
  createdAt: string;
  /** `sending`: will be tried again on reconnect; `failed`: refused for good, with the reason. */
  state: 'sending' | 'failed';
  error?: ErrorBody;
}

export class NoteThread {
  /** Stored notes, oldest first. */
  notes: NoteDTO[] = [];
  readonly pending: PendingNote[] = [];
  loading = false;
  error: ErrorBody | null = null;
  private flushing = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly conversationId: string,
    private readonly socket: AgentSocket,
  ) {}

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
      for (const n of res.data) this.dropPending(n.clientId);
    } else {
      this.error = res.error;
    }
    this.emit();
    await this.flush();
  }

  receive(note: NoteDTO): void {
    if (note.conversationId !== this.conversationId) return;
    this.dropPending(note.clientId);
    if (!this.notes.some((n) => n.id === note.id)) this.notes = sortNotes([...this.notes, note]);
    this.emit();
  }

  add(body: string): void {
    this.pending.push({ clientId: newClientId(), body, createdAt: new Date().toISOString(), state: 'sending' });
    this.emit();
    void this.flush();
  }

  retry(clientId: string): void {
    const item = this.pending.find((p) => p.clientId === clientId);
    if (!item) return;
    item.state = 'sending';
    delete item.error;
    this.emit();
    void this.flush();
  }

  /** Sends waiting notes in order; stops at the first that did not get through (tried again later). */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const item = this.pending.find((p) => p.state === 'sending');
        if (!item || !this.socket.connected) return;
        let res;
        try {
          res = await this.socket.request('note:add', { conversationId: this.conversationId, clientId: item.clientId, body: item.body });
        } catch {
          // Timed out or dropped: kept, and sent again with the same client id.
          return;
        }
        if (res.ok) {
          this.receive(res.data);
        } else if (RETRYABLE_CODES.has(res.error.code)) {
          return;
        } else {
          item.state = 'failed';
          item.error = res.error;
          this.emit();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private dropPending(clientId: string): void {
    const i = this.pending.findIndex((p) => p.clientId === clientId);
    if (i >= 0) this.pending.splice(i, 1);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function sortNotes(notes: NoteDTO[]): NoteDTO[] {
  return notes.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** A send that timed out while connected gets no reconnect to retry it; this tick does. */
const RETRY_MS = 5_000;

/** The note threads the agent opened this session; reloaded on reconnect while open or unsent. */
export class NoteThreads {
  private readonly threads = new Map<string, NoteThread>();
  private readonly open = new Map<string, number>();
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
    }, RETRY_MS);
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
    this.open.set(conversationId, (this.open.get(conversationId) ?? 0) + 1);
    void thread.load();
    let released = false;
    return {
      thread,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(conversationId) ?? 1) - 1;
        if (left > 0) this.open.set(conversationId, left);
        else this.open.delete(conversationId);
      },
    };
  }
}
