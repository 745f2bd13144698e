import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { SEARCH_QUERY_MAX } from '../../../shared/schemas/canned.js';
import type { ConversationDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { errorText, formatRelative, STATUS_LABEL, visitorName } from '../../lib/format.js';
import { ticketHref } from '../../lib/route.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';

export interface SearchOpenDetail {
  conversation: ConversationDTO;
}

/** Typing pauses this long before a search goes out. */
const DEBOUNCE_MS = 250;
const LIST_ID = 'search-results';

/**
 * The header's search across chats and tickets: ticket number, visitor email (from its start),
 * name, subject, and the text of recent messages (the server bounds how far back text is searched).
 * Results appear as you type (a listbox under the field: ↑/↓ move, Enter opens, Escape closes).
 * A ticket opens in the ticket view (a link); a chat asks the shell to open it (`search-open`).
 *
 * @fires search-open - `{conversation}`: open this chat (not a ticket) in the live-chat view.
 */
export class WorkspaceSearch extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    css`
      :host {
        position: relative;
        display: block;
        flex: 0 1 16rem;
        min-width: 7rem;
      }
      input {
        width: 100%;
        padding: 0.4rem 0.7rem;
        font-size: 0.875rem;
      }
      .pop {
        position: absolute;
        top: calc(100% + 0.3rem);
        left: 0;
        z-index: 20;
        width: max(100%, 26rem);
        max-width: calc(100vw - 1.5rem);
        max-height: min(70vh, 30rem);
        overflow-y: auto;
        border: 1px solid var(--ah-border);
        border-radius: var(--ah-radius);
        background: var(--ah-surface);
        box-shadow: 0 12px 32px rgb(0 0 0 / 20%);
      }
      .state {
        margin: 0;
        padding: 0.7rem 0.9rem;
        font-size: 0.875rem;
        color: var(--ah-text-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0.3rem;
      }
      li {
        display: grid;
        gap: 0.1rem;
        padding: 0.45rem 0.6rem;
        border-radius: var(--ah-radius-sm);
        cursor: pointer;
        font-size: 0.875rem;
      }
      li[aria-selected='true'] {
        background: var(--ah-accent-soft);
      }
      .top {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        min-width: 0;
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .kind {
        margin-left: auto;
        flex-shrink: 0;
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .sub {
        color: var(--ah-text-muted);
        font-size: 0.8125rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .label {
        display: inline-block;
        margin-right: 0.25rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        background: var(--ah-accent-soft);
        color: var(--ah-accent);
        font-size: 0.6875rem;
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;

  @state() private q = '';
  @state() private results: ConversationDTO[] | null = null;
  @state() private searching = false;
  @state() private error = '';
  @state() private open = false;
  @state() private active = -1;
  @query('input') private input?: HTMLInputElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  /** Ctrl+K (keyboard-shortcuts): puts the cursor in the field with its text selected. */
  focusSearch(): void {
    this.input?.focus();
    this.input?.select();
    if (this.results) this.open = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private onInput(e: Event): void {
    this.q = (e.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    const q = this.q.trim();
    if (q.length < 2 && !/^#?\d$/.test(q)) {
      this.generation++;
      this.results = null;
      this.error = '';
      this.searching = false;
      this.open = false;
      return;
    }
    this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    const q = this.q.trim();
    const socket = this.socket;
    if (!q || !socket) return;
    const generation = ++this.generation;
    this.searching = true;
    this.open = true;
    const res = await socket.command('search', { q });
    if (generation !== this.generation) return;
    this.searching = false;
    this.active = -1;
    if (res.ok) {
      this.results = res.data;
      this.error = '';
    } else {
      this.results = null;
      this.error = errorText(res.error);
    }
  }

  private choose(c: ConversationDTO): void {
    this.open = false;
    if (c.ticket) {
      window.location.hash = ticketHref(c.id);
    } else {
      this.dispatchEvent(new CustomEvent<SearchOpenDetail>('search-open', { detail: { conversation: c }, bubbles: true, composed: true }));
    }
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.isComposing) return;
    const list = this.open ? (this.results ?? []) : [];
    if (e.key === 'Escape') {
      if (this.open) {
        e.preventDefault();
        e.stopPropagation();
        this.open = false;
      } else if (this.q) {
        e.preventDefault();
        this.q = '';
        this.results = null;
      }
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.open && this.results) {
        this.open = true;
        return;
      }
      if (!list.length) return;
      this.active = e.key === 'ArrowDown' ? (this.active + 1) % list.length : (this.active <= 0 ? list.length : this.active) - 1;
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = list[this.active] ?? (list.length === 1 ? list[0] : undefined);
      if (chosen) this.choose(chosen);
      else void this.run();
    }
  }

  private renderResult(c: ConversationDTO, i: number) {
    const t = c.ticket;
    const kind = t ? `Ticket #${t.number} · ${STATUS_LABEL[t.status]}` : c.status === 'queued' ? 'Chat · waiting' : c.status === 'active' ? `Chat · ${c.agent?.name ?? 'active'}` : 'Chat · ended';
    return html`<li
      id="result-${i}"
      role="option"
      aria-selected=${i === this.active ? 'true' : 'false'}
      @mousedown=${(e: MouseEvent) => e.preventDefault()}
      @click=${() => this.choose(c)}
    >
      <span class="top"><span class="name">${t?.subject || visitorName(c)}</span><span class="kind">${kind}</span></span>
      <span class="sub">
        ${c.labels.map((l) => html`<span class="label">${l}</span>`)}
        ${[t?.subject ? visitorName(c) : null, c.visitor.email, c.preview].filter(Boolean).join(' · ')}
      </span>
      <span class="sub">${formatRelative(c.lastActivityAt)}</span>
    </li>`;
  }

  private renderPop() {
    if (!this.open) return nothing;
    if (this.error) return html`<div class="pop"><p class="state" role="alert">${this.error}</p></div>`;
    if (this.searching && !this.results) return html`<div class="pop"><p class="state" role="status">Searching…</p></div>`;
    const results = this.results ?? [];
    if (!results.length) return html`<div class="pop"><p class="state" role="status">Nothing found for “${this.q.trim()}”.</p></div>`;
    return html`<div class="pop">
      <ul id=${LIST_ID} role="listbox" aria-label="Search results">
        ${results.map((c, i) => this.renderResult(c, i))}
      </ul>
    </div>`;
  }

  override render() {
    const expanded = this.open && !!this.results?.length;
    return html`
      <input
        type="search"
        role="combobox"
        aria-label="Search chats and tickets"
        title="Ticket number, email, name, subject or message text (Ctrl+K)"
        aria-autocomplete="list"
        aria-expanded=${expanded ? 'true' : 'false'}
        aria-controls=${ifDefined(expanded ? LIST_ID : undefined)}
        aria-activedescendant=${ifDefined(expanded && this.active >= 0 ? `result-${this.active}` : undefined)}
        placeholder="Search #, email, name, text"
        maxlength=${SEARCH_QUERY_MAX}
        autocomplete="off"
        .value=${this.q}
        @input=${this.onInput}
        @keydown=${this.onKeydown}
        @focus=${() => (this.open = !!this.results || !!this.error)}
        @blur=${() => (this.open = false)}
      />
      ${this.renderPop()}
    `;
  }
}

if (!customElements.get('workspace-search')) customElements.define('workspace-search', WorkspaceSearch);

declare global {
  interface HTMLElementTagNameMap {
    'workspace-search': WorkspaceSearch;
  }
  interface GlobalEventHandlersEventMap {
    'search-open': CustomEvent<SearchOpenDetail>;
  }
}
