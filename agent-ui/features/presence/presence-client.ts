/**
 * Presence as this tab sees it: every agent's status and load (`presence:list`, then
 * `presence:changed` broadcasts), the signed-in agent's own status (`presence:set`), and the
 * agent's activity (`presence:activity`, at most every ACTIVITY_INTERVAL_MS, on real input) that
 * keeps the server from setting them away.
 *
 * One client per agent socket (`PresenceClient.for(socket)`), shared by the header's status
 * control, the team panel and the transfer dialog. It works while anything is attached: the list
 * is loaded on every connect, and input listeners run only then.
 *
 * A server without presence (older than this UI) answers "unknown event": the state then says
 * `unsupported` and the controls explain it instead of failing.
 */
import type { ErrorBody } from '../../../shared/errors.js';
import type { AgentStatus, PresenceDTO } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { errorText } from '../../lib/format.js';
import { isUnknownEvent } from '../../lib/unknown-event.js';

/** The server's auto-away counts from the last activity it heard; the UI tells it no more often than this. */
export const ACTIVITY_INTERVAL_MS = 30_000;
/** A failed list is asked again after this long while still connected. */
const RETRY_MS = 5_000;
const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'focus'] as const;

export type ChosenStatus = Exclude<AgentStatus, 'offline'>;

export interface PresenceState {
  /** `unsupported`: the server has no presence yet. */
  phase: 'loading' | 'ready' | 'unsupported';
  /** Every agent, online first, then away, then offline; by name within each. */
  everyone: readonly PresenceDTO[];
  /** What this agent chose last in this tab; null until they choose. */
  chosen: ChosenStatus | null;
  /** A `presence:set` in flight. */
  setting: ChosenStatus | null;
  /** What went wrong last (loading or setting), for the controls to show. */
  error: string | null;
}

export const UNSUPPORTED_TEXT = 'Presence is not available on this server yet.';

const ORDER: Record<AgentStatus, number> = { online: 0, away: 1, offline: 2 };

export function sortPresence(list: Iterable<PresenceDTO>): PresenceDTO[] {
  return [...list].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId));
}

/** An agent can take another chat. */
export const hasRoom = (p: PresenceDTO): boolean => p.activeChats < p.maxChats;

export class PresenceClient {
  private static readonly bySocket = new WeakMap<AgentSocket, PresenceClient>();

  static for(socket: AgentSocket): PresenceClient {
    let client = PresenceClient.bySocket.get(socket);
    if (!client) {
      client = new PresenceClient(socket);
      PresenceClient.bySocket.set(socket, client);
    }
    return client;
  }

  state: PresenceState = { phase: 'loading', everyone: [], chosen: null, setting: null, error: null };
  private readonly byId = new Map<string, PresenceDTO>();
  private readonly listeners = new Set<(state: PresenceState) => void>();
  private attached = 0;
  private lastActivity = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private loadSeq = 0;

  private constructor(private readonly socket: AgentSocket) {
    socket.on('presence:changed', (p) => {
      this.byId.set(p.agentId, p);
      this.update({ everyone: sortPresence(this.byId.values()) });
    });
    socket.onConnect(() => {
      if (this.attached > 0) void this.load();
    });
  }

  /** Starts loading and listening for input; the returned function stops (once all attached let go). */
  attach(): () => void {
    if (this.attached++ === 0) {
      for (const type of INPUT_EVENTS) window.addEventListener(type, this.onInput, { capture: true, passive: true });
      if (this.socket.connected) void this.load();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.attached > 0) return;
      for (const type of INPUT_EVENTS) window.removeEventListener(type, this.onInput, { capture: true });
      clearTimeout(this.retryTimer);
    };
  }

  onChange(listener: (state: PresenceState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  of(agentId: string | null | undefined): PresenceDTO | null {
    return agentId ? (this.byId.get(agentId) ?? null) : null;
  }

  /** Chooses Online or Away; the answer (and every later broadcast) updates the state. */
  async set(status: ChosenStatus): Promise<boolean> {
    if (this.state.phase === 'unsupported') return false;
    this.update({ setting: status, error: null });
    const res = await this.socket.command('presence:set', { status });
    if (!res.ok) {
      this.update({ setting: null, ...this.failure(res.error, 'Could not change your status') });
      return false;
    }
    this.lastActivity = Date.now();
    this.byId.set(res.data.agentId, res.data);
    this.update({ setting: null, chosen: status, phase: 'ready', everyone: sortPresence(this.byId.values()) });
    return true;
  }

  private readonly onInput = (): void => {
    const now = Date.now();
    if (now - this.lastActivity < ACTIVITY_INTERVAL_MS) return;
    if (this.state.phase === 'unsupported' || !this.socket.connected) return;
    this.lastActivity = now;
    void this.socket.command('presence:activity', {}).then((res) => {
      if (!res.ok && isUnsupported(res.error)) this.update({ phase: 'unsupported', error: null });
    });
  };

  private async load(): Promise<void> {
    clearTimeout(this.retryTimer);
    const seq = ++this.loadSeq;
    const res = await this.socket.command('presence:list', {});
    if (seq !== this.loadSeq) return;
    if (!res.ok) {
      this.update(this.failure(res.error, 'Could not load who is online'));
      if (this.state.phase !== 'unsupported') {
        this.retryTimer = setTimeout(() => {
          if (this.socket.connected && this.attached > 0) void this.load();
        }, RETRY_MS);
      }
      return;
    }
    this.byId.clear();
    for (const p of res.data) this.byId.set(p.agentId, p);
    this.update({ phase: 'ready', everyone: sortPresence(this.byId.values()), error: null });
  }

  private failure(error: ErrorBody, what: string): Partial<PresenceState> {
    if (isUnsupported(error)) return { phase: 'unsupported', error: null };
    return { error: `${what}: ${errorText(error)}` };
  }

  private update(patch: Partial<PresenceState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }
}

/** Presence commands have no other reason to answer NOT_FOUND than not existing on this server. */
function isUnsupported(error: ErrorBody): boolean {
  return isUnknownEvent(error) || error.code === 'NOT_FOUND';
}
