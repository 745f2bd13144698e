import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AgentDTO } from '../../../shared/types.js';
import { RATING_SUMMARY_DAYS, type AgentRatingDTO } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { PopupController } from '../../controllers/popup.js';
import { errorText } from '../../lib/format.js';
import { icon } from '../../lib/icons.js';
import { menuStyles } from '../../styles/menu.js';
import { baseStyles } from '../../styles/shared.js';
import { tip, topBarButtonStyles } from '../../styles/top-bar.js';
import { average, stars } from './rating-format.js';

/**
 * Visitors' ratings in the top bar: a star button with the agent's own average over the last 90
 * days (the star alone while there is none), opening a panel with the numbers; an admin's panel
 * lists every agent. Asked for (`ratings:summary`)
 * on connect and each time the panel opens, so it is as fresh as the agent looks.
 */
export class RatingsMenu extends LitElement {
  static override styles = [
    baseStyles,
    topBarButtonStyles,
    menuStyles,
    css`
      .stars,
      .toggle.rated .icon {
        color: #9a6700;
      }
      @media (prefers-color-scheme: dark) {
        .stars,
        .toggle.rated .icon {
          color: #e3b341;
        }
      }
      .panel {
        width: min(21rem, calc(100vw - 1.5rem));
        max-height: 60vh;
        overflow-y: auto;
        padding: 0.6rem 0.75rem;
        font-size: 0.8125rem;
      }
      h2 {
        margin: 0 0 0.4rem;
        font-size: 0.875rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        padding: 0.3rem 0.25rem;
        border-bottom: 1px solid var(--ah-border);
        text-align: start;
      }
      td.num,
      th.num {
        text-align: end;
        white-space: nowrap;
      }
      .note {
        margin: 0.4rem 0 0;
        color: var(--ah-text-muted);
      }
      .error {
        color: var(--ah-danger);
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @state() private rows: AgentRatingDTO[] | null = null;
  @state() private error = '';
  private readonly popup = new PopupController(this, () => void this.load());

  private release: (() => void) | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release?.();
    this.release = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('socket')) {
      this.release?.();
      this.release = this.socket?.onConnect(() => void this.load()) ?? null;
      if (this.socket?.connected) void this.load();
    }
  }

  private async load(): Promise<void> {
    if (!this.socket) return;
    const ack = await this.socket.command('ratings:summary', {});
    if (ack.ok) {
      this.rows = ack.data;
      this.error = '';
    } else {
      this.error = errorText(ack.error);
    }
  }

  private get own(): AgentRatingDTO | null {
    return this.rows?.find((r) => r.agentId === this.me?.id) ?? null;
  }

  private renderPanel() {
    const rows = this.rows;
    if (!rows) return html`<p class=${this.error ? 'error' : 'note'} role="status">${this.error || 'Loading…'}</p>`;
    const own = this.own;
    const admin = this.me?.role === 'admin';
    return html`
      <h2>Visitor ratings, last ${RATING_SUMMARY_DAYS} days</h2>
      ${own
        ? html`<p>
            Yours:
            ${own.average === null
              ? 'no ratings yet'
              : html`<strong>${average(own.average)} of 5</strong> from ${own.count} ${own.count === 1 ? 'chat' : 'chats'}`}
          </p>`
        : nothing}
      ${admin
        ? html`<table>
            <caption class="sr-only">Average rating per agent</caption>
            <thead>
              <tr><th scope="col">Agent</th><th scope="col" class="num">Average</th><th scope="col" class="num">Rated chats</th></tr>
            </thead>
            <tbody>
              ${rows.map(
                (r) => html`<tr>
                  <th scope="row">${r.name}</th>
                  <td class="num">
                    ${r.average === null
                      ? html`<span aria-label="no ratings">–</span>`
                      : html`<span class="stars" aria-hidden="true">${stars(r.average)}</span> ${average(r.average)}`}
                  </td>
                  <td class="num">${r.count}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
      <p class="note">1 terrible · 2 bad · 3 okay · 4 great · 5 fantastic</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }

  override render() {
    if (!this.me) return nothing;
    const mean = this.own?.average ?? null;
    return html`<div @keydown=${this.popup.onKeydown}>
      <button
        class="btn btn-small icon-btn toggle ${mean === null ? '' : 'rated'}"
        type="button"
        aria-expanded=${this.popup.open ? 'true' : 'false'}
        aria-controls="ratings-panel"
        @click=${this.popup.toggle}
      >
        ${mean === null
          ? html`${icon('star')}<span class="sr-only">Ratings${this.rows ? ', none yet' : ''}</span>${tip(this.rows ? 'Visitor ratings: none yet' : 'Visitor ratings')}`
          : html`${icon('star-filled')}<span class="sr-only">Ratings, your average:</span> ${average(mean)}${tip('Your visitor ratings')}`}
      </button>
      <div class="panel" id="ratings-panel" role="group" aria-label="Visitor ratings" ?hidden=${!this.popup.open}>${this.popup.open ? this.renderPanel() : nothing}</div>
    </div>`;
  }
}

if (!customElements.get('ratings-menu')) customElements.define('ratings-menu', RatingsMenu);

declare global {
  interface HTMLElementTagNameMap {
    'ratings-menu': RatingsMenu;
  }
}
