import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { MAX_TRANSFER_NOTE_LENGTH } from '../../../shared/limits.js';
import type { PresenceDTO, TeamDTO } from '../../../shared/workspace.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { errorText } from '../../lib/format.js';
import { isUnknownEvent } from '../../lib/unknown-event.js';
import { ModalController } from '../../controllers/modal.js';
import { dialogStyles } from '../../styles/dialog.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { hasRoom, UNSUPPORTED_TEXT } from '../presence/presence-client.js';
import { PresenceRoster } from '../presence/presence-roster.js';
import { presenceDotStyles } from '../presence/presence-styles.js';

export interface TransferSubmitDetail {
  /** Exactly one of agentId and teamId. */
  agentId?: string;
  teamId?: string;
  /** Empty: no note. */
  note: string;
}

export const TRANSFER_UNSUPPORTED_TEXT = 'Transfers are not available on this server yet.';

/** The text for a refused `conversation:transfer`. */
export function transferErrorText(error: ErrorBody): string {
  if (isUnknownEvent(error) || (error.code === 'NOT_FOUND' && /unknown/i.test(error.message))) return TRANSFER_UNSUPPORTED_TEXT;
  if (error.code === 'CONFLICT') return `The chat could not be transferred: ${error.message}`;
  if (error.code === 'FORBIDDEN') return `You cannot transfer this chat: ${error.message}`;
  return errorText(error);
}

type Teams = { state: 'loading' } | { state: 'ready'; teams: TeamDTO[] } | { state: 'unsupported' } | { state: 'error'; message: string };

/**
 * "Transfer": hands the open chat to another online agent (each shown with how many chats they have
 * of how many they take; full ones cannot be picked) or to a team's queue, with an optional internal
 * note for whoever takes over. Agents' load is live (presence); teams are asked when it opens. The
 * parent sends `conversation:transfer` and hands back `busy` and `error`; it closes it through `open`.
 *
 * @fires transfer-submit - `{agentId | teamId, note}`.
 * @fires transfer-cancel - the agent closed the dialog without transferring.
 */
