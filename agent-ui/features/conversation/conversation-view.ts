import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { ConversationStream } from '../../../shared/conversation-stream.js';
import { DEFAULT_CATEGORIES } from '../../../shared/tickets.js';
import type { AgentDTO, CategoryDTO, ConversationDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import type { AttachmentClient } from '../../controllers/attachments.js';
import type { ConversationStreams } from '../../controllers/conversation-streams.js';
import type { NoteThread, NoteThreads } from '../../controllers/note-threads.js';
import { Drafts } from '../../controllers/drafts.js';
import { errorBar } from '../../lib/error-bar.js';
import { errorText, formatFullTime, safeHttpUrl, STATUS_LABEL, visitorName } from '../../lib/format.js';
import { ticketHref } from '../../lib/route.js';
import { baseStyles, viewStyles } from '../../styles/shared.js';
import { CollisionWarning, collisionStyles } from '../collision/collision-warning.js';
import { TransferAction } from '../transfer/transfer-action.js';
import '../labels/conversation-labels.js';
import '../ratings/conversation-rating.js';
import { ReadTracker } from '../unread/read-markers.js';
import './make-ticket-dialog.js';
import type { MakeTicketSubmitDetail } from './make-ticket-dialog.js';
import './message-list.js';
import { composeInput, composeMode, composeSend, type ComposeTarget } from './compose.js';
import './reply-composer.js';
import type { MessageRetryDetail } from './message-list.js';
import type { AttachmentRemovedDetail, AttachmentsAddedDetail, ReplyComposer, ReplyInputDetail, ReplyModeDetail, ReplySendDetail } from './reply-composer.js';
import { TypingAnnouncer } from './typing-announcer.js';
import { VisitorTyping, visitorTypingStyles } from './visitor-typing.js';
import './visitor-fields.js';

export interface ConversationChangedDetail {
  conversation: ConversationDTO;
}

/**
 * The open conversation: who the visitor is, the message log, the visitor's typing indicator and,
 * when the chat is active and the agent's own, the reply box (with files), "Make ticket" and
 * "End chat" (as resolved, or to be followed up as a ticket). A chat that is a ticket links to it.
 *
 * Messages come from the conversation's `ConversationStream` (ordering, outbox and resync live
 * there); this element only renders it and turns the agent's actions into commands.
 *
 * @fires conversation-changed - `{conversation}` from a command's ack (ending, making a ticket), before the broadcast arrives.
 */
export class ConversationView extends LitElement {
  static override styles = [
    baseStyles,
    viewStyles,
    visitorTypingStyles,
    collisionStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        height: 100%;
        background: var(--ah-bg);
      }
      header {
        display: flex;
        align-items: flex-start;
        justify-content: space-between;
        gap: 1rem;
        padding: 0.9rem 1.25rem;
      }
      .who {
        min-width: 0;
      }
      .title {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        flex-wrap: wrap;
      }
      .status {
        padding: 0.1rem 0.55rem;
        border-radius: 999px;
        font-size: 0.75rem;
        font-weight: 600;
        border: 1px solid var(--ah-border);
        background: var(--ah-surface-2);
        color: var(--ah-text-muted);
      }
      .status.queued {
        background: var(--ah-warning-soft);
        color: var(--ah-warning-text);
        border-color: transparent;
      }
      .status.active {
        color: var(--ah-success);
        border-color: color-mix(in srgb, var(--ah-success) 40%, transparent);
      }
      .details {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 1rem;
        margin: 0.3rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      .details li {
        min-width: 0;
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .details a {
        color: inherit;
        text-underline-offset: 2px;
      }
      .actions {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        flex-shrink: 0;
      }
      .confirm {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        flex-wrap: wrap;
        justify-content: flex-end;
        max-width: 36rem;
        padding: 0.35rem 0.35rem 0.35rem 0.75rem;
        border-radius: var(--ah-radius);
        background: var(--ah-danger-soft);
        font-size: 0.875rem;
      }
      .confirm .why {
        flex-basis: 100%;
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
        text-align: right;
      }
      .ticket-link {
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        padding: 0.1rem 0.55rem;
        border-radius: 999px;
        font-size: 0.75rem;
        font-weight: 600;
        background: var(--ah-accent-soft);
        color: var(--ah-accent);
        text-decoration: none;
        border: 1px solid color-mix(in srgb, var(--ah-accent) 35%, transparent);
      }
      .ticket-link:hover {
        text-decoration: underline;
      }
      .bar a {
        flex-shrink: 0;
        color: var(--ah-accent);
        font-weight: 600;
        text-underline-offset: 2px;
      }
      message-list {
        flex: 1;
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) streams: ConversationStreams | null = null;
  /** Internal notes (a transfer's note among them), shown in the log and written from the composer's note mode. */
  @property({ attribute: false }) notes: NoteThreads | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  /** The latest copy the workspace holds; the stream's own copy wins once it has one. */
  @property({ attribute: false }) conversation: ConversationDTO | null = null;
  /** Unsent replies, per conversation; shared with the ticket view. */
  @property({ attribute: false }) drafts: Drafts = new Drafts();
  /** Uploads and file previews; without it the chat is text only. */
  @property({ attribute: false }) attachments: AttachmentClient | null = null;
  /** The site's ticket categories, for "Make ticket". */
  @property({ attribute: false }) categories: readonly CategoryDTO[] = DEFAULT_CATEGORIES;

  @state() private confirmingEnd = false;
  @state() private ending = false;
  @state() private actionError: string | null = null;
  @state() private makingTicket = false;
  @state() private converting = false;
  @state() private convertError = '';

  @query('reply-composer') private composer?: ReplyComposer;
  @query('.confirm .cancel') private cancelEndButton?: HTMLButtonElement;
  @query('.end') private endButton?: HTMLButtonElement;
  @query('.make-ticket') private makeTicketButton?: HTMLButtonElement;

  private stream: ConversationStream | null = null;
  private offStream: (() => void) | null = null;
  private releaseStream: (() => void) | null = null;
  private thread: NoteThread | null = null;
  private releaseThread: Array<() => void> = [];
  private offSocket: Array<() => void> = [];
  private readonly visitorTyping = new VisitorTyping(this, {
    conversationId: () => this.conversationId,
    fallbackName: () => {
      const c = this.current;
      return c ? visitorName(c) : 'Visitor';
    },
  });
  private readonly typing = TypingAnnouncer.onSocket(() => this.socket);
  /** What this view shows, while the page is visible, counts as read on all the agent's devices. */
  private readonly reads = new ReadTracker(this, { conversationId: () => this.conversationId, lastSeq: () => this.stream?.lastSeq ?? 0 });
  /** "Ida is also viewing": tells the server this view shows the conversation, and who else does. */
  private readonly collision = new CollisionWarning(this, {
    socket: () => this.socket,
    conversationId: () => this.conversationId,
    myId: () => this.me?.id ?? null,
  });
  private readonly transfer = new TransferAction(this, {
    socket: () => this.socket,
    conversationId: () => this.conversationId,
    myId: () => this.me?.id ?? null,
    available: () => this.canReply,
    visitor: () => (this.current ? visitorName(this.current) : ''),
    onTransferred: (conversation) => this.changed(conversation),
  });

  private get conversationId(): string | null {
    return this.conversation?.id ?? null;
  }

  private get current(): ConversationDTO | null {
    return this.stream?.conversation ?? this.conversation;
  }

  private get canReply(): boolean {
    const c = this.current;
    return !!c && !!this.me && c.status === 'active' && c.agent?.id === this.me.id;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.bindSocket();
    this.followConversation();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unbindSocket();
    this.closeStream();
    this.typing.stop();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('socket') || changed.has('streams')) {
      this.unbindSocket();
      if (changed.has('streams')) this.closeStream();
      this.bindSocket();
    }
    if (changed.has('notes')) this.closeStream();
    this.followConversation();
    // Stop announcing typing as soon as the reply box goes away (chat ended or taken over).
    if (!this.canReply) this.typing.stop();
  }

  /** Puts the cursor in the reply box, e.g. right after accepting a chat. */
  focusComposer(): void {
    void this.updateComplete.then(() => this.composer?.focus());
  }

  private bindSocket(): void {
    if (!this.isConnected || this.offSocket.length) return;
    const socket = this.socket;
    if (socket) {
      this.offSocket.push(...this.visitorTyping.listen(socket), socket.onStateChange(() => this.requestUpdate()));
    }
    if (this.streams) this.offSocket.push(this.streams.onStatusChange(() => this.requestUpdate()));
  }

  private unbindSocket(): void {
    for (const off of this.offSocket) off();
    this.offSocket = [];
  }

  /** Opens the stream of the conversation being shown, once per conversation. */
  private followConversation(): void {
    const id = this.isConnected ? this.conversationId : null;
    if ((this.stream?.conversationId ?? null) === id) return;
    this.closeStream();
    this.typing.stop();
    this.visitorTyping.clear();
    this.confirmingEnd = false;
    this.actionError = null;
    this.makingTicket = false;
    this.convertError = '';
    this.transfer.reset();
    if (id) this.openStream(id);
  }

  private openStream(conversationId: string): void {
    if (!this.streams) return;
    this.stream = this.streams.get(conversationId);
    this.releaseStream = this.streams.hold(conversationId);
    this.offStream = this.stream.onChange(() => this.requestUpdate());
    void this.streams.load(conversationId);
    if (this.notes) {
      const held = this.notes.hold(conversationId);
      this.thread = held.thread;
      this.releaseThread = [held.release, held.thread.onChange(() => this.requestUpdate())];
    }
  }

  private closeStream(): void {
    this.offStream?.();
    this.offStream = null;
    this.releaseStream?.();
    this.releaseStream = null;
    this.stream = null;
    for (const off of this.releaseThread) off();
    this.releaseThread = [];
    this.thread = null;
  }

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

  private onReplySend(e: CustomEvent<ReplySendDetail>): void {
    const id = this.conversationId;
    if (!id || !this.canReply) return;
    composeSend(this.composeTarget(), id, e.detail);
    this.requestUpdate();
  }

  private onRetry(e: CustomEvent<MessageRetryDetail>): void {
    this.stream?.retry(e.detail.clientId);
  }

  private askEnd(): void {
    this.confirmingEnd = true;
    this.actionError = null;
    void this.updateComplete.then(() => this.cancelEndButton?.focus());
  }

  private cancelEnd(): void {
    this.confirmingEnd = false;
    void this.updateComplete.then(() => this.endButton?.focus());
  }

  private async endChat(resolved: boolean): Promise<void> {
    const id = this.conversationId;
    if (!id || !this.socket || this.ending) return;
    this.ending = true;
    this.typing.stop();
    const res = await this.socket.command('conversation:end', { conversationId: id, resolved });
    this.ending = false;
    this.confirmingEnd = false;
    if (!res.ok) {
      this.actionError = errorText(res.error);
      return;
    }
    this.changed(res.data);
  }

  private changed(conversation: ConversationDTO): void {
    this.streams?.updateConversation(conversation);
    this.dispatchEvent(
      new CustomEvent<ConversationChangedDetail>('conversation-changed', {
        detail: { conversation },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private askMakeTicket(): void {
    this.convertError = '';
    this.makingTicket = true;
  }

  private cancelMakeTicket(): void {
    this.makingTicket = false;
    void this.updateComplete.then(() => this.makeTicketButton?.focus());
  }

  private async makeTicket(e: CustomEvent<MakeTicketSubmitDetail>): Promise<void> {
    const id = this.conversationId;
    if (!id || !this.socket || this.converting) return;
    this.converting = true;
    this.convertError = '';
    const { category, priority, subject } = e.detail;
    const res = await this.socket.command('ticket:convert', { conversationId: id, category, priority, ...(subject ? { subject } : {}) });
    this.converting = false;
    if (id !== this.conversationId) return;
    if (!res.ok) {
      this.convertError = errorText(res.error);
      return;
    }
    this.makingTicket = false;
    this.changed(res.data);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.ticket-link')?.focus());
  }

  private retryLoad(): void {
    if (this.conversationId) void this.streams?.load(this.conversationId);
    void this.thread?.load();
  }

  private statusLabel(c: ConversationDTO): string {
    if (c.status === 'queued') return 'Waiting';
    if (c.status === 'ended') return 'Ended';
    if (c.agent && c.agent.id !== this.me?.id) return `With ${c.agent.name}`;
    return 'Active';
  }

  private readOnlyReason(c: ConversationDTO): string | null {
    if (this.canReply) return null;
    if (c.status === 'queued') return 'Preview only: accept this chat to reply.';
    if (c.status === 'ended') return c.endedAt ? `This chat ended ${formatFullTime(c.endedAt)}.` : 'This chat has ended.';
    return c.agent ? `${c.agent.name} is handling this chat.` : 'You cannot reply to this chat.';
  }

  private renderHeader(c: ConversationDTO) {
    const page = safeHttpUrl(c.pageUrl);
    const offline = !this.socket?.connected;
    return html`
      <header>
        <div class="who">
          <div class="title">
            <h2>${visitorName(c)}</h2>
            <span class="status ${c.status}">${this.statusLabel(c)}</span>
            ${c.ticket
              ? html`<a class="ticket-link" href=${ticketHref(c.id)} title="Open the ticket">
                  Ticket #${c.ticket.number}<span class="sr-only">, ${STATUS_LABEL[c.ticket.status]}</span>
                </a>`
              : nothing}
          </div>
          <ul class="details">
            ${c.visitor.email ? html`<li><a href="mailto:${c.visitor.email}">${c.visitor.email}</a></li>` : nothing}
            ${page
              ? html`<li>
                  <span aria-hidden="true">Page: </span
                  ><a href=${page} target="_blank" rel="noopener noreferrer nofollow" title=${page}
                    ><span class="sr-only">Page: </span>${c.pageUrl}</a
                  >
                </li>`
              : c.pageUrl
                ? html`<li title=${c.pageUrl}>Page: ${c.pageUrl}</li>`
                : nothing}
          </ul>
          <visitor-fields .socket=${this.socket} .fields=${c.visitor.fields}></visitor-fields>
          <conversation-labels class="labels" .socket=${this.socket} .conversation=${c}></conversation-labels>
          <conversation-rating .conversation=${c}></conversation-rating>
        </div>
        ${this.canReply ? html`<div class="actions">${this.confirmingEnd ? this.renderEndChoice(c, offline) : this.renderActions(c, offline)}</div>` : nothing}
      </header>
    `;
  }

  private renderActions(c: ConversationDTO, offline: boolean) {
    return html`
      ${c.ticket
        ? nothing
        : html`<button class="btn make-ticket" type="button" ?disabled=${offline} @click=${this.askMakeTicket}>Make ticket</button>`}
      ${this.transfer.button(offline)}
      <button class="btn btn-danger end" type="button" ?disabled=${offline} @click=${this.askEnd}>End chat</button>
    `;
  }

  /**
   * Ending asks whether the visitor's problem was solved. Unresolved chats are followed up as a
   * ticket by the server when it has an email to write to; a chat that already is a ticket keeps it.
   */
  private renderEndChoice(c: ConversationDTO, offline: boolean) {
    const busy = this.ending || offline;
    const followUp = c.ticket
      ? html`<button class="btn btn-small btn-danger-solid" type="button" ?disabled=${busy} @click=${() => this.endChat(false)}>
          End chat, keep ticket #${c.ticket.number}
        </button>`
      : html`<button class="btn btn-small" type="button" ?disabled=${busy || !c.visitor.email} @click=${() => this.endChat(false)}>
          End, follow up as ticket
        </button>`;
    return html`<div class="confirm" role="group" aria-labelledby="end-question" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelEnd()}>
      <span id="end-question">${c.ticket ? 'End this chat for the visitor?' : 'End this chat. Was it resolved?'}</span>
      ${c.ticket
        ? followUp
        : html`<button class="btn btn-small btn-danger-solid" type="button" ?disabled=${busy} @click=${() => this.endChat(true)}>
              End as resolved
            </button>
            ${followUp}`}
      <button class="btn btn-small cancel" type="button" ?disabled=${this.ending} @click=${this.cancelEnd}>Cancel</button>
      ${!c.ticket && !c.visitor.email
        ? html`<p class="why">The visitor left no email address, so no ticket can follow up this chat. Make a ticket while the chat is on to keep it.</p>`
        : nothing}
    </div>`;
  }

  override render() {
    const c = this.current;
    if (!c || !this.me) return nothing;
    const stream = this.stream;
    const status = this.streams?.statusOf(c.id);
    const reason = this.readOnlyReason(c);
    const draft = this.drafts.get(c.id);
    return html`
      ${this.renderHeader(c)}
      ${this.collision.render()}
      ${reason
        ? html`<p class="bar" role="status">
            <span>${reason}</span>
            ${c.ticket && c.status === 'ended' ? html`<a href=${ticketHref(c.id)}>Continue in ticket #${c.ticket.number}</a>` : nothing}
          </p>`
        : nothing}
      ${status?.error ? errorBar(errorText(status.error), () => this.retryLoad()) : nothing}
      ${this.thread?.error ? errorBar(`Could not load the internal notes: ${errorText(this.thread.error)}`, () => this.retryLoad()) : nothing}
      ${this.actionError ? html`<p class="bar error" role="alert">${this.actionError}</p>` : nothing}
      <message-list
        .messages=${stream ? [...stream.messages] : []}
        .pending=${stream ? [...stream.pending] : []}
        .notes=${this.thread ? [...this.thread.notes] : []}
        .myId=${this.me.id}
        .attachments=${this.attachments}
        .conversationId=${c.id}
        ?loading=${status?.loading ?? true}
        .seenSeq=${stream?.receipts?.visitorSeq ?? 0}
        @message-retry=${this.onRetry}
      ></message-list>
      ${this.visitorTyping.render()}
      ${this.canReply
        ? html`<reply-composer
            .value=${draft.text}
            .attachments=${draft.attachments}
            .uploader=${this.attachments}
            .placeholders=${{ visitorName: c.visitor.name, ticketNumber: c.ticket?.number ?? null, agentName: this.me.name }}
            conversationId=${c.id}
            ?allowNotes=${!!this.thread}
            .mode=${draft.mode}
            @reply-mode=${this.onMode}
            @reply-input=${this.onReplyInput}
            @reply-send=${this.onReplySend}
            @attachments-added=${this.onAttachmentsAdded}
            @attachment-removed=${this.onAttachmentRemoved}
          ></reply-composer>`
        : nothing}
      ${this.canReply && !c.ticket
        ? html`<make-ticket-dialog
            ?open=${this.makingTicket}
            ?busy=${this.converting}
            .categories=${this.categories}
            error=${this.convertError}
            visitor=${visitorName(c)}
            @make-ticket-submit=${this.makeTicket}
            @make-ticket-cancel=${this.cancelMakeTicket}
          ></make-ticket-dialog>`
        : nothing}
      ${this.canReply ? this.transfer.dialog() : nothing}
    `;
  }
}

if (!customElements.get('conversation-view')) customElements.define('conversation-view', ConversationView);

declare global {
  interface HTMLElementTagNameMap {
    'conversation-view': ConversationView;
  }
  interface GlobalEventHandlersEventMap {
    'conversation-changed': CustomEvent<ConversationChangedDetail>;
  }
}
