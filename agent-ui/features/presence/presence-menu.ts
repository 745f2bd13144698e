import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { AgentDTO } from '../../../shared/types.js';
import type { AgentStatus } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { PopupController } from '../../controllers/popup.js';
import { menuStyles } from '../../styles/menu.js';
import { baseStyles } from '../../styles/shared.js';
import { UNSUPPORTED_TEXT, type ChosenStatus, type PresenceState } from './presence-client.js';
import { PresenceRoster } from './presence-roster.js';
import { presenceDotStyles, STATUS_TEXT } from './presence-styles.js';

const CHOICES: ReadonlyArray<{ status: ChosenStatus; hint: string }> = [
  { status: 'online', hint: 'New chats can come to you' },
  { status: 'away', hint: 'No new chats; the chats you have stay yours' },
];

/** The server's auto-away: any input in the workspace (PresenceClient reports it) ends it. */
const IDLE_HINT = 'Away after a while without activity: no new chats come to you. Using the workspace brings you back online.';

/**
 * The agent's own status in the top bar: a button showing Online or Away (and "idle" when the
 * server set them away after a while without input), opening a small panel to choose. While it is
 * in the page, the agent's input is reported as activity (PresenceClient).
 */
export class PresenceMenu extends LitElement {
  static override styles = [
    baseStyles,
    presenceDotStyles,
    menuStyles,
    css`
      .idle {
        font-weight: 400;
        color: var(--ah-text-muted);
      }
      .panel {
        width: min(19rem, calc(100vw - 1.5rem));
        padding: 0.5rem;
        display: grid;
        gap: 0.25rem;
      }
      fieldset {
        display: grid;
        gap: 0.15rem;
        margin: 0;
        padding: 0;
        border: 0;
      }
      .option {
        display: grid;
        grid-template-columns: auto auto 1fr;
        align-items: center;
        gap: 0.1rem 0.55rem;
        padding: 0.45rem 0.5rem;
        border-radius: var(--ah-radius-sm);
        cursor: pointer;
      }
      .option:hover {
        background: var(--ah-surface-2);
      }
      .option:has(input:checked) {
        background: var(--ah-accent-soft);
      }
      .option:has(input:focus-visible) {
        outline: 2px solid var(--ah-focus);
        outline-offset: 1px;
      }
      .option input {
        margin: 0;
      }
      .label {
        font-size: 0.875rem;
        font-weight: 550;
      }
      .option small {
        grid-column: 3;
        font-size: 0.78rem;
        color: var(--ah-text-muted);
      }
      .note,
      .error {
        margin: 0.25rem 0.5rem 0.35rem;
        font-size: 0.8125rem;
      }
      .note {
        color: var(--ah-text-muted);
      }
      .error {
        color: var(--ah-danger);
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  /** This tab has seen the agent online: a later Away they did not choose came from inactivity. */
  @state() private sawOnline = false;

  private readonly popup = new PopupController(this);
  private readonly roster = new PresenceRoster(this, {
    socket: () => this.socket,
    onState: (_s, first) => {
      if (first) this.sawOnline = false;
      if (this.own?.status === 'online') this.sawOnline = true;
    },
  });

  private get own() {
    return this.roster.client?.of(this.me?.id) ?? null;
  }

  /** Away without having chosen it, after having been online here: the server's auto-away. */
  private get idle(): boolean {
    const s = this.roster.state;
    return this.own?.status === 'away' && s?.chosen !== 'away' && (s?.chosen === 'online' || this.sawOnline);
  }

  private async choose(status: ChosenStatus): Promise<void> {
    const client = this.roster.client;
    if (!client) return;
    if (await client.set(status)) this.popup.close();
  }

  private renderPanel(s: PresenceState, shown: AgentStatus | null) {
    if (s.phase === 'unsupported') return html`<p class="note">${UNSUPPORTED_TEXT}</p>`;
    const offline = !this.socket?.connected;
    return html`
      <fieldset ?disabled=${offline || s.setting !== null}>
        <legend class="sr-only">Your availability</legend>
        ${CHOICES.map(
          (c) => html`<label class="option">
            <input
              type="radio"
              name="presence"
              value=${c.status}
              .checked=${live((s.setting ?? shown) === c.status)}
              @change=${() => void this.choose(c.status)}
            />
            <span class="presence-dot ${c.status}" aria-hidden="true"></span>
            <span class="label">${STATUS_TEXT[c.status]}</span>
            <small>${c.hint}</small>
          </label>`,
        )}
      </fieldset>
      ${this.idle
        ? html`<p class="note">${IDLE_HINT}</p>`
        : nothing}
      ${offline ? html`<p class="note">You are offline; your status can be changed once the connection is back.</p>` : nothing}
      ${s.error ? html`<p class="error" role="alert">${s.error}</p>` : nothing}
    `;
  }

  override render() {
    const s = this.roster.state;
    if (!s || !this.me) return nothing;
    const shown: AgentStatus | null = s.phase === 'unsupported' ? null : (this.own?.status ?? null);
    const label = shown ? STATUS_TEXT[shown] : s.phase === 'unsupported' ? 'Availability' : 'Availability…';
    return html`
      <div @keydown=${this.popup.onKeydown}>
        <button
          class="btn btn-small toggle"
          type="button"
          aria-expanded=${this.popup.open ? 'true' : 'false'}
          aria-controls="presence-panel"
          title=${this.idle ? IDLE_HINT : ''}
          @click=${this.popup.toggle}
        >
          ${shown ? html`<span class="presence-dot ${shown}" aria-hidden="true"></span>` : nothing}
          <span class="sr-only">Your availability: </span>${label}${this.idle ? html`<span class="idle"> · idle</span>` : nothing}
        </button>
        <div class="panel" id="presence-panel" role="group" aria-label="Your availability" ?hidden=${!this.popup.open}>${this.renderPanel(s, shown)}</div>
      </div>
    `;
  }
}

if (!customElements.get('presence-menu')) customElements.define('presence-menu', PresenceMenu);

declare global {
  interface HTMLElementTagNameMap {
    'presence-menu': PresenceMenu;
  }
}
