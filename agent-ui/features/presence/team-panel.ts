import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AgentDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { baseStyles } from '../../styles/shared.js';
import { UNSUPPORTED_TEXT, type PresenceState } from './presence-client.js';
import { PresenceRoster } from './presence-roster.js';
import { presenceDotStyles, STATUS_TEXT } from './presence-styles.js';

const OPEN_KEY = 'agent-ui:team-panel-open';

/**
 * "Team": a collapsible list of every agent with their status and how many chats they have of how
 * many they take, live from `presence:changed`. Whether it is open is remembered in this browser.
 */
export class TeamPanel extends LitElement {
  static override styles = [
    baseStyles,
    presenceDotStyles,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--ah-border);
        background: var(--ah-surface);
      }
      summary {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.6rem 1rem;
        font-size: 0.8125rem;
        font-weight: 650;
        cursor: pointer;
        list-style: none;
      }
      summary::-webkit-details-marker {
        display: none;
      }
      summary::before {
        content: '▸';
        color: var(--ah-text-muted);
        transition: transform 120ms ease;
      }
      details[open] summary::before {
        transform: rotate(90deg);
      }
      .count {
        font-weight: 400;
        color: var(--ah-text-muted);
      }
      ul {
        margin: 0;
        padding: 0 0.5rem 0.6rem;
        list-style: none;
        max-height: 14rem;
        overflow-y: auto;
      }
      li {
        display: grid;
        grid-template-columns: auto 1fr auto;
        align-items: center;
        gap: 0 0.55rem;
        padding: 0.3rem 0.5rem;
        font-size: 0.8125rem;
        border-radius: var(--ah-radius-sm);
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .you {
        color: var(--ah-text-muted);
      }
      .load {
        color: var(--ah-text-muted);
        font-variant-numeric: tabular-nums;
      }
      .load.full {
        color: var(--ah-danger);
        font-weight: 600;
      }
      li.offline .name {
        color: var(--ah-text-muted);
      }
      .note {
        margin: 0;
        padding: 0 1rem 0.7rem;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      .note.error {
        color: var(--ah-danger);
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @state() private expanded = readOpen();

  private readonly roster = new PresenceRoster(this, { socket: () => this.socket });

  private onToggle(e: Event): void {
    this.expanded = (e.target as HTMLDetailsElement).open;
    rememberOpen(this.expanded);
  }

  private renderList(s: PresenceState) {
    if (s.phase === 'unsupported') return html`<p class="note">${UNSUPPORTED_TEXT}</p>`;
    if (s.phase === 'loading' && !s.everyone.length) {
      return s.error ? html`<p class="note error">${s.error}</p>` : html`<p class="note">Loading…</p>`;
    }
    return html`<ul aria-label="Agents">
      ${s.everyone.map((p) => {
        const full = p.status !== 'offline' && p.activeChats >= p.maxChats;
        return html`<li class=${p.status}>
          <span class="presence-dot ${p.status}" aria-hidden="true"></span>
          <span class="name">${p.name}${p.agentId === this.me?.id ? html`<span class="you"> (you)</span>` : nothing}<span class="sr-only"
              >, ${STATUS_TEXT[p.status]}</span
            ></span>
          <span class="load ${full ? 'full' : ''}" title="${p.activeChats} of ${p.maxChats} chats${full ? ', full' : ''}"
            ><span aria-hidden="true">${p.activeChats}/${p.maxChats}</span
            ><span class="sr-only">${p.activeChats} of ${p.maxChats} chats${full ? ', full' : ''}</span></span
          >
        </li>`;
      })}
    </ul>`;
  }

  override render() {
    const s = this.roster.state;
    if (!s) return nothing;
    const online = s.everyone.filter((p) => p.status === 'online').length;
    return html`<details ?open=${this.expanded} @toggle=${this.onToggle}>
      <summary>Team ${s.phase === 'ready' ? html`<span class="count">· ${online} online</span>` : nothing}</summary>
      ${this.renderList(s)}
    </details>`;
  }
}

/** Storage may be off (private modes): the panel then starts closed next time. */
function rememberOpen(open: boolean): boolean {
  try {
    localStorage.setItem(OPEN_KEY, open ? '1' : '0');
    return true;
  } catch {
    return false;
  }
}

function readOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) === '1';
  } catch {
    return false;
  }
}

if (!customElements.get('team-panel')) customElements.define('team-panel', TeamPanel);

declare global {
  interface HTMLElementTagNameMap {
    'team-panel': TeamPanel;
  }
}