export class TransferDialog extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    presenceDotStyles,
    dialogStyles,
    css`
      dialog {
        max-height: calc(100dvh - 2rem);
      }
      fieldset {
        display: grid;
        gap: 0.2rem;
        margin: 0;
        padding: 0;
        border: 0;
      }
      legend {
        padding: 0;
        margin-bottom: 0.3rem;
        font-size: 0.875rem;
        font-weight: 600;
      }
      .choices {
        display: grid;
        gap: 0.15rem;
        max-height: 13rem;
        overflow-y: auto;
      }
      .choice {
        display: grid;
        grid-template-columns: auto auto 1fr auto;
        align-items: center;
        gap: 0.55rem;
        padding: 0.4rem 0.55rem;
        border-radius: var(--ah-radius-sm);
        border: 1px solid transparent;
        font-size: 0.875rem;
        cursor: pointer;
      }
      .choice.team {
        grid-template-columns: auto 1fr;
      }
      .choice:hover {
        background: var(--ah-surface-2);
      }
      .choice:has(input:checked) {
        background: var(--ah-accent-soft);
        border-color: color-mix(in srgb, var(--ah-accent) 40%, transparent);
      }
      .choice:has(input:disabled) {
        cursor: not-allowed;
        color: var(--ah-text-muted);
      }
      .choice input {
        margin: 0;
      }
      .load {
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
        font-variant-numeric: tabular-nums;
      }
      .load.full {
        color: var(--ah-danger);
        font-weight: 600;
      }
      .empty {
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      label.note-label {
        font-size: 0.875rem;
        font-weight: 550;
      }
      .optional {
        font-weight: 400;
        color: var(--ah-text-muted);
      }
      .field {
        display: grid;
        gap: 0.3rem;
      }
      textarea {
        min-height: 4.5rem;
        resize: vertical;
        padding: 0.5rem 0.65rem;
        font-size: 0.9375rem;
      }
      .hint {
        margin: 0;
        font-size: 0.78rem;
        color: var(--ah-text-muted);
      }
      .buttons {
        margin-top: 0.2rem;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ type: Boolean }) busy = false;
  @property() error = '';
  @property({ attribute: false }) socket: AgentSocket | null = null;
  /** The signed-in agent, who is not offered as a target. */
  @property() myId = '';
  /** The chat's visitor, for the dialog's text. */
  @property() visitor = '';

  /** `agent:<id>` or `team:<id>`. */
  @state() private target = '';
  @state() private note = '';
  @state() private teams: Teams = { state: 'loading' };

  @query('textarea') private noteField?: HTMLTextAreaElement;

  /** Agents' load, live while the dialog is open. */
  private readonly roster = new PresenceRoster(this, { socket: () => (this.open ? this.socket : null) });
  private teamsSeq = 0;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') || changed.has('socket')) {
      // Bound now rather than just before rendering: the check below reads the roster.
      this.roster.sync();
      if (this.open && this.socket) void this.loadTeams(this.socket);
    }
    if (changed.has('open') && this.open) {
      this.target = '';
      this.note = '';
    }
    // A chosen agent who went away or filled up meanwhile is no longer a choice.
    if (this.target.startsWith('agent:') && !this.agents.some((a) => `agent:${a.agentId}` === this.target && hasRoom(a))) this.target = '';
  }

  private readonly modal = new ModalController(this, {
    focus: () => void this.updateComplete.then(() => (this.renderRoot.querySelector<HTMLInputElement>('input[name=target]:not(:disabled)') ?? this.noteField)?.focus()),
    cancel: () => this.cancel(),
  });

  /** Online agents other than me, those with room first. */
  private get agents(): PresenceDTO[] {
    return (this.roster.state?.everyone ?? []).filter((p) => p.status === 'online' && p.agentId !== this.myId).sort((a, b) => Number(hasRoom(b)) - Number(hasRoom(a)));
  }

  private async loadTeams(socket: AgentSocket): Promise<void> {
    const seq = ++this.teamsSeq;
    this.teams = { state: 'loading' };
    const res = await socket.command('teams:list', {});
    if (seq !== this.teamsSeq) return;
    if (res.ok) this.teams = { state: 'ready', teams: [...res.data].sort((a, b) => a.name.localeCompare(b.name)) };
    else if (isUnknownEvent(res.error) || res.error.code === 'NOT_FOUND') this.teams = { state: 'unsupported' };
    else this.teams = { state: 'error', message: `Could not load the teams: ${errorText(res.error)}` };
  }

  private cancel(): void {
    if (this.busy) return;
    this.dispatchEvent(new CustomEvent('transfer-cancel', { bubbles: true, composed: true }));
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.busy || !this.target) return;
    const [kind, id] = this.target.split(':') as ['agent' | 'team', string];
    const detail: TransferSubmitDetail = kind === 'agent' ? { agentId: id, note: this.note.trim() } : { teamId: id, note: this.note.trim() };
    this.dispatchEvent(new CustomEvent<TransferSubmitDetail>('transfer-submit', { detail, bubbles: true, composed: true }));
  }

  private renderAgents() {
    const s = this.roster.state;
    if (!s || (s.phase === 'loading' && !s.everyone.length)) {
      return html`<p class="empty">${s?.error ?? 'Loading who is online…'}</p>`;
    }
    if (s.phase === 'unsupported') return html`<p class="empty">${UNSUPPORTED_TEXT}</p>`;
    const agents = this.agents;
    if (!agents.length) return html`<p class="empty">No other agent is online right now.</p>`;
    return html`<div class="choices">
      ${agents.map((a) => {
        const full = !hasRoom(a);
        const value = `agent:${a.agentId}`;
        return html`<label class="choice">
          <input type="radio" name="target" value=${value} ?disabled=${full} .checked=${live(this.target === value)} @change=${() => (this.target = value)} />
          <span class="presence-dot online" aria-hidden="true"></span>
          <span>${a.name}</span>
          <span class="load ${full ? 'full' : ''}">${full ? `Full (${a.activeChats} of ${a.maxChats} chats)` : `${a.activeChats} of ${a.maxChats} chats`}</span>
        </label>`;
      })}
    </div>`;
  }

  private renderTeams() {
    const t = this.teams;
    switch (t.state) {
      case 'loading':
        return html`<p class="empty">Loading teams…</p>`;
      case 'unsupported':
        return html`<p class="empty">Teams are not available on this server yet.</p>`;
      case 'error':
        return html`<p class="empty">${t.message}</p>`;
      case 'ready':
        if (!t.teams.length) return html`<p class="empty">No teams yet. An admin can create them.</p>`;
        return html`<div class="choices">
          ${t.teams.map((team) => {
            const value = `team:${team.id}`;
            return html`<label class="choice team">
              <input type="radio" name="target" value=${value} .checked=${live(this.target === value)} @change=${() => (this.target = value)} />
              <span>${team.name}</span>
            </label>`;
          })}
        </div>`;
    }
  }

  override render() {
    const offline = !this.socket?.connected;
    return html`
      <dialog aria-labelledby="transfer-title" @cancel=${this.modal.onCancel}>
        <form class="dialog-body" @submit=${this.onSubmit}>
          <h2 id="transfer-title">Transfer this chat</h2>
          <p class="lead">
            Hand the chat${this.visitor ? html` with ${this.visitor}` : nothing} to a colleague, or back to a team's queue. The visitor
            sees who they talk to now.
          </p>
          <fieldset ?disabled=${this.busy}>
            <legend>To an agent who is online</legend>
            ${this.renderAgents()}
          </fieldset>
          <fieldset ?disabled=${this.busy}>
            <legend>Or to a team's queue</legend>
            ${this.renderTeams()}
          </fieldset>
          <div class="field">
            <label class="note-label" for="transfer-note">Note for whoever takes over <span class="optional">(optional)</span></label>
            <textarea
              id="transfer-note"
              maxlength=${MAX_TRANSFER_NOTE_LENGTH}
              aria-describedby="transfer-note-hint"
              ?disabled=${this.busy}
              .value=${live(this.note)}
              @input=${(e: Event) => (this.note = (e.target as HTMLTextAreaElement).value)}
            ></textarea>
            <p class="hint" id="transfer-note-hint">Kept as an internal note; the visitor never sees it.</p>
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          ${offline ? html`<p class="error" role="alert">You are offline. Wait until the connection is back.</p>` : nothing}
          <div class="buttons">
            <button class="btn" type="button" ?disabled=${this.busy} @click=${this.cancel}>Cancel</button>
            <button class="btn btn-primary" type="submit" ?disabled=${this.busy || !this.target || offline} aria-busy=${this.busy ? 'true' : 'false'}>
              ${this.busy ? 'Transferring…' : 'Transfer'}
            </button>
          </div>
        </form>
      </dialog>
    `;
  }
}

if (!customElements.get('transfer-dialog')) customElements.define('transfer-dialog', TransferDialog);

declare global {
  interface HTMLElementTagNameMap {
    'transfer-dialog': TransferDialog;
  }
  interface GlobalEventHandlersEventMap {
    'transfer-submit': CustomEvent<TransferSubmitDetail>;
    'transfer-cancel': CustomEvent;
  }
}
