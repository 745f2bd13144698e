import { css, html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { TYPING_TIMEOUT_MS } from '../../../shared/limits.js';
import type { TypingDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';

export interface VisitorTypingOptions {
  /** The conversation on screen; broadcasts of others are ignored. */
  conversationId(): string | null;
  /** Who to name when the broadcast carries no name. */
  fallbackName(): string;
}

/**
 * "Vera is typing…" for the conversation a view shows, from `typing:changed` broadcasts. The
 * visitor's client may vanish without saying "stopped", so the line expires on its own after
 * TYPING_TIMEOUT_MS; the visitor's next message clears it at once.
 */
export class VisitorTyping implements ReactiveController {
  private name: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: VisitorTypingOptions,
  ) {
    host.addController(this);
  }

  /** Subscribes to the socket's broadcasts; returns the unsubscribers. */
  listen(socket: AgentSocket): Array<() => void> {
    return [
      socket.on('typing:changed', (t) => this.onTyping(t)),
      socket.on('message:created', (m) => {
        if (m.conversationId === this.options.conversationId() && m.author.type === 'visitor') this.clear();
      }),
    ];
  }

  clear(): void {
    clearTimeout(this.timer);
    this.set(null);
  }

  hostDisconnected(): void {
    this.clear();
  }

  /** The status line; it stays on the page while empty, as a live region must exist before it changes to be read out. */
  render() {
    return html`<div class="typing" role="status">${this.name ? `${this.name} is typing…` : ''}</div>`;
  }

  private onTyping(t: TypingDTO): void {
    if (t.conversationId !== this.options.conversationId() || t.author.type !== 'visitor') return;
    clearTimeout(this.timer);
    if (!t.typing) {
      this.set(null);
      return;
    }
    this.set(t.author.name?.trim() || this.options.fallbackName());
    this.timer = setTimeout(() => this.set(null), TYPING_TIMEOUT_MS);
  }

  private set(name: string | null): void {
    if (name === this.name) return;
    this.name = name;
    this.host.requestUpdate();
  }
}

export const visitorTypingStyles = css`
  .typing {
    min-height: 1.6rem;
    padding: 0.2rem 1.35rem 0.3rem;
    font-size: 0.8125rem;
    font-style: italic;
    color: var(--ah-text-muted);
  }
`;
