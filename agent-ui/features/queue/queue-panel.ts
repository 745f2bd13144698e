import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConversationDTO } from '../../../shared/types.js';
import { visitorName, waitingLabel } from '../../lib/format.js';
import { baseStyles } from '../../styles/shared.js';
import { readMarkers, ReadMarkersWatcher, unreadBadge, unreadBadgeStyles } from '../unread/read-markers.js';

/** Wait times count whole seconds; a quarter-second tick keeps each within 250 ms of the truth. */
const TICK_MS = 250;

export interface ConversationIdDetail {
  conversationId: string;
}

/**
 * The left column: the waiting chats ("Queue", oldest first, with a live wait time and an Accept
 * button) and the agent's own active chats ("My chats").
 *
 * @fires conversation-select - `{conversationId}`: open a chat (a queued one opens as a read-only preview).
 * @fires conversation-accept - `{conversationId}`: take a queued chat.
 */
export class QueuePanel extends LitElement {
  static override styles = [
    baseStyles,
    unreadBadgeStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        overflow-y: auto;
        background: var(--ah-surface);
      }
      section {
        padding: 0.75rem 0.75rem 0.5rem;
      }
      section + section {
        border-top: 1px solid var(--ah-border);
      }
      .head {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0.25rem 0.25rem 0.6rem;
      }
      h2 {
        margin: 0;
        font-size: 0.8125rem;
        font-weight: 650;
        letter-spacing: 0.02em;
        text-transform: uppercase;
        color: var(--ah-text-muted);
      }
      .count {
        min-width: 1.4rem;
        padding: 0.05rem 0.45rem;
        border-radius: 999px;
        background: var(--ah-surface-2);
        border: 1px solid var(--ah-border);
        font-size: 0.75rem;
        text-align: center;
        letter-spacing: 0;
      }
      .count.hot {
        background: var(--ah-accent);
        border-color: var(--ah-accent);
        color: var(--ah-accent-text);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.35rem;
      }
      li {
        position: relative;
        display: flex;
        align-items: stretch;
        border-radius: var(--ah-radius);
        border: 1px solid transparent;
      }
      li:hover {
        background: var(--ah-surface-2);
      }
      li.selected {
        background: var(--ah-accent-soft);
        border-color: color-mix(in srgb, var(--ah-accent) 35%, transparent);
      }
      .open {
        flex: 1;
        min-width: 0;
        display: grid;
        gap: 0.15rem;
        padding: 0.6rem 0.65rem;
        border: 0;
        border-radius: var(--ah-radius);
        background: transparent;
        color: inherit;
        text-align: left;
      }
      .line {
        display: flex;
        align-items: baseline;
        gap: 0.5rem;
        min-width: 0;
      }
      .name {
        font-weight: 600;
        font-size: 0.9375rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .email,
      .preview {
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .preview {
        color: var(--ah-text);
        opacity: 0.85;
      }
      .wait {
        margin-left: auto;
        flex-shrink: 0;
        font-size: 0.75rem;
        font-variant-numeric: tabular-nums;
        color: var(--ah-text-muted);
      }
      .wait.long {
        color: var(--ah-danger);
        font-weight: 600;
      }
      .unread .name::after {
        content: '';
        display: inline-block;
        width: 0.5rem;
        height: 0.5rem;
        margin-left: 0.4rem;
        border-radius: 50%;
        background: var(--ah-accent);
        vertical-align: middle;
      }
      .new {
        font-size: 0.8125rem;
        font-weight: 600;
        color: var(--ah-accent);
      }
      .accept {
        align-self: center;
        margin-right: 0.5rem;
        flex-shrink: 0;
      }
      .empty {
        margin: 0.25rem 0.3rem 0.6rem;
        font-size: 0.875rem;
        color: var(--ah-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) queued: ConversationDTO[] = [];
  @property({ attribute: false }) mine: ConversationDTO[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  /** Chats with messages the agent has not seen yet. */
  @property({ attribute: false }) unread: ReadonlySet<string> = new Set();
  /** Ids whose Accept is in flight. */
  @property({ attribute: false }) accepting: ReadonlySet<string> = new Set();
  /** Accepting needs a live connection; socket.io would otherwise buffer the command. */
  @property({ type: Boolean }) offline = false;

  @state() private now = Date.now();
  private readonly reads = new ReadMarkersWatcher(this);
  private ticker: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.ticker = setInterval(() => {
      if (this.queued.length > 0) this.now = Date.now();
    }, TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('queued')) this.now = Date.now();
  }

  private fire(type: 'conversation-select' | 'conversation-accept', conversationId: string): void {
    this.dispatchEvent(new CustomEvent<ConversationIdDetail>(type, { detail: { conversationId }, bubbles: true, composed: true }));
  }

  private renderQueued(c: ConversationDTO) {
    const name = visitorName(c);
    const waitedMs = this.now - Date.parse(c.queuedAt);
    const busy = this.accepting.has(c.id);
    return html`
      <li class=${this.selectedId === c.id ? 'selected' : ''}>
        <button
          class="open"
          type="button"
          aria-current=${this.selectedId === c.id ? 'true' : 'false'}
          @click=${() => this.fire('conversation-select', c.id)}
        >
          <span class="line">
            <span class="name">${name}</span>
            <span class="wait ${waitedMs >= 120_000 ? 'long' : ''}">${waitingLabel(c.queuedAt, this.now)}</span>
          </span>
          ${c.visitor.email ? html`<span class="email">${c.visitor.email}</span>` : nothing}
          ${c.preview ? html`<span class="preview">${c.preview}</span>` : nothing}
        </button>
        <button
          class="btn btn-primary btn-small accept"
          type="button"
          aria-label="Accept chat from ${name}"
          ?disabled=${busy || this.offline}
          aria-busy=${busy ? 'true' : 'false'}
          @click=${() => this.fire('conversation-accept', c.id)}
        >
          Accept
        </button>
      </li>
    `;
  }

  /** No message preview here: the same text is in the open conversation, and showing it twice confuses find-in-page and screen readers. */
  private renderMine(c: ConversationDTO) {
    // The count from the agent's read markers (all devices); this tab's own marks until it is known.
    const count = readMarkers.unread(c);
    const unread = count === null && this.unread.has(c.id);
    return html`
      <li class="${this.selectedId === c.id ? 'selected' : ''} ${unread ? 'unread' : ''}">
        <button
          class="open"
          type="button"
          aria-current=${this.selectedId === c.id ? 'true' : 'false'}
          @click=${() => this.fire('conversation-select', c.id)}
        >
          <span class="line"><span class="name">${visitorName(c)}</span>${unreadBadge(count)}</span>
          ${c.visitor.email ? html`<span class="email">${c.visitor.email}</span>` : nothing}
          ${unread ? html`<span class="new">New messages</span>` : nothing}
        </button>
      </li>
    `;
  }

  override render() {
    return html`
      <section aria-labelledby="queue-heading">
        <div class="head">
          <h2 id="queue-heading">Queue</h2>
          <span class="count ${this.queued.length ? 'hot' : ''}">
            <span aria-hidden="true">${this.queued.length}</span><span class="sr-only">${this.queued.length} waiting</span>
          </span>
        </div>
        ${this.queued.length
          ? html`<ul>
              ${repeat(this.queued, (c) => c.id, (c) => this.renderQueued(c))}
            </ul>`
          : html`<p class="empty">No one is waiting right now.</p>`}
      </section>
      <section aria-labelledby="mine-heading">
        <div class="head">
          <h2 id="mine-heading">My chats</h2>
          <span class="count">
            <span aria-hidden="true">${this.mine.length}</span><span class="sr-only">${this.mine.length} active</span>
          </span>
        </div>
        ${this.mine.length
          ? html`<ul>
              ${repeat(this.mine, (c) => c.id, (c) => this.renderMine(c))}
            </ul>`
          : html`<p class="empty">No active chats. Accept one from the list above.</p>`}
      </section>
    `;
  }
}

if (!customElements.get('queue-panel')) customElements.define('queue-panel', QueuePanel);

declare global {
  interface HTMLElementTagNameMap {
    'queue-panel': QueuePanel;
  }
  interface GlobalEventHandlersEventMap {
    'conversation-select': CustomEvent<ConversationIdDetail>;
    'conversation-accept': CustomEvent<ConversationIdDetail>;
  }
}
