import { TYPING_REFRESH_MS } from '../../../shared/limits.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';

/** After this long without a keystroke the agent no longer counts as typing. */
export const TYPING_IDLE_MS = 3_000;

/**
 * Turns keystrokes in the reply box into `typing:set` calls: `true` at most every
 * TYPING_REFRESH_MS while the agent keeps typing (the visitor's indicator expires on its own after
 * TYPING_TIMEOUT_MS), and `false` after TYPING_IDLE_MS idle, on send, on an emptied box and when
 * the agent leaves the chat.
 */
export class TypingAnnouncer {
  private conversationId: string | null = null;
  private lastAnnouncedAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly announce: (conversationId: string, typing: boolean) => void) {}

  /** Announces with `typing:set` on the agent's socket; while offline nothing is sent (typing is not worth queueing). */
  static onSocket(socket: () => AgentSocket | null): TypingAnnouncer {
    return new TypingAnnouncer((conversationId, typing) => {
      const s = socket();
      if (s?.connected) void s.command('typing:set', { conversationId, typing });
    });
  }

  /** Call on every edit of the draft. */
  input(conversationId: string, hasText: boolean): void {
    if (this.conversationId !== null && this.conversationId !== conversationId) this.stop();
    if (!hasText) {
      this.stop();
      return;
    }
    this.conversationId = conversationId;
    const now = Date.now();
    if (now - this.lastAnnouncedAt >= TYPING_REFRESH_MS) {
      this.lastAnnouncedAt = now;
      this.announce(conversationId, true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Announces `false` if `true` was announced; safe to call at any time. */
  stop(): void {
    clearTimeout(this.idleTimer);
    const id = this.conversationId;
    this.conversationId = null;
    this.lastAnnouncedAt = 0;
    if (id !== null) this.announce(id, false);
  }
}
