import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { DEFAULT_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from '../../../shared/tickets.js';
import type { AgentDTO, CategoryDTO, ConversationDTO, TicketPriority, TicketStatus } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { errorBar } from '../../lib/error-bar.js';
import { categoryLabel, errorText, formatFullTime, formatRelative, PRIORITY_LABEL, STATUS_LABEL } from '../../lib/format.js';
import { ticketHref } from '../../lib/route.js';
import { readMarkers, ReadMarkersWatcher, unreadBadge, unreadBadgeStyles } from '../unread/read-markers.js';
import { baseStyles, fieldStyles, viewStyles } from '../../styles/shared.js';
import { ticketBadgeStyles } from '../../styles/tickets.js';
import {
  appendPage,
  applyTicketUpdate,
  byActivity,
  hasFilters,
  newTicketListMemory,
  NO_FILTERS,
  PAGE_SIZE,
  toListInput,
  type TicketFilters,
  type TicketListMemory,
} from './ticket-rows.js';

/** Typing in the search box waits this long for the next key before asking the server. */
const SEARCH_DELAY_MS = 300;
/** "5 minutes ago" is redrawn this often. */
const CLOCK_MS = 30_000;
/** The most rows one `tickets:list` may return; a reload asks for what was on screen, up to this. */
const MAX_PAGE = 100;

/**
 * The ticket list: filters, search, newest activity first, "Load more". It asks `tickets:list`
 * itself (which also subscribes this socket to ticket changes) whenever it is put on the page and
 * after every reconnect, and keeps the rows live from `conversation:updated`. What it shows is
 * kept in `memory`, so it comes back as it was after a ticket or the chats were open.
 *
 * Each row links to `#/tickets/<conversationId>`, so rows open with Enter, a click, or in a new tab.
 */
export class TicketsPanel extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    viewStyles,
    ticketBadgeStyles,
    unreadBadgeStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--ah-bg);
      }
      .top {
        display: grid;
        gap: 0.75rem;
        padding: 0.9rem 1.25rem 0.8rem;
        background: var(--ah-surface);
        border-bottom: 1px solid var(--ah-border);
      }
      .head {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        flex-wrap: wrap;
      }
      .count {
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      form[role='search'] {
        margin-left: auto;
        flex: 1 1 16rem;
        max-width: 26rem;
      }
      input[type='search'],
      select {
        font-size: 0.875rem;
        padding: 0.4rem 0.6rem;
      }
      input[type='search'] {
        width: 100%;
      }
      .filters {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem 0.75rem;
      }
      .filters label {
        display: grid;
        gap: 0.2rem;
        font-size: 0.75rem;
        font-weight: 600;
        color: var(--ah-text-muted);
      }
      .filters select {
        min-width: 8rem;
        max-width: 14rem;
      }
      .filters .toggle {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        min-height: 2.1rem;
        padding: 0 0.7rem;
        border-radius: 999px;
        border: 1px solid var(--ah-border);
        background: var(--ah-surface-2);
        font-size: 0.8125rem;
        color: var(--ah-text);
        cursor: pointer;
      }
      .filters .toggle:has(input:checked) {
        background: var(--ah-accent-soft);
        border-color: var(--ah-accent);
      }
      .filters .toggle input {
        margin: 0;
        accent-color: var(--ah-accent);
      }
      .scroll {
        flex: 1;
        min-height: 0;
        overflow: auto;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.875rem;
      }
      th {
        position: sticky;
        top: 0;
        z-index: 1;
        padding: 0.5rem 0.75rem;
        background: var(--ah-surface-2);
        border-bottom: 1px solid var(--ah-border);
        text-align: left;
        font-size: 0.75rem;
        font-weight: 650;
        letter-spacing: 0.02em;
        text-transform: uppercase;
        color: var(--ah-text-muted);
        white-space: nowrap;
      }
      td {
        padding: 0.6rem 0.75rem;
        border-bottom: 1px solid var(--ah-border);
        vertical-align: top;
      }
      tbody tr {
        cursor: pointer;
        background: var(--ah-surface);
      }
      tbody tr:hover {
        background: var(--ah-surface-2);
      }
      tbody tr.selected {
        background: var(--ah-accent-soft);
      }
      tbody tr:focus-within {
        outline: 2px solid var(--ah-focus);
        outline-offset: -2px;
      }
      .num {
        font-variant-numeric: tabular-nums;
        color: var(--ah-text-muted);
        white-space: nowrap;
      }
      .subject a {
        color: var(--ah-text);
        font-weight: 600;
        text-decoration: none;
        overflow-wrap: anywhere;
      }
      .subject a:hover {
        text-decoration: underline;
      }
      .subject a:focus-visible {
        outline: none;
      }
      .preview {
        display: block;
        margin-top: 0.15rem;
        max-width: 32rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--ah-text-muted);
        font-size: 0.8125rem;
      }
      .requester {
        max-width: 14rem;
      }
      .requester span {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .muted {
        color: var(--ah-text-muted);
        font-size: 0.8125rem;
      }
      .when {
        white-space: nowrap;
        color: var(--ah-text-muted);
      }
      .state {
        margin: 2.5rem auto;
        max-width: 26rem;
        text-align: center;
        color: var(--ah-text-muted);
      }
      .more {
        display: grid;
        justify-items: center;
        gap: 0.4rem;
        padding: 1rem;
      }
      .more p {
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-danger);
      }
      @media (max-width: 900px) {
        .col-category,
        .col-assignee,
        .col-priority {
          display: none;
        }
      }
      @media (max-width: 600px) {
        .col-requester,
        .col-num {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @property({ attribute: false }) categories: readonly CategoryDTO[] = DEFAULT_CATEGORIES;
  @property({ attribute: false }) agents: readonly AgentDTO[] = [];
  /** Owned by the app; this element reads it when put on the page and keeps it up to date. */
  @property({ attribute: false }) memory: TicketListMemory = newTicketListMemory();
  /** The ticket last opened: highlighted, and focused once the rows are there. */
  @property({ attribute: false }) selectedId: string | null = null;

  @state() private filters: TicketFilters = NO_FILTERS;
  private readonly reads = new ReadMarkersWatcher(this);
  @state() private search = '';
  @state() private rows: ConversationDTO[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loading: 'idle' | 'list' | 'more' = 'idle';
  @state() private loaded = false;
  @state() private error: ErrorBody | null = null;
  @state() private moreError: string | null = null;
  @state() private now = Date.now();

  @query('.scroll') private scroller?: HTMLElement;

  private generation = 0;
  /** Restore the scroll position and focus once, after the remembered rows are drawn. */
  private restorePending = true;
  /** Broadcasts that arrive while a list is in flight, replayed over its (possibly older) answer. */
  private updatesDuringList: ConversationDTO[] | null = null;
  private off: Array<() => void> = [];
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.restore();
    this.bind();
    this.now = Date.now();
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_MS);
    void this.load(this.loaded);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unbind();
    clearTimeout(this.searchTimer);
    clearInterval(this.clock);
    this.clock = undefined;
    // A list still in flight must not land in a later element's rows.
    this.generation++;
    this.updatesDuringList = null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('memory') && changed.get('memory') !== undefined) {
      this.restore();
      void this.load(this.loaded);
    }
    if (changed.has('socket') && changed.get('socket') !== undefined) {
      this.unbind();
      this.bind();
      void this.load(this.loaded);
    }
  }

  override updated(): void {
    const m = this.memory;
    Object.assign(m, { filters: this.filters, search: this.search, rows: this.rows, nextCursor: this.nextCursor, loaded: this.loaded });
    if (this.restorePending && this.loaded && this.scroller) {
      this.restorePending = false;
      this.scroller.scrollTop = m.scrollTop;
      if (this.selectedId) this.focusRow(this.selectedId);
    }
  }

  private restore(): void {
    const m = this.memory;
    this.filters = m.filters;
    this.search = m.search;
    this.rows = m.rows;
    this.nextCursor = m.nextCursor;
    this.loaded = m.loaded;
    this.restorePending = true;
  }

  private onScroll(): void {
    if (this.scroller) this.memory.scrollTop = this.scroller.scrollTop;
  }

  /** Applies a conversation the app got from an ack (e.g. a ticket update) before its broadcast. */
  receive(c: ConversationDTO): void {
    this.updatesDuringList?.push(c);
    if (!this.loaded || !this.me) return;
    this.rows = applyTicketUpdate(this.rows, c, this.filters, this.me.id, this.nextCursor === null);
  }

  /** Focuses a row's link, e.g. the ticket the agent just came back from. */
  focusRow(conversationId: string): void {
    const link = [...this.renderRoot.querySelectorAll<HTMLAnchorElement>('tbody a')].find((a) => a.getAttribute('href') === ticketHref(conversationId));
    link?.focus();
  }

  private bind(): void {
    const socket = this.socket;
    if (!this.isConnected || !socket || this.off.length) return;
    this.off = [
      socket.on('conversation:updated', (c) => this.receive(c)),
      // The server forgets who listens to ticket changes with the connection: list again.
      socket.onConnect(() => void this.load(this.loaded)),
    ];
  }

  private unbind(): void {
    for (const off of this.off) off();
    this.off = [];
  }

  /** The first page for the current filters; `keep` asks for as many rows as are on screen. */
  private async load(keep: boolean): Promise<void> {
    const socket = this.socket;
    const me = this.me;
    if (!socket || !me || !this.isConnected || !socket.connected) return;
    const generation = ++this.generation;
    this.loading = 'list';
    this.moreError = null;
    this.updatesDuringList = [];
    const limit = keep ? Math.min(MAX_PAGE, Math.max(PAGE_SIZE, this.rows.length)) : PAGE_SIZE;
    const res = await socket.command('tickets:list', toListInput(this.filters, null, limit));
    if (generation !== this.generation || socket !== this.socket) return;
    const replay = this.updatesDuringList ?? [];
    this.updatesDuringList = null;
    this.loading = 'idle';
    if (!res.ok) {
      this.error = res.error;
      return;
    }
    this.error = null;
    this.nextCursor = res.data.nextCursor;
    let rows = [...res.data.tickets].sort(byActivity);
    for (const c of replay) rows = applyTicketUpdate(rows, c, this.filters, me.id, this.nextCursor === null);
    this.rows = rows;
    this.loaded = true;
  }

  private async loadMore(): Promise<void> {
    const socket = this.socket;
    const cursor = this.nextCursor;
    if (!socket || !cursor || this.loading !== 'idle') return;
    const generation = this.generation;
    this.loading = 'more';
    this.moreError = null;
    const res = await socket.command('tickets:list', toListInput(this.filters, cursor));
    if (generation !== this.generation || socket !== this.socket) return;
    this.loading = 'idle';
    if (!res.ok) {
      this.moreError = errorText(res.error);
      return;
    }
    this.rows = appendPage(this.rows, res.data.tickets);
    this.nextCursor = res.data.nextCursor;
  }

  private setFilters(patch: Partial<TicketFilters>): void {
    this.filters = { ...this.filters, ...patch };
    this.memory.scrollTop = 0;
    if (this.scroller) this.scroller.scrollTop = 0;
    void this.load(false);
  }

  private onSearchInput(e: Event): void {
    this.search = (e.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.applySearch(), SEARCH_DELAY_MS);
  }

  private applySearch(): void {
    clearTimeout(this.searchTimer);
    if (this.search.trim() !== this.filters.q.trim()) this.setFilters({ q: this.search });
  }

  private clearFilters(): void {
    clearTimeout(this.searchTimer);
    this.search = '';
    this.setFilters(NO_FILTERS);
  }

  /** A click anywhere on a row opens it, as its link would; selecting text in it does not. */
  private onRowClick(e: MouseEvent): void {
    const row = (e.target as Element).closest('tr');
    if (!row || (e.target as Element).closest('a')) return;
    if (window.getSelection()?.toString()) return;
    row.querySelector('a')?.click();
  }

  private selectValue(e: Event): string {
    return (e.target as HTMLSelectElement).value;
  }

  private renderFilters() {
    const f = this.filters;
    const agents = this.agents;
    return html`
      <div class="filters">
        <label
          >Status
          <select @change=${(e: Event) => this.setFilters({ status: this.selectValue(e) as TicketStatus | '' })}>
            <option value="" .selected=${live(!f.status)}>Any status</option>
            ${TICKET_STATUSES.map((s) => html`<option value=${s} .selected=${live(f.status === s)}>${STATUS_LABEL[s]}</option>`)}
          </select>
        </label>
        <label
          >Priority
          <select @change=${(e: Event) => this.setFilters({ priority: this.selectValue(e) as TicketPriority | '' })}>
            <option value="" .selected=${live(!f.priority)}>Any priority</option>
            ${TICKET_PRIORITIES.map((p) => html`<option value=${p} .selected=${live(f.priority === p)}>${PRIORITY_LABEL[p]}</option>`)}
          </select>
        </label>
        <label
          >Category
          <select @change=${(e: Event) => this.setFilters({ category: this.selectValue(e) })}>
            <option value="" .selected=${live(!f.category)}>Any category</option>
            ${this.categories.map((c) => html`<option value=${c.id} .selected=${live(f.category === c.id)}>${c.label}</option>`)}
          </select>
        </label>
        <label
          >Assignee
          <select
            ?disabled=${f.mine}
            title=${f.mine ? 'Showing your tickets: turn off "Mine" to pick an assignee' : ''}
            @change=${(e: Event) => this.setFilters({ assigneeId: this.selectValue(e) })}
          >
            <option value="" .selected=${live(f.mine || !f.assigneeId)}>Anyone</option>
            <option value="none" .selected=${live(!f.mine && f.assigneeId === 'none')}>Unassigned</option>
            ${agents.map((a) => html`<option value=${a.id} .selected=${live(!f.mine && f.assigneeId === a.id)}>${a.id === this.me?.id ? `${a.name} (you)` : a.name}</option>`)}
          </select>
        </label>
        <label class="toggle">
          <input type="checkbox" .checked=${live(f.mine)} @change=${(e: Event) => this.setFilters({ mine: (e.target as HTMLInputElement).checked })} />
          Mine
        </label>
        ${hasFilters(f) ? html`<button class="btn btn-small" type="button" @click=${this.clearFilters}>Clear filters</button>` : nothing}
      </div>
    `;
  }

  private renderRow(c: ConversationDTO) {
    const t = c.ticket;
    if (!t) return nothing;
    const name = t.requester.name?.trim() || c.visitor.name?.trim() || '';
    const email = t.requester.email ?? c.visitor.email ?? '';
    const assignee = c.agent ? (c.agent.id === this.me?.id ? 'You' : c.agent.name) : null;
    return html`
      <tr class=${this.selectedId === c.id ? 'selected' : ''} @click=${this.onRowClick}>
        <td class="num col-num">#${t.number}</td>
        <td class="subject">
          <a href=${ticketHref(c.id)} aria-current=${this.selectedId === c.id ? 'true' : 'false'}
            ><span class="sr-only">Ticket #${t.number}: </span>${t.subject || '(no subject)'}</a
          >
          ${unreadBadge(readMarkers.unread(c))}
          ${c.preview ? html`<span class="preview">${c.preview}</span>` : nothing}
        </td>
        <td class="requester col-requester">
          ${name ? html`<span>${name}</span>` : nothing}
          ${email ? html`<span class=${name ? 'muted' : ''}>${email}</span>` : nothing}
          ${!name && !email ? html`<span class="muted">Unknown</span>` : nothing}
        </td>
        <td><span class="badge ${t.status}">${STATUS_LABEL[t.status]}</span></td>
        <td class="col-priority"><span class="priority ${t.priority}">${PRIORITY_LABEL[t.priority]}</span></td>
        <td class="col-category">${categoryLabel(this.categories, t.category)}</td>
        <td class="col-assignee">${assignee ?? html`<span class="muted">Unassigned</span>`}</td>
        <td class="when"><time datetime=${c.lastActivityAt} title=${formatFullTime(c.lastActivityAt)}>${formatRelative(c.lastActivityAt, this.now)}</time></td>
      </tr>
    `;
  }

  private renderBody() {
    if (!this.loaded) {
      return this.loading === 'list' || !this.error ? html`<p class="state" role="status">Loading tickets…</p>` : nothing;
    }
    if (!this.rows.length) {
      return html`<p class="state" role="status">
        ${hasFilters(this.filters) ? 'No tickets match these filters.' : 'No tickets yet. Chats that become tickets and messages left offline show up here.'}
      </p>`;
    }
    return html`
      <table aria-busy=${this.loading === 'list' ? 'true' : 'false'}>
        <thead>
          <tr>
            <th scope="col" class="col-num">Ticket</th>
            <th scope="col">Subject</th>
            <th scope="col" class="col-requester">Requester</th>
            <th scope="col">Status</th>
            <th scope="col" class="col-priority">Priority</th>
            <th scope="col" class="col-category">Category</th>
            <th scope="col" class="col-assignee">Assignee</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          ${repeat(this.rows, (c) => c.id, (c) => this.renderRow(c))}
        </tbody>
      </table>
      ${this.nextCursor
        ? html`<div class="more">
            <button class="btn" type="button" ?disabled=${this.loading !== 'idle'} aria-busy=${this.loading === 'more' ? 'true' : 'false'} @click=${this.loadMore}>
              ${this.loading === 'more' ? 'Loading…' : 'Load more'}
            </button>
            ${this.moreError ? html`<p role="alert">${this.moreError}</p>` : nothing}
          </div>`
        : nothing}
    `;
  }

  override render() {
    const n = this.rows.length;
    return html`
      <div class="top">
        <div class="head">
          <h2 id="tickets-heading">Tickets</h2>
          <span class="count" role="status">
            ${this.loaded ? (this.nextCursor ? `${n} shown, newest activity first` : `${n} ${n === 1 ? 'ticket' : 'tickets'}`) : ''}
          </span>
          <form role="search" @submit=${(e: SubmitEvent) => (e.preventDefault(), this.applySearch())}>
            <input
              type="search"
              aria-label="Search tickets"
              placeholder="Search: ticket number, email or subject words"
              maxlength="200"
              .value=${live(this.search)}
              @input=${this.onSearchInput}
              @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.search && (e.preventDefault(), this.clearSearch())}
            />
          </form>
        </div>
        ${this.renderFilters()}
      </div>
      ${this.error ? errorBar(`Could not load tickets: ${errorText(this.error)}`, () => void this.load(true), this.loading === 'list') : nothing}
      <div class="scroll" aria-labelledby="tickets-heading" role="region" @scroll=${this.onScroll}>${this.renderBody()}</div>
    `;
  }

  private clearSearch(): void {
    this.search = '';
    this.applySearch();
  }
}

if (!customElements.get('tickets-panel')) customElements.define('tickets-panel', TicketsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'tickets-panel': TicketsPanel;
  }
}
