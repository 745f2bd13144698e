/**
 * Unread counts per conversation, the same on every tab and device of an agent.
 *
 * The server keeps, per agent and conversation, the highest message seq the agent has seen
 * (`conversation:read`, only ever raised) and tells the agent's other sockets (`reads:changed`).
 * The unread count is what a user expects: the customer's messages after that marker. System
 * lines (chat started, an agent joined, a transfer), agents' replies and notes never count. Only
 * the server can count them (a list shows conversations whose messages this tab never loaded), so
 * each marker comes with its count and the conversation's `lastSeq` it was counted up to; when a
 * conversation moves past that (`conversation:updated`), its count is asked for again, batched.
 * Until then the last count shows.
 *
 * One workspace per page, so one instance (`readMarkers`), attached to the session's socket.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ConversationDTO } from '../../../shared/types.js';
import type { ReadMarkerDTO } from '../../../shared/workspace.js';
import { READS_LIST_MAX } from '../../../shared/schemas/canned.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';

type Marker = Omit<ReadMarkerDTO, 'conversationId'>;

export class ReadMarkers {
  private socket: AgentSocket | null = null;
  /** The newest marker and count known per conversation (from the server, or this tab's own reading). */
  private readonly markers = new Map<string, Marker>();
  private readonly wanted = new Set<string>();
  /** The conversation's lastSeq when its count was last asked for: a count is asked for once per change. */
  private readonly asked = new Map<string, number>();
  /** The highest seq each conversation should be marked read up to, not yet acknowledged. */
  private readonly unsent = new Map<string, number>();
  private readonly sending = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;

  attach(socket: AgentSocket): () => void {
    this.reset();
    this.socket = socket;
    const offs = [
      socket.on('reads:changed', (r) => {
        if (this.take(r)) this.emit();
      }),
      socket.onConnect(() => {
        // Markers may have moved on other devices, and customers written, while this one was offline.
        for (const id of this.markers.keys()) this.wanted.add(id);
        this.asked.clear();
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

  /** Customer messages the agent has not seen; null until the first count arrives. */
  unread(c: ConversationDTO): number | null {
    const known = this.markers.get(c.id);
    if ((!known || c.lastSeq > known.lastSeq) && (this.asked.get(c.id) ?? -1) < c.lastSeq) {
      this.asked.set(c.id, c.lastSeq);
      this.wanted.add(c.id);
      this.scheduleFetch();
    }
    return known ? known.unread : null;
  }

  /** The agent has the conversation in front of them up to `seq`. */
  seen(conversationId: string, seq: number): void {
    const known = this.markers.get(conversationId);
    if (seq <= (known?.seq ?? 0)) return;
    // Everything up to the counted end seen: nothing unread. Less (rare): the server's answer to
    // the `conversation:read` below brings the exact count; the old one shows until then.
    this.markers.set(
      conversationId,
      !known || seq >= known.lastSeq ? { seq, unread: 0, lastSeq: seq } : { seq, unread: known.unread, lastSeq: known.lastSeq },
    );
    this.emit();
    this.unsent.set(conversationId, Math.max(seq, this.unsent.get(conversationId) ?? 0));
    void this.flush(conversationId);
  }

  /** Keeps `read` unless what is known is newer (a higher marker, or the same counted further). */
  private take(read: ReadMarkerDTO): boolean {
    const known = this.markers.get(read.conversationId);
    if (known && (read.seq < known.seq || (read.seq === known.seq && read.lastSeq < known.lastSeq))) return false;
    this.markers.set(read.conversationId, { seq: read.seq, unread: read.unread, lastSeq: read.lastSeq });
    return true;
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
      // Asked again on the next connect, or with the next batch.
      for (const id of ids) this.wanted.add(id);
      return;
    }
    let changed = false;
    for (const read of res.data) changed = this.take(read) || changed;
    if (changed) this.emit();
    if (this.wanted.size) this.scheduleFetch();
  }

  private reset(): void {
    clearTimeout(this.fetchTimer);
    this.fetchTimer = undefined;
    this.socket = null;
    this.markers.clear();
    this.wanted.clear();
    this.asked.clear();
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
