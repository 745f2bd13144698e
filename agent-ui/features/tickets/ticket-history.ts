import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../../../shared/tickets.js';
import type { AgentDTO, CategoryDTO, TicketChange, TicketPriority, TicketStatus } from '../../../shared/types.js';
import { categoryLabel, formatFullTime, formatMessageTime, PRIORITY_LABEL, STATUS_LABEL } from '../../lib/format.js';
import { baseStyles } from '../../styles/shared.js';

const FIELD_LABEL: Record<TicketChange['field'], string> = {
  status: 'status',
  priority: 'priority',
  category: 'category',
  assignee: 'assignee',
  subject: 'subject',
};

/**
 * The ticket's change log (`ticket.history`), newest first: who changed which field from what to
 * what, and when. Values are shown with the same labels as the pickers.
 */
export class TicketHistory extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ol {
        margin: 0;
        padding: 0;
        list-style: none;
        display: grid;
        gap: 0.6rem;
      }
      li {
        display: grid;
        gap: 0.1rem;
        padding-left: 0.7rem;
        border-left: 2px solid var(--ah-border);
        font-size: 0.8125rem;
        overflow-wrap: anywhere;
      }
      .who {
        font-weight: 600;
      }
      .value {
        font-weight: 600;
      }
      time {
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .empty {
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) history: readonly TicketChange[] = [];
  @property({ attribute: false }) categories: readonly CategoryDTO[] = [];
  @property({ attribute: false }) agents: readonly AgentDTO[] = [];
  @property({ attribute: false }) myId = '';

  /**
   * A recorded value as the agent knows it. The contract does not say whether an assignee is
   * recorded by id or by name, so an id is looked up and anything else shown as it is.
   */
  private display(field: TicketChange['field'], value: string | null): string {
    if (value === null || value === '') return field === 'assignee' ? 'Unassigned' : 'none';
    switch (field) {
      case 'status':
        return (TICKET_STATUSES as readonly string[]).includes(value) ? STATUS_LABEL[value as TicketStatus] : value;
      case 'priority':
        return (TICKET_PRIORITIES as readonly string[]).includes(value) ? PRIORITY_LABEL[value as TicketPriority] : value;
      case 'category':
        return categoryLabel(this.categories, value);
      case 'assignee':
        return this.agents.find((a) => a.id === value)?.name ?? value;
      case 'subject':
        return `“${value}”`;
    }
  }

  private who(change: TicketChange): string {
    if (change.by.type === 'agent' && change.by.id && change.by.id === this.myId) return 'You';
    if (change.by.name?.trim()) return change.by.name.trim();
    return change.by.type === 'visitor' ? 'The customer' : change.by.type === 'system' ? 'The system' : 'An agent';
  }

  override render() {
    if (!this.history.length) return html`<p class="empty">No changes yet.</p>`;
    const changes = [...this.history].reverse();
    return html`<ol>
      ${changes.map(
        (c) => html`<li>
          ${c.field === 'status' && c.from === null
            ? html`<span><span class="who">${this.who(c)}</span> opened the ticket as <span class="value">${this.display(c.field, c.to)}</span></span>`
            : html`<span
                ><span class="who">${this.who(c)}</span> changed the ${FIELD_LABEL[c.field]}
                ${c.from !== null ? html`from <span class="value">${this.display(c.field, c.from)}</span>` : nothing} to
                <span class="value">${this.display(c.field, c.to)}</span></span
              >`}
          <time datetime=${c.at} title=${formatFullTime(c.at)}>${formatMessageTime(c.at)}</time>
        </li>`,
      )}
    </ol>`;
  }
}

if (!customElements.get('ticket-history')) customElements.define('ticket-history', TicketHistory);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-history': TicketHistory;
  }
}
