import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { ConversationStream } from '../../../shared/conversation-stream.js';
import { DEFAULT_CATEGORIES, MAX_SUBJECT_LENGTH } from '../../../shared/tickets.js';
import type { AgentDTO, CategoryDTO, ConversationDTO, TicketDTO } from '../../../shared/types.js';
import '../conversation/visitor-fields.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import type { AttachmentClient } from '../../controllers/attachments.js';
import type { ConversationStreams } from '../../controllers/conversation-streams.js';
import { Drafts } from '../../controllers/drafts.js';
import type { NoteThread, NoteThreads } from '../../controllers/note-threads.js';
import { errorBar } from '../../lib/error-bar.js';
import { categoryLabel, errorText, formatFullTime, formatRelative, PRIORITY_LABEL, requesterLabel, STATUS_LABEL } from '../../lib/format.js';
import { routeHref, ticketHref } from '../../lib/route.js';
import { baseStyles, fieldStyles, viewStyles } from '../../styles/shared.js';
import { ticketBadgeStyles } from '../../styles/tickets.js';
import type { ConversationChangedDetail } from '../conversation/conversation-view.js';
import '../conversation/message-list.js';
import type { MessageRetryDetail } from '../conversation/message-list.js';
import '../conversation/reply-composer.js';
import type {
  AttachmentRemovedDetail,
  AttachmentsAddedDetail,
  ReplyInputDetail,
  ReplyModeDetail,
  ReplySendDetail,
} from '../conversation/reply-composer.js';
import { composeInput, composeMode, composeSend, type ComposeTarget } from '../conversation/compose.js';
import { TypingAnnouncer } from '../conversation/typing-announcer.js';
import { VisitorTyping, visitorTypingStyles } from '../conversation/visitor-typing.js';
import { CollisionWarning, collisionStyles } from '../collision/collision-warning.js';
import '../labels/conversation-labels.js';
import '../ratings/conversation-rating.js';
import { ReadTracker } from '../unread/read-markers.js';
import './ticket-history.js';
import './ticket-properties.js';
import type { TicketChangeRequestDetail, TicketField, TicketPatch } from './ticket-properties.js';

/**
 * One ticket: its number and (editable) subject, the whole conversation with the internal notes
 * slotted in by time, the properties (status, priority, category, assignee) and the change
 * history, and one composer that writes either a public reply (with files) or an internal note.
 * A closed ticket is read-only.
 *
 * Messages come from the conversation's `ConversationStream`, notes from its `NoteThread`; every
 * change goes through `ticket:update` and what is shown is always the server's answer.
 *
 * @fires conversation-changed - `{conversation}` from a `ticket:update` ack, before the broadcast arrives.
 */
