import { css, html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ViewersDTO } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { ViewerTracker } from './viewer-tracker.js';

type Viewer = ViewersDTO['agents'][number];

export interface CollisionWarningOptions {
  socket(): AgentSocket | null;
  /** The conversation on screen, or null. */
  conversationId(): string | null;
  /** The signed-in agent, who is never warned about themselves (nor their other tabs). */
  myId(): string | null;
}

/** "Ida", "Ida and Max", "Ida, Max and Zoe", "Ida, Max and 2 others". */
export function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/** "Ida is typing… · Max is also viewing"; empty when nobody else is there. */
export function collisionText(others: readonly Viewer[]): string {
  const typing = others.filter((a) => a.typing).map((a) => a.name);
  const viewing = others.filter((a) => !a.typing).map((a) => a.name);
  const parts: string[] = [];
  if (typing.length) parts.push(`${nameList(typing)} ${typing.length === 1 ? 'is' : 'are'} typing…`);
  if (viewing.length) parts.push(`${nameList(viewing)} ${viewing.length === 1 ? 'is' : 'are'} also viewing`);
  return parts.join(' · ');
}

/**
 * The collision warning of a conversation or ticket view: it tells the server the view shows the
 * conversation (through the socket's ViewerTracker, on open and close), and draws a small bar
 * "Ida is also viewing" / "Ida is typing…" while another agent has it open too.
 */
export class CollisionWarning implements ReactiveController {
  private followed: { socket: AgentSocket; conversationId: string } | null = null;
  private release: Array<() => void> = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: CollisionWarningOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.requestUpdate();
  }

  /** Runs before every render of the host: follows the conversation it shows. */
  hostUpdate(): void {
    this.follow();
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Who else views the conversation on screen. */
  get others(): Viewer[] {
    const f = this.followed;
    if (!f) return [];
    const me = this.options.myId();
    return ViewerTracker.for(f.socket)
      .viewersOf(f.conversationId)
      .filter((a) => a.id !== me);
  }

  /** The bar; it stays in the page while empty, as a live region must exist before it changes to be read out. */
  render() {
    const text = collisionText(this.others);
    return html`<p class="collision ${text ? 'shown' : ''}" role="status">
      ${text
        ? html`<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
              <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
              <circle cx="12" cy="12" r="3" /></svg
            ><span>${text}</span>`
        : ''}
    </p>`;
  }

  private follow(): void {
    const socket = this.options.socket();
    // A view taken out of the page may still update once more; it shows nothing any longer.
    const conversationId = this.host.isConnected ? this.options.conversationId() : null;
    const f = this.followed;
    if (f?.socket === socket && f?.conversationId === conversationId) return;
    if (!f && (!socket || !conversationId)) return;
    this.stop();
    if (!socket || !conversationId) return;
    const tracker = ViewerTracker.for(socket);
    this.followed = { socket, conversationId };
    this.release = [tracker.hold(conversationId), tracker.onChange(() => this.host.requestUpdate())];
  }

  private stop(): void {
    for (const off of this.release) off();
    this.release = [];
    this.followed = null;
  }
}

export const collisionStyles = css`
  .collision {
    margin: 0;
    padding: 0;
    font-size: 0.8125rem;
    font-weight: 550;
  }
  .collision.shown {
    display: flex;
    align-items: center;
    gap: 0.45rem;
    padding: 0.4rem 1.25rem;
    background: var(--ah-warning-soft);
    color: var(--ah-warning-text);
    border-bottom: 1px solid var(--ah-border);
  }
  .collision svg {
    flex-shrink: 0;
  }
`;
