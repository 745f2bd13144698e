/**
 * Unread counts per conversation, the same on every tab and device of an agent.
 *
 * The server keeps, per agent and conversation, the highest message seq the agent has seen
 * (`conversation:read`, only ever raised) and tells the agent's other sockets (`reads:changed`).
 * A conversation's unread count is `lastSeq − lastRead`: every message after the last one seen,
 * system lines (a transfer, a status change) included. The agent's own replies never count, since
 * they are written with the conversation open, which marks them read at once (ReadTracker). A
 * conversation the agent never opened counts all its messages.
 *
 * One workspace per page, so one instance (`readMarkers`), attached to the session's socket.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ConversationDTO } from '../../../shared/types.js';
import { READS_LIST_MAX } from '../../../shared/schemas/canned.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';

export class ReadMarkers {
  private socket: AgentSocket | null = null;
  /** Last read seq of conversations asked about; absent from here but in `known`: never read. */
  private readonly markers = new Map<string, number>();
  private readonly known = new Set<string>();
  private readonly wanted = new Set<string>();
  /** The highest seq each conversation should be marked read up to, not yet acknowledged. */
  private readonly unsent = new Map<string, number>();
  private readonly sending = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;

  attach(socket: AgentSocket): () => void {
    this.reset();
    this.socket = socket;
    const offs = [
      socket.on('reads:changed', (r) => this.raise(r.conversationId, r.seq)),
      socket.onConnect(() => {
        // Markers may have moved on other devices while this one was offline.
        for (const id of this.known) this.wanted.add(id);
        this.known.clear();
        this.scheduleFetch();
        for (const id of this.unsent.keys()) void this.flush(id);
      }),
    ];
    return () => {
      for (const off of offs) off();
      if (this.socket === socket) this.reset();
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks for the markers of conversations about to be shown in a list (batched, each once). */
  want(ids: Iterable<string>): void {
    let added = false;
    for (const id of ids) {
      if (this.known.has(id) || this.wanted.has(id)) continue;
      this.wanted.add(id);
      added = true;
    }
    if (added) this.scheduleFetch();
  }

  /** Messages after the last one the agent saw; null until the marker is known. */
  unread(c: ConversationDTO): number | null {
    if (!this.known.has(c.id)) {
      this.want([c.id]);
      return null;
    }
    return Math.max(0, c.lastSeq - (this.markers.get(c.id) ?? 0));
  }

  /** The agent has the conversation in front of them up to `seq`. */
  seen(conversationId: string, seq: number): void {
    if (seq <= (this.markers.get(conversationId) ?? 0)) return;
    this.raise(conversationId, seq);
    this.unsent.set(conversationId, Math.max(seq, this.unsent.get(conversationId) ?? 0));
    void this.flush(conversationId);
  }

  private raise(conversationId: string, seq: number): void {
    if (seq <= (this.markers.get(conversationId) ?? -1)) return;
    this.markers.set(conversationId, seq);
    this.emit();
  }

  /** One `conversation:read` per conversation at a time; a newer seq seen meanwhile follows it. */
  private async flush(conversationId: string): Promise<void> {
    const socket = this.socket;
    const seq = this.unsent.get(conversationId);
    if (!socket || seq === undefined || this.sending.has(conversationId) || !socket.connected) return;
    this.sending.add(conversationId);
    const res = await socket.command('conversation:read', { conversationId, seq });
    this.sending.delete(conversationId);
    if (socket !== this.socket) return;
    // Kept on a failure that may pass (offline, timeout): the next connect sends it again.
    if (res.ok || (res.error.code !== 'UNAVAILABLE' && res.error.code !== 'INTERNAL')) {
      if (this.unsent.get(conversationId) === seq) this.unsent.delete(conversationId);
    }
    if ((this.unsent.get(conversationId) ?? 0) > seq) void this.flush(conversationId);
  }

  private scheduleFetch(): void {
    if (this.fetchTimer !== undefined) return;
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = undefined;
      void this.fetch();
    }, 30);
  }

  private async fetch(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || !this.wanted.size) return;
    const ids = [...this.wanted].slice(0, READS_LIST_MAX);
    for (const id of ids) this.wanted.delete(id);
    const res = await socket.command('reads:list', { conversationIds: ids });
    if (socket !== this.socket) return;
    if (!res.ok) {
      // Asked again on the next connect, or the next time a list wants them.
      for (const id of ids) this.wanted.add(id);
      return;
    }
    for (const id of ids) {
      this.known.add(id);
      const seq = res.data[id];
      if (seq !== undefined && seq > (this.markers.get(id) ?? -1)) this.markers.set(id, seq);
    }
    this.emit();
    if (this.wanted.size) this.scheduleFetch();
  }

  private reset(): void {
    clearTimeout(this.fetchTimer);
    this.fetchTimer = undefined;
    this.socket = null;
    this.markers.clear();
    this.known.clear();
    this.wanted.clear();
    this.unsent.clear();
    this.sending.clear();
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const readMarkers = new ReadMarkers();

/** Re-renders its host whenever the read markers change (for lists showing unread counts). */
export class ReadMarkersWatcher implements ReactiveController {
  private off: (() => void) | null = null;
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    this.off = readMarkers.onChange(() => this.host.requestUpdate());
  }
  hostDisconnected(): void {
    this.off?.();
    this.off = null;
  }
}

/**
 * Marks what a conversation view shows as read, while the page is visible: after each render
 * (new messages arrive as renders) and when the agent comes back to the tab.
 */
export class ReadTracker implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly opts: { conversationId: () => string | null; lastSeq: () => number },
  ) {
    host.addController(this);
  }
  hostConnected(): void {
    document.addEventListener('visibilitychange', this.check);
  }
  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.check);
  }
  hostUpdated(): void {
    this.check();
  }
  private readonly check = (): void => {
    if (document.visibilityState !== 'visible') return;
    const id = this.opts.conversationId();
    const seq = this.opts.lastSeq();
    if (id && seq > 0) readMarkers.seen(id, seq);
  };
}

/** "3" in a pill, read as "3 unread". Nothing for 0 or unknown. */
export function unreadBadge(count: number | null) {
  if (!count) return nothing;
  const shown = count > 99 ? '99+' : String(count);
  return html`<span class="unread-badge"><span aria-hidden="true">${shown}</span><span class="sr-only">, ${count} unread</span></span>`;
}

export const unreadBadgeStyles = css`
  .unread-badge {
    display: inline-block;
    flex-shrink: 0;
    min-width: 1.3rem;
    padding: 0.05rem 0.4rem;
    border-radius: 999px;
    background: var(--ah-accent);
    color: var(--ah-accent-text);
    font-size: 0.75rem;
    font-weight: 650;
    line-height: 1.35;
    text-align: center;
    font-variant-numeric: tabular-nums;
  }
`;
