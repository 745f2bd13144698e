import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { UpdateTicketInput } from '../../../shared/schemas/tickets.js';
import { DEFAULT_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from '../../../shared/tickets.js';
import type { AgentDTO, CategoryDTO, ConversationDTO, TicketChange, TicketPriority, TicketStatus } from '../../../shared/types.js';
import { PRIORITY_LABEL, STATUS_LABEL } from '../../lib/format.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';

export type TicketField = TicketChange['field'];
export type TicketPatch = Omit<UpdateTicketInput, 'conversationId'>;

export interface TicketChangeRequestDetail {
  field: TicketField;
  patch: TicketPatch;
}

/**
 * The ticket's status, priority, category and assignee as four pickers. A pick is only a request:
 * the parent sends `ticket:update`, and the pickers always show what the server last said (a refused
 * change snaps back, with the reason under the picker).
 *
 * @fires ticket-change-request - `{field, patch}` when the agent picks a new value.
 */
export class TicketProperties extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    css`
      :host {
        display: block;
      }
      h3 {
        margin: 0 0 0.6rem;
        font-size: 0.8125rem;
        font-weight: 650;
        letter-spacing: 0.02em;
        text-transform: uppercase;
        color: var(--ah-text-muted);
      }
      .fields {
        display: grid;
        gap: 0.75rem;
      }
      .field {
        display: grid;
        gap: 0.25rem;
      }
      label {
        font-size: 0.8125rem;
        font-weight: 600;
      }
      select {
        width: 100%;
        font-size: 0.875rem;
        padding: 0.45rem 0.6rem;
      }
      select:disabled {
        opacity: 0.7;
        cursor: not-allowed;
      }
      .saving {
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .error {
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-danger);
      }
      .me {
        justify-self: start;
        padding: 0;
        border: 0;
        background: none;
        color: var(--ah-accent);
        font-size: 0.8125rem;
        text-decoration: underline;
        text-underline-offset: 2px;
      }
      .readonly {
        margin: 0 0 0.6rem;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) conversation: ConversationDTO | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @property({ attribute: false }) categories: readonly CategoryDTO[] = DEFAULT_CATEGORIES;
  @property({ attribute: false }) agents: readonly AgentDTO[] = [];
  /** Fields whose change is in flight. */
  @property({ attribute: false }) saving: ReadonlySet<TicketField> = new Set();
  /** The server's refusal per field. */
  @property({ attribute: false }) errors: Partial<Record<TicketField, string>> = {};
  /** Set while changes cannot be sent (closed ticket, offline); says why. */
  @property() lockedReason = '';

  private request(field: TicketField, patch: TicketPatch): void {
    this.dispatchEvent(
      new CustomEvent<TicketChangeRequestDetail>('ticket-change-request', { detail: { field, patch }, bubbles: true, composed: true }),
    );
  }

  private value(e: Event): string {
    return (e.target as HTMLSelectElement).value;
  }

  private renderState(field: TicketField) {
    const error = this.errors[field];
    return html`
      ${this.saving.has(field) ? html`<span class="saving" role="status">Saving…</span>` : nothing}
      ${error ? html`<p class="error" role="alert" id="err-${field}">${error}</p>` : nothing}
    `;
  }

  override render() {
    const c = this.conversation;
    const t = c?.ticket;
    if (!c || !t) return nothing;
    const locked = !!this.lockedReason;
    const busy = (f: TicketField) => locked || this.saving.has(f);
    const described = (f: TicketField) => (this.errors[f] ? `err-${f}` : '');
    // A category or agent the lists do not hold (renamed, removed, not loaded yet) still shows.
    const categories = this.categories.some((x) => x.id === t.category) ? this.categories : [...this.categories, { id: t.category, label: t.category }];
    const agents = c.agent && !this.agents.some((a) => a.id === c.agent?.id) ? [...this.agents, { ...c.agent, email: '', role: 'agent' as const }] : this.agents;
    const mine = c.agent?.id === this.me?.id;
    // The server refuses to reassign a chat that is still live.
    const chatIsLive = c.status === 'active';
    return html`
      <h3 id="props-heading">Properties</h3>
      ${locked ? html`<p class="readonly">${this.lockedReason}</p>` : nothing}
      <div class="fields" role="group" aria-labelledby="props-heading">
        <div class="field">
          <label for="status">Status</label>
          <select
            id="status"
            ?disabled=${busy('status')}
            aria-describedby=${described('status')}
            @change=${(e: Event) => this.request('status', { status: this.value(e) as TicketStatus })}
          >
            ${TICKET_STATUSES.map((s) => html`<option value=${s} .selected=${live(s === t.status)}>${STATUS_LABEL[s]}</option>`)}
          </select>
          ${this.renderState('status')}
        </div>
        <div class="field">
          <label for="priority">Priority</label>
          <select
            id="priority"
            ?disabled=${busy('priority')}
            aria-describedby=${described('priority')}
            @change=${(e: Event) => this.request('priority', { priority: this.value(e) as TicketPriority })}
          >
            ${TICKET_PRIORITIES.map((p) => html`<option value=${p} .selected=${live(p === t.priority)}>${PRIORITY_LABEL[p]}</option>`)}
          </select>
          ${this.renderState('priority')}
        </div>
        <div class="field">
          <label for="category">Category</label>
          <select
            id="category"
            ?disabled=${busy('category')}
            aria-describedby=${described('category')}
            @change=${(e: Event) => this.request('category', { category: this.value(e) })}
          >
            ${categories.map((x) => html`<option value=${x.id} .selected=${live(x.id === t.category)}>${x.label}</option>`)}
          </select>
          ${this.renderState('category')}
        </div>
        <div class="field">
          <label for="assignee">Assignee</label>
          <select
            id="assignee"
            ?disabled=${busy('assignee') || chatIsLive}
            aria-describedby=${[described('assignee'), chatIsLive ? 'assignee-live' : ''].filter(Boolean).join(' ')}
            @change=${(e: Event) => this.request('assignee', { assigneeId: this.value(e) || null })}
          >
            <option value="" .selected=${live(!c.agent)}>Unassigned</option>
            ${agents.map(
              (a) => html`<option value=${a.id} .selected=${live(a.id === c.agent?.id)}>${a.id === this.me?.id ? `${a.name} (you)` : a.name}</option>`,
            )}
          </select>
          ${chatIsLive ? html`<span class="saving" id="assignee-live">The live chat is still on: reassign it once it has ended.</span>` : nothing}
          ${!mine && this.me && !locked && !chatIsLive
            ? html`<button class="me" type="button" ?disabled=${busy('assignee')} @click=${() => this.request('assignee', { assigneeId: this.me!.id })}>
                Assign to me
              </button>`
            : nothing}
          ${this.renderState('assignee')}
        </div>
      </div>
    `;
  }
}

if (!customElements.get('ticket-properties')) customElements.define('ticket-properties', TicketProperties);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-properties': TicketProperties;
  }
  interface GlobalEventHandlersEventMap {
    'ticket-change-request': CustomEvent<TicketChangeRequestDetail>;
  }
}
