/**
 * Who views a conversation, and who of them types: the "Ida is also viewing" / "Ida is typing…"
 * warnings when two agents open the same conversation.
 *
 * The sockets themselves are the record: a socket whose view shows a conversation is in its
 * `viewers` room, and what it types in is in its `socket.data`. `fetchSockets` reads both from
 * every node when an adapter joins them, so there is no store state to go stale after a crash, and
 * an agent with two tabs open on one conversation is one viewer.
 */
import { TYPING_TIMEOUT_MS } from '../../../shared/limits.js';
import type { ViewersDTO } from '../../../shared/workspace.js';
import type { Logger } from '../../logger.js';
import type { AgentNamespace, AgentSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';

/** Per socket, in `socket.data.collision`: plain data, so other nodes can read it. */
export interface CollisionState {
  /** Conversations this socket's views show, oldest first. */
  viewing: string[];
  /** Where this socket's agent types; it ends by itself at `until` (epoch ms) unless refreshed. */
  typing: { conversationId: string; until: number } | null;
}

/** A socket's views are bounded; past this the oldest view counts as closed (a client that never says so cannot grow it). */
export const MAX_VIEWS_PER_SOCKET = 5;

export class ConversationViewers {
  /** Typing expiry timers of this node's sockets. */
  private readonly typingTimers = new WeakMap<AgentSocket, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly agents: AgentNamespace,
    private readonly log: Logger,
  ) {}

  static state(socket: AgentSocket): CollisionState {
    return (socket.data.collision ??= { viewing: [], typing: null });
  }

  /** Everyone viewing, one entry per agent however many tabs; typing if any of their sockets types there. */
  async snapshot(conversationId: string): Promise<ViewersDTO> {
    const sockets = await this.agents
      .in(rooms.viewers(conversationId))
      .fetchSockets()
      .catch((err: unknown) => {
        // Redis is away and the other nodes cannot be asked: this node's viewers are all it can tell.
        this.log.warn({ err, conversationId }, 'viewers of other nodes unknown; telling this node\'s');
        return this.agents.local.in(rooms.viewers(conversationId)).fetchSockets();
      });
    const now = Date.now();
    const byAgent = new Map<string, { id: string; name: string; typing: boolean }>();
    for (const s of sockets) {
      const agent = s.data.agent;
      if (!agent) continue;
      const t = s.data.collision?.typing;
      const typing = !!t && t.conversationId === conversationId && t.until > now;
      const entry = byAgent.get(agent.id);
      if (entry) entry.typing ||= typing;
      else byAgent.set(agent.id, { id: agent.id, name: agent.name, typing });
    }
    const agents = [...byAgent.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { conversationId, agents };
  }

  /** Tells every socket viewing the conversation who views it now. */
  async announce(conversationId: string): Promise<ViewersDTO> {
    const viewers = await this.snapshot(conversationId);
    this.agents.to(rooms.viewers(conversationId)).emit('conversation:viewers', viewers);
    return viewers;
  }

  /** For changes no command waits on (a timer, a disconnect): failures are logged, never thrown. */
  announceLater(conversationId: string): void {
    this.announce(conversationId).catch((err: unknown) => this.log.warn({ err, conversationId }, 'could not announce viewers'));
  }

  /** Opens a view; returns whether this socket was not viewing it before. The caller checks access first. */
  async open(socket: AgentSocket, conversationId: string): Promise<boolean> {
    const state = ConversationViewers.state(socket);
    if (state.viewing.includes(conversationId)) return false;
    state.viewing.push(conversationId);
    await socket.join(rooms.viewers(conversationId));
    while (state.viewing.length > MAX_VIEWS_PER_SOCKET) {
      const oldest = state.viewing[0]!;
      await this.close(socket, oldest);
      this.announceLater(oldest);
    }
    return true;
  }

  /** Closes a view (and any typing in it); returns whether this socket was viewing it. */
  async close(socket: AgentSocket, conversationId: string): Promise<boolean> {
    const state = ConversationViewers.state(socket);
    const at = state.viewing.indexOf(conversationId);
    if (at < 0) return false;
    state.viewing.splice(at, 1);
    if (state.typing?.conversationId === conversationId) this.stopTyping(socket);
    await socket.leave(rooms.viewers(conversationId));
    return true;
  }

  /**
   * Records the agent's `typing:set`. Only a socket that views the conversation counts as typing in
   * it. Announces when the typing state there changes; a refresh only pushes the expiry on.
   */
  setTyping(socket: AgentSocket, conversationId: string, typing: boolean): void {
    const state = ConversationViewers.state(socket);
    const current = state.typing;
    const wasTyping = !!current && current.conversationId === conversationId && current.until > Date.now();
    if (!typing) {
      if (current?.conversationId !== conversationId) return;
      this.stopTyping(socket);
      this.announceLater(conversationId);
      return;
    }
    if (!state.viewing.includes(conversationId)) return;
    if (current && current.conversationId !== conversationId) {
      this.stopTyping(socket);
      this.announceLater(current.conversationId);
    }
    state.typing = { conversationId, until: Date.now() + TYPING_TIMEOUT_MS };
    clearTimeout(this.typingTimers.get(socket));
    this.typingTimers.set(
      socket,
      setTimeout(() => {
        if (state.typing?.conversationId !== conversationId) return;
        state.typing = null;
        this.announceLater(conversationId);
      }, TYPING_TIMEOUT_MS),
    );
    if (!wasTyping) this.announceLater(conversationId);
  }

  /** The socket is gone (it already left its rooms): the others see it leave. */
  disconnected(socket: AgentSocket): void {
    clearTimeout(this.typingTimers.get(socket));
    const state = socket.data.collision;
    if (!state) return;
    const viewing = state.viewing;
    state.viewing = [];
    state.typing = null;
    for (const id of viewing) this.announceLater(id);
  }

  private stopTyping(socket: AgentSocket): void {
    clearTimeout(this.typingTimers.get(socket));
    this.typingTimers.delete(socket);
    ConversationViewers.state(socket).typing = null;
  }
}
