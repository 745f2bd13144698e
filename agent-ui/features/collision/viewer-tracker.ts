/**
 * Which conversations this tab's views show, told to the server with `conversation:view`, and who
 * views them (`conversation:viewers`): the material of the "Ida is also viewing" warnings.
 *
 * One tracker per agent socket (`ViewerTracker.for(socket)`), shared by the chat and the ticket
 * view: a conversation counts as viewed from the first view that holds it until the last lets go.
 * After a reconnect every held conversation is announced again (the server forgets a socket's views
 * with the socket), and while anything is held the lists are asked again now and then, which heals
 * an update lost to a dropped connection or a crashed node.
 */
import type { ViewersDTO } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { Holds } from '../../controllers/holds.js';
import { isUnknownEvent } from '../../lib/unknown-event.js';

const REFRESH_MS = 30_000;

export class ViewerTracker {
  private static readonly bySocket = new WeakMap<AgentSocket, ViewerTracker>();

  /** The tracker of a socket, created on first use. */
  static for(socket: AgentSocket): ViewerTracker {
    let tracker = ViewerTracker.bySocket.get(socket);
    if (!tracker) {
      tracker = new ViewerTracker(socket);
      ViewerTracker.bySocket.set(socket, tracker);
    }
    return tracker;
  }

  private readonly held = new Holds();
  private readonly viewers = new Map<string, ViewersDTO>();
  private readonly listeners = new Set<() => void>();
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  /** The server does not know `conversation:view` (an older server): stay quiet. */
  private unsupported = false;

  private constructor(private readonly socket: AgentSocket) {
    socket.on('conversation:viewers', (v) => {
      if (this.held.has(v.conversationId)) this.set(v);
    });
    socket.onConnect(() => {
      for (const id of this.viewers.keys()) this.tell(id, true);
    });
  }

  /** Marks a conversation as on screen until the returned release is called (once is enough). */
  hold(conversationId: string): () => void {
    const first = !this.held.has(conversationId);
    const release = this.held.hold(conversationId);
    if (first) {
      this.viewers.set(conversationId, { conversationId, agents: [] });
      this.tell(conversationId, true);
    }
    this.refreshTimer ??= setInterval(() => {
      for (const id of this.viewers.keys()) this.tell(id, true);
    }, REFRESH_MS);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.held.has(conversationId)) return;
      this.viewers.delete(conversationId);
      this.tell(conversationId, false);
      if (this.viewers.size === 0) {
        clearInterval(this.refreshTimer);
        this.refreshTimer = undefined;
      }
      this.notify();
    };
  }

  /** Who views the conversation, the signed-in agent included; empty until the server answered. */
  viewersOf(conversationId: string): ViewersDTO['agents'] {
    return this.viewers.get(conversationId)?.agents ?? [];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(conversationId: string, viewing: boolean): void {
    // Offline there is nothing to tell: the server already dropped this socket's views, and the
    // connect handler announces what is held again.
    if (this.unsupported || !this.socket.connected) return;
    void this.socket.command('conversation:view', { conversationId, viewing }).then((res) => {
      if (res.ok) {
        if (viewing && this.held.has(conversationId)) this.set(res.data);
      } else if (isUnknownEvent(res.error)) {
        this.unsupported = true;
      }
      // Any other refusal (a conversation that is gone, a dropped connection) shows nothing:
      // the view itself reports load errors, and the next connect or refresh asks again.
    });
  }

  private set(viewers: ViewersDTO): void {
    this.viewers.set(viewers.conversationId, viewers);
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}