export class TicketView extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    viewStyles,
    visitorTypingStyles,
    collisionStyles,
    ticketBadgeStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 18rem;
        min-height: 0;
        height: 100%;
        background: var(--ah-bg);
      }
      .main {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
      }
      header {
        display: grid;
        gap: 0.35rem;
        padding: 0.75rem 1.25rem 0.85rem;
      }
      .main > .back {
        align-self: center;
        margin-bottom: 2rem;
      }
      .back {
        justify-self: start;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
        text-underline-offset: 2px;
      }
      .title {
        display: flex;
        align-items: baseline;
        gap: 0.5rem;
        min-width: 0;
      }
      .num {
        flex-shrink: 0;
        font-size: 1.125rem;
        font-weight: 650;
        color: var(--ah-text-muted);
        font-variant-numeric: tabular-nums;
      }
      h2 {
        outline-offset: 4px;
      }
      .edit {
        flex-shrink: 0;
      }
      form.subject {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        flex: 1;
        min-width: 0;
      }
      form.subject input {
        flex: 1 1 16rem;
        min-width: 0;
        font-size: 1rem;
        font-weight: 600;
        padding: 0.35rem 0.55rem;
      }
      .subject-error {
        flex-basis: 100%;
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-danger);
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3rem 0.9rem;
        margin: 0;
        padding: 0;
        list-style: none;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      .facts a {
        color: inherit;
        text-underline-offset: 2px;
      }
      .live {
        color: var(--ah-success);
        font-weight: 600;
      }
      message-list {
        flex: 1;
      }
      aside {
        display: grid;
        align-content: start;
        gap: 1.25rem;
        min-height: 0;
        overflow-y: auto;
        padding: 1rem;
        border-left: 1px solid var(--ah-border);
        background: var(--ah-surface);
      }
      aside h3,
      summary {
        margin: 0 0 0.5rem;
        font-size: 0.8125rem;
        font-weight: 650;
        letter-spacing: 0.02em;
        text-transform: uppercase;
        color: var(--ah-text-muted);
      }
      summary {
        cursor: pointer;
      }
      .requester {
        display: grid;
        gap: 0.15rem;
        font-size: 0.875rem;
        overflow-wrap: anywhere;
      }
      .requester a {
        color: var(--ah-accent);
      }
      .center {
        margin: auto;
        padding: 2rem;
        text-align: center;
        color: var(--ah-text-muted);
      }
      @media (max-width: 1000px) {
        :host {
          grid-template-columns: 1fr;
          grid-template-rows: minmax(0, 1fr) auto;
        }
        aside {
          grid-row: 2;
          max-height: 40vh;
          border-left: 0;
          border-top: 1px solid var(--ah-border);
        }
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) streams: ConversationStreams | null = null;
  @property({ attribute: false }) notes: NoteThreads | null = null;
  @property({ attribute: false }) drafts: Drafts = new Drafts();
  @property({ attribute: false }) attachments: AttachmentClient | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @property({ attribute: false }) categories: readonly CategoryDTO[] = DEFAULT_CATEGORIES;
  @property({ attribute: false }) agents: readonly AgentDTO[] = [];
  @property() conversationId = '';

  @state() private saving: ReadonlySet<TicketField> = new Set();
  @state() private fieldErrors: Partial<Record<TicketField, string>> = {};
  @state() private editingSubject = false;
  @state() private subjectDraft = '';

  @query('form.subject input') private subjectInput?: HTMLInputElement;
  @query('.edit') private editButton?: HTMLButtonElement;

  /** Set by focusStart() until the title exists to take the focus. */
  private wantFocus = false;
  private stream: ConversationStream | null = null;
  private thread: NoteThread | null = null;
  private release: Array<() => void> = [];
  private offSocket: Array<() => void> = [];
  private readonly visitorTyping = new VisitorTyping(this, {
    conversationId: () => this.conversationId,
    fallbackName: () => {
      const c = this.current;
      return c ? requesterLabel(c) : 'The customer';
    },
  });
  private readonly typing = TypingAnnouncer.onSocket(() => this.socket);
  /** What this view shows, while the page is visible, counts as read on all the agent's devices. */
  private readonly reads = new ReadTracker(this, { conversationId: () => this.conversationId || null, lastSeq: () => this.stream?.lastSeq ?? 0 });
  /** "Ida is also viewing": tells the server this view shows the ticket, and who else does. */
  private readonly collision = new CollisionWarning(this, {
    socket: () => this.socket,
    conversationId: () => this.conversationId || null,
    myId: () => this.me?.id ?? null,
  });

  private get current(): ConversationDTO | null {
    return this.stream?.conversation ?? null;
  }

  private get ticket(): TicketDTO | null {
    return this.current?.ticket ?? null;
  }

  private get closed(): boolean {
    return this.ticket?.status === 'closed';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.bindSocket();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unbindSocket();
    this.close();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('socket') || changed.has('streams') || changed.has('notes')) {
      this.unbindSocket();
      this.close();
      this.bindSocket();
    }
    this.follow();
    if (this.closed) this.typing.stop();
  }

  private bindSocket(): void {
    if (!this.isConnected || this.offSocket.length || !this.socket) return;
    this.offSocket.push(...this.visitorTyping.listen(this.socket), this.socket.onStateChange(() => this.requestUpdate()));
    if (this.streams) this.offSocket.push(this.streams.onStatusChange(() => this.requestUpdate()));
  }

  private unbindSocket(): void {
    for (const off of this.offSocket) off();
    this.offSocket = [];
  }

  /** Opens the stream and the notes of the ticket shown, once per ticket. */
  private follow(): void {
    const id = this.isConnected && this.conversationId ? this.conversationId : null;
    if ((this.stream?.conversationId ?? null) === id) return;
    this.close();
    if (!id || !this.streams) return;
    this.stream = this.streams.get(id);
    this.release.push(this.streams.hold(id), this.stream.onChange(() => this.requestUpdate()));
    void this.streams.load(id);
    if (this.notes) {
      const held = this.notes.hold(id);
      this.thread = held.thread;
      this.release.push(held.release, held.thread.onChange(() => this.requestUpdate()));
    }
  }

  private close(): void {
    for (const off of this.release) off();
    this.release = [];
    this.stream = null;
    this.thread = null;
    this.typing.stop();
    this.visitorTyping.clear();
    this.saving = new Set();
    this.fieldErrors = {};
    this.editingSubject = false;
  }

  /** Moves focus to the ticket's title, e.g. after opening it; if it is still loading, once it is there. */
  focusStart(): void {
    this.wantFocus = true;
    this.applyFocus();
  }

  override updated(): void {
    if (this.wantFocus) this.applyFocus();
  }

  private applyFocus(): void {
    const title = this.renderRoot.querySelector<HTMLElement>('.title h2');
    const failed = this.renderRoot.querySelector<HTMLElement>('.main > .bar.error button');
    const target = title ?? failed;
    if (!target) return;
    this.wantFocus = false;
    target.focus();
  }

  // Ticket changes

  private async updateTicket(field: TicketField, patch: TicketPatch): Promise<boolean> {
    const id = this.conversationId;
    const socket = this.socket;
    if (!id || !socket || this.saving.has(field)) return false;
    this.saving = new Set([...this.saving, field]);
    const { [field]: _previous, ...otherErrors } = this.fieldErrors;
    this.fieldErrors = otherErrors;
    const res = await socket.command('ticket:update', { conversationId: id, ...patch });
    if (id !== this.conversationId) return false;
    const saving = new Set(this.saving);
    saving.delete(field);
    this.saving = saving;
    if (!res.ok) {
      this.fieldErrors = { ...this.fieldErrors, [field]: errorText(res.error) };
      return false;
    }
    this.streams?.updateConversation(res.data);
    this.dispatchEvent(
      new CustomEvent<ConversationChangedDetail>('conversation-changed', { detail: { conversation: res.data }, bubbles: true, composed: true }),
    );
    return true;
  }

  private onChangeRequest(e: CustomEvent<TicketChangeRequestDetail>): void {
    void this.updateTicket(e.detail.field, e.detail.patch);
  }

  private editSubject(): void {
    this.subjectDraft = this.ticket?.subject ?? '';
    const { subject: _old, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
    this.editingSubject = true;
    void this.updateComplete.then(() => this.subjectInput?.select());
  }

  private cancelSubject(): void {
    this.editingSubject = false;
    const { subject: _old, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
    void this.updateComplete.then(() => this.editButton?.focus());
  }

  private async saveSubject(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const subject = this.subjectDraft.trim();
    if (!subject) {
      this.fieldErrors = { ...this.fieldErrors, subject: 'The subject must not be empty.' };
      return;
    }
    if (subject === this.ticket?.subject) {
      this.cancelSubject();
      return;
    }
    if (await this.updateTicket('subject', { subject })) this.cancelSubject();
  }

  // Composer

  private composeTarget(): ComposeTarget {
    return { drafts: this.drafts, typing: this.typing, stream: this.stream, thread: this.thread };
  }

  private onReplyInput(e: CustomEvent<ReplyInputDetail>): void {
    if (!this.conversationId) return;
    composeInput(this.composeTarget(), this.conversationId, e.detail);
    this.requestUpdate();
  }

  private onMode(e: CustomEvent<ReplyModeDetail>): void {
    if (!this.conversationId) return;
    composeMode(this.composeTarget(), this.conversationId, e.detail);
    this.requestUpdate();
  }

  private onAttachmentsAdded(e: CustomEvent<AttachmentsAddedDetail>): void {
    this.drafts.addAttachments(e.detail.conversationId, e.detail.attachments);
    this.requestUpdate();
  }

  private onAttachmentRemoved(e: CustomEvent<AttachmentRemovedDetail>): void {
    this.drafts.removeAttachment(e.detail.conversationId, e.detail.attachmentId);
    this.requestUpdate();
  }

  private onSend(e: CustomEvent<ReplySendDetail>): void {
    const id = this.conversationId;
    if (!id || !this.ticket || this.closed) return;
    composeSend(this.composeTarget(), id, e.detail);
    this.requestUpdate();
  }

  private retryLoad(): void {
    if (!this.conversationId) return;
    void this.streams?.load(this.conversationId);
    void this.thread?.load();
  }

  // Rendering

  private renderTitle(t: TicketDTO) {
    const locked = this.closed || !this.socket?.connected;
    if (this.editingSubject) {
      const error = this.fieldErrors.subject;
      return html`<form class="subject" @submit=${this.saveSubject} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelSubject()}>
        <span class="num">#${t.number}</span>
        <label class="sr-only" for="subject">Subject</label>
        <input
          id="subject"
          type="text"
          maxlength=${MAX_SUBJECT_LENGTH}
          required
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? 'subject-error' : ''}
          .value=${live(this.subjectDraft)}
          @input=${(e: Event) => (this.subjectDraft = (e.target as HTMLInputElement).value)}
        />
        <button class="btn btn-small btn-primary" type="submit" ?disabled=${this.saving.has('subject') || locked}>
          ${this.saving.has('subject') ? 'Saving…' : 'Save'}
        </button>
        <button class="btn btn-small" type="button" @click=${this.cancelSubject}>Cancel</button>
        ${error ? html`<p class="subject-error" id="subject-error" role="alert">${error}</p>` : nothing}
      </form>`;
    }
    return html`<div class="title">
      <span class="num">#${t.number}</span>
      <h2 tabindex="-1">${t.subject || '(no subject)'}</h2>
      ${this.closed
        ? nothing
        : html`<button class="btn btn-small edit" type="button" aria-label="Edit subject" ?disabled=${locked} @click=${this.editSubject}>Edit</button>`}
    </div>`;
  }

  private renderHeader(c: ConversationDTO, t: TicketDTO) {
    const email = t.requester.email ?? c.visitor.email;
    return html`
      <header>
        <a class="back" href=${routeHref({ view: 'tickets', ticketId: null })}>← All tickets</a>
        ${this.renderTitle(t)}
        <ul class="facts">
          <li><span class="badge ${t.status}">${STATUS_LABEL[t.status]}</span></li>
          <li><span class="priority ${t.priority}">${PRIORITY_LABEL[t.priority]}</span></li>
          <li>${categoryLabel(this.categories, t.category)}</li>
          <li>
            ${requesterLabel(c)}${email && email !== requesterLabel(c) ? html` · <a href="mailto:${email}">${email}</a>` : nothing}
          </li>
          <li title=${formatFullTime(t.createdAt)}>Opened ${formatRelative(t.createdAt)}</li>
          ${t.followUpOf
            ? html`<li>Follow-up of <a href=${ticketHref(t.followUpOf.conversationId)}>ticket #${t.followUpOf.number}</a></li>`
            : nothing}
          ${c.status === 'active' ? html`<li class="live">Live chat${c.agent ? ` with ${c.agent.name}` : ''}</li>` : nothing}
          ${c.status === 'queued' ? html`<li class="live">Waiting in the chat queue</li>` : nothing}
        </ul>
        <conversation-labels class="labels" .socket=${this.socket} .conversation=${c}></conversation-labels>
        <conversation-rating .conversation=${c}></conversation-rating>
      </header>
    `;
  }

  private renderAside(c: ConversationDTO, t: TicketDTO) {
    const offline = !this.socket?.connected;
    const locked = this.closed ? 'Closed tickets cannot be changed.' : offline ? 'Offline: changes wait until the connection is back.' : '';
    const email = t.requester.email ?? c.visitor.email;
    return html`
      <aside aria-label="Ticket details">
        <ticket-properties
          .conversation=${c}
          .me=${this.me}
          .categories=${this.categories}
          .agents=${this.agents}
          .saving=${this.saving}
          .errors=${this.fieldErrors}
          lockedReason=${locked}
          @ticket-change-request=${this.onChangeRequest}
        ></ticket-properties>
        <section aria-labelledby="requester-heading">
          <h3 id="requester-heading">Requester</h3>
          <div class="requester">
            <span>${t.requester.name?.trim() || c.visitor.name?.trim() || 'No name given'}</span>
            ${email ? html`<a href="mailto:${email}">${email}</a>` : html`<span>No email address</span>`}
            ${t.requester.userId ? html`<span>Signed-in user ${t.requester.userId}</span>` : html`<span>Guest</span>`}
          </div>
          <visitor-fields .socket=${this.socket} .fields=${c.visitor.fields}></visitor-fields>
        </section>
        <details open>
          <summary>History (${t.history.length})</summary>
          <ticket-history .history=${t.history} .categories=${this.categories} .agents=${this.agents} .myId=${this.me?.id ?? ''}></ticket-history>
        </details>
      </aside>
    `;
  }

  override render() {
    const c = this.current;
    const status = this.streams?.statusOf(this.conversationId);
    if (!c || !this.me) {
      return html`<div class="main">
        ${status?.error ? errorBar(errorText(status.error), () => this.retryLoad()) : html`<p class="center" role="status">Loading ticket…</p>`}
        <a class="back" href=${routeHref({ view: 'tickets', ticketId: null })}>← All tickets</a>
      </div>`;
    }
    const t = c.ticket;
    if (!t) {
      return html`<div class="main">
        <p class="center">This conversation is not a ticket. Find it among the live chats.</p>
        <a class="back" href=${routeHref({ view: 'tickets', ticketId: null })}>← All tickets</a>
      </div>`;
    }
    const stream = this.stream;
    const thread = this.thread;
    const draft = this.drafts.get(c.id);
    const closedReason = this.closed
      ? `Ticket #${t.number} is closed, so it is read-only. If the customer writes again, they open a follow-up ticket.`
      : '';
    return html`
      <div class="main">
        ${this.renderHeader(c, t)}
        ${this.collision.render()}
        ${status?.error ? errorBar(errorText(status.error), () => this.retryLoad()) : nothing}
        ${thread?.error ? errorBar(`Could not load the internal notes: ${errorText(thread.error)}`, () => this.retryLoad()) : nothing}
        <message-list
          .messages=${stream ? [...stream.messages] : []}
          .pending=${stream ? [...stream.pending] : []}
          .notes=${thread ? [...thread.notes] : []}
          .pendingNotes=${thread ? [...thread.pending] : []}
          .attachments=${this.attachments}
          .myId=${this.me.id}
          .conversationId=${c.id}
          ?loading=${status?.loading ?? true}
          .seenSeq=${stream?.receipts?.visitorSeq ?? 0}
          @message-retry=${(e: CustomEvent<MessageRetryDetail>) => this.stream?.retry(e.detail.clientId)}
          @note-retry=${(e: CustomEvent<MessageRetryDetail>) => this.thread?.retry(e.detail.clientId)}
        ></message-list>
        ${this.visitorTyping.render()}
        <reply-composer
          allowNotes
          .value=${draft.text}
          .attachments=${draft.attachments}
          .uploader=${this.attachments}
          .placeholders=${{ visitorName: t.requester.name ?? c.visitor.name, ticketNumber: t.number, agentName: this.me.name }}
          .mode=${draft.mode}
          conversationId=${c.id}
          disabledReason=${closedReason}
          @reply-input=${this.onReplyInput}
          @reply-mode=${this.onMode}
          @reply-send=${this.onSend}
          @attachments-added=${this.onAttachmentsAdded}
          @attachment-removed=${this.onAttachmentRemoved}
        ></reply-composer>
      </div>
      ${this.renderAside(c, t)}
    `;
  }
}

if (!customElements.get('ticket-view')) customElements.define('ticket-view', TicketView);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-view': TicketView;
  }
}
