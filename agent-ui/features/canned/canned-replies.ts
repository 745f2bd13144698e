/**
 * The canned replies the signed-in agent can use (shared ones and their own), kept current for
 * every composer and the management dialog: loaded on each (re)connect and again whenever the
 * server says one changed (`canned:changed`, also from the agent's other tabs and from admins).
 *
 * One workspace per page, so one instance (`cannedReplies`); the app shell attaches it to the
 * session's socket and detaches it when the session ends.
 */
import type { ErrorBody } from '../../../shared/errors.js';
import type { SaveCannedInput } from '../../../shared/schemas/canned.js';
import type { CannedReplyDTO } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';

export class CannedReplies {
  replies: readonly CannedReplyDTO[] = [];
  loaded = false;
  error: ErrorBody | null = null;
  private socket: AgentSocket | null = null;
  private readonly listeners = new Set<() => void>();
  private generation = 0;

  /** Follows this socket until the returned function is called. */
  attach(socket: AgentSocket): () => void {
    this.socket = socket;
    this.replies = [];
    this.loaded = false;
    this.error = null;
    const offs = [socket.onConnect(() => void this.reload()), socket.on('canned:changed', () => void this.reload())];
    if (socket.connected) void this.reload();
    return () => {
      for (const off of offs) off();
      if (this.socket === socket) {
        this.socket = null;
        this.replies = [];
        this.loaded = false;
        this.emit();
      }
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async reload(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const generation = ++this.generation;
    const res = await socket.command('canned:list', {});
    if (socket !== this.socket || generation !== this.generation) return;
    if (res.ok) {
      this.replies = res.data;
      this.loaded = true;
      this.error = null;
    } else {
      this.error = res.error;
    }
    this.emit();
  }

  /** Saves and reloads; resolves to the server's error, if any, for the form to show. */
  async save(input: SaveCannedInput): Promise<ErrorBody | null> {
    if (!this.socket) return { code: 'UNAVAILABLE', message: 'Not signed in' };
    const res = await this.socket.command('canned:save', input);
    if (!res.ok) return res.error;
    await this.reload();
    return null;
  }

  async remove(id: string): Promise<ErrorBody | null> {
    if (!this.socket) return { code: 'UNAVAILABLE', message: 'Not signed in' };
    const res = await this.socket.command('canned:delete', { id });
    if (!res.ok) return res.error;
    await this.reload();
    return null;
  }

  /**
   * Replies for what follows "/": shortcuts starting with it first, then shortcuts and titles
   * containing it. The server lists an agent's own reply before a shared one with the same shortcut.
   */
  match(filter: string): CannedReplyDTO[] {
    const f = filter.toLowerCase();
    if (!f) return [...this.replies];
    const starts = this.replies.filter((r) => r.shortcut.startsWith(f));
    const contains = this.replies.filter((r) => !r.shortcut.startsWith(f) && (r.shortcut.includes(f) || r.title.toLowerCase().includes(f)));
    return [...starts, ...contains];
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const cannedReplies = new CannedReplies();
