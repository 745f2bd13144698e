import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { API } from '../../../shared/api.js';
import { CUSTOMER_OPEN_STATUSES, TICKET_LIST_FILTERS, type TicketListFilter } from '../../../shared/tickets.js';
import type { ConversationDTO } from '../../../shared/types.js';
import type { I18n, MessageKey } from '../i18n/index.js';
import { define, focusHeading } from '../lib/define.js';
import { describeError } from '../lib/errors.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { Watch } from '../lib/watch.js';
import { baseStyles } from '../portal.styles.js';
import './alert-settings.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'portal-open': CustomEvent<{ conversationId: string }>;
  }
  interface HTMLElementTagNameMap {
    'portal-ticket-list': TicketList;
  }
}

const FILTER_LABELS: Record<TicketListFilter, MessageKey> = { open: 'filterOpen', closed: 'filterClosed', all: 'filterAll' };
const EMPTY_LABELS: Record<TicketListFilter, MessageKey> = { open: 'noTicketsOpen', closed: 'noTicketsClosed', all: 'noTicketsAll' };

export function ticketPath(conversationId: string): string {
  return `${API.customerPage}${encodeURIComponent(conversationId)}`;
}

function matches(filter: TicketListFilter, c: ConversationDTO): boolean {
  if (!c.ticket) return false;
  if (filter === 'all') return true;
  const open = CUSTOMER_OPEN_STATUSES.includes(c.ticket.status);
  return filter === 'open' ? open : !open;
}

function byActivity(a: ConversationDTO, b: ConversationDTO): number {
  return Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
}

/**
 * "My tickets" of a logged-in user: filter tabs (open, closed, all), newest activity first. Fetched
 * again on every connect; `conversation:updated` broadcasts keep it current in between.
 *
 * @fires portal-open - The customer chose a ticket.
 */
