import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { icon } from '../../lib/icons.js';
import { routeHref } from '../../lib/route.js';
import { baseStyles } from '../../styles/shared.js';
import { tip, topBarButtonStyles } from '../../styles/top-bar.js';

/**
 * The top bar's way to product feedback (`#/feedback`): an icon link like the other tools, marked
 * as the current page while the feedback view is open, with the number of ratings that arrived
 * (`feedback:created`) since the agent last looked.
 */
export class FeedbackLink extends LitElement {
  static override styles = [
    baseStyles,
    topBarButtonStyles,
    css`
      a {
        text-decoration: none;
      }
      a[aria-current='page'] {
        background: var(--ah-accent-soft);
        border-color: transparent;
        color: var(--ah-accent);
      }
      .count {
        min-width: 1.1rem;
        padding: 0 0.3rem;
        border-radius: 999px;
        background: var(--ah-accent);
        color: var(--ah-accent-text);
        font-size: 0.6875rem;
        line-height: 1.1rem;
        text-align: center;
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  /** The feedback view is open. */
  @property({ type: Boolean }) current = false;
  @state() private unseen = 0;
  private release: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.socket && !this.release) this.listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release?.();
    this.release = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('socket') && this.isConnected) this.listen();
    if (this.current) this.unseen = 0;
  }

  private listen(): void {
    this.release?.();
    this.release =
      this.socket?.on('feedback:created', () => {
        if (!this.current) this.unseen++;
      }) ?? null;
  }

  override render() {
    const n = this.unseen;
    return html`<a class="btn btn-small icon-btn" href=${routeHref({ view: 'feedback' })} aria-current=${this.current ? 'page' : 'false'}>
      ${icon('feedback')}<span class="sr-only">Feedback${n ? `, ${n} new` : ''}</span>
      ${n ? html`<span class="count" aria-hidden="true">${n > 99 ? '99+' : n}</span>` : nothing}${tip(n ? `Product feedback: ${n} new` : 'Product feedback')}
    </a>`;
  }
}

if (!customElements.get('feedback-link')) customElements.define('feedback-link', FeedbackLink);

declare global {
  interface HTMLElementTagNameMap {
    'feedback-link': FeedbackLink;
  }
}