export class TicketList extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      [role='tablist'] {
        display: flex;
        gap: 0.25rem;
        margin-bottom: 1rem;
        border-bottom: 1px solid var(--p-border);
      }
      [role='tab'] {
        min-height: 2.75rem;
        padding: 0.5rem 1rem;
        border: 0;
        border-bottom: 3px solid transparent;
        background: none;
        color: var(--p-muted);
        font-weight: 600;
      }
      [role='tab'][aria-selected='true'] {
        border-bottom-color: var(--p-accent);
        color: var(--p-text);
      }
      ul {
        display: grid;
        gap: 0.6rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      a.ticket {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.25rem 1rem;
        padding: 0.9rem 1rem;
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius);
        background: var(--p-surface);
        color: inherit;
        text-decoration: none;
      }
      a.ticket:hover {
        border-color: var(--p-accent);
      }
      .number {
        color: var(--p-muted);
        font-size: 0.875rem;
        font-variant-numeric: tabular-nums;
      }
      .subject {
        grid-column: 1 / -1;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .preview {
        grid-column: 1 / -1;
        color: var(--p-muted);
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      .activity {
        grid-column: 1 / -1;
        color: var(--p-muted);
        font-size: 0.875rem;
      }
      .badge {
        justify-self: end;
      }
    `,
  ];

  @property({ attribute: false }) i18n!: I18n;
  @property({ attribute: false }) connection: PortalConnection | null = null;

  @state() private filter: TicketListFilter = 'open';
  @state() private tickets: ConversationDTO[] | null = null;
  @state() private error = '';
  private asked = 0;

  constructor() {
    super();
    new Watch<PortalConnection>(
      this,
      () => this.connection,
      (c, notify) => {
        const offs = [c.onChange(notify), c.onConnected(() => void this.load()), c.onConversation((conv) => this.onUpdated(conv))];
        if (c.state === 'online') void this.load();
        return () => offs.forEach((off) => off());
      },
    );
  }

  focusHeading(): Promise<void> {
    return focusHeading(this);
  }

  protected override render() {
    const tabId = (f: TicketListFilter) => `tab-${f}`;
    return html`
      <h1 tabindex="-1">${this.i18n.t('myTickets')}</h1>
      ${this.connection?.session.kind === 'user' ? html`<portal-alert-settings .i18n=${this.i18n} .connection=${this.connection}></portal-alert-settings>` : nothing}
      <div role="tablist" aria-label=${this.i18n.t('ticketFilters')} @keydown=${this.onTabKey}>
        ${TICKET_LIST_FILTERS.map(
          (f) =>
            html`<button
              role="tab"
              id=${tabId(f)}
              type="button"
              aria-selected=${f === this.filter ? 'true' : 'false'}
              aria-controls="panel"
              tabindex=${f === this.filter ? 0 : -1}
              @click=${() => this.choose(f)}
            >
              ${this.i18n.t(FILTER_LABELS[f])}
            </button>`,
        )}
      </div>
      <div role="tabpanel" id="panel" aria-labelledby=${tabId(this.filter)} aria-busy=${this.tickets === null ? 'true' : 'false'}>
        <p class="error" role="alert">${this.error}</p>
        ${this.renderTickets()}
      </div>
    `;
  }

  private renderTickets() {
    if (this.tickets === null) return this.error ? nothing : html`<p role="status">${this.i18n.t('loading')}</p>`;
    if (this.tickets.length === 0) return html`<p>${this.i18n.t(EMPTY_LABELS[this.filter])}</p>`;
    return html`<ul>
      ${this.tickets.map((c) => {
        const t = c.ticket!;
        return html`<li>
          <a class="ticket" href=${ticketPath(c.id)} @click=${(e: MouseEvent) => this.open(e, c.id)}>
            <span class="number">${this.i18n.t('ticketNumber', { number: t.number })}</span>
            <span class="badge ${t.status}"><span class="sr-only">${this.i18n.t('statusLabel')}: </span>${this.i18n.status(t.status)}</span>
            <span class="subject">${t.subject || this.i18n.t('noSubject')}</span>
            ${c.preview && !t.subject.startsWith(c.preview.replace(/…$/, '')) ? html`<span class="preview">${c.preview}</span>` : nothing}
            <span class="activity">${this.i18n.t('lastActivity', { date: this.i18n.date(c.lastActivityAt) })}</span>
          </a>
        </li>`;
      })}
    </ul>`;
  }

  private choose(filter: TicketListFilter): void {
    if (filter === this.filter) return;
    this.filter = filter;
    this.tickets = null;
    void this.load();
  }

  /** Arrow keys move between tabs and choose (automatic activation). */
  private onTabKey(e: KeyboardEvent): void {
    const i = TICKET_LIST_FILTERS.indexOf(this.filter);
    const n = TICKET_LIST_FILTERS.length;
    const next = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.choose(TICKET_LIST_FILTERS[next]!);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${this.filter}`)?.focus());
  }

  private open(e: MouseEvent, conversationId: string): void {
    // Let the browser open a new tab or window as asked.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('portal-open', { detail: { conversationId }, bubbles: true, composed: true }));
  }

  private async load(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const asked = ++this.asked;
    const filter = this.filter;
    const res = await connection.request('tickets:list', { filter });
    if (asked !== this.asked) return;
    if (res.ok) {
      this.error = '';
      this.tickets = res.data.filter((c) => matches(filter, c)).sort(byActivity);
    } else if (this.tickets === null) {
      this.error = `${this.i18n.t('listFailed')} ${describeError(res.error, this.i18n)}`;
    }
  }

  private onUpdated(conversation: ConversationDTO): void {
    if (!this.tickets) return;
    const rest = this.tickets.filter((c) => c.id !== conversation.id);
    this.tickets = (matches(this.filter, conversation) ? [...rest, conversation] : rest).sort(byActivity);
  }
}

define('portal-ticket-list', TicketList);
