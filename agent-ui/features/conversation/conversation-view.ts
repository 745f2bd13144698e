import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { ConversationStream } from '../../../shared/conversation-stream.js';
import { TYPING_TIMEOUT_MS } from '../../../shared/limits.js';
import type { AgentDTO, ConversationDTO, MessageDTO, TypingDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import type { ConversationStreams } from '../../controllers/conversation-streams.js';
import { formatFullTime, safeHttpUrl, visitorName } from '../../lib/format.js';
import { baseStyles } from '../../styles/shared.js';
import './message-list.js';
import './reply-composer.js';
import type { MessageRetryDetail } from './message-list.js';
import type { ReplyComposer, ReplyInputDetail, ReplySendDetail } from './reply-composer.js';
import { TypingAnnouncer } from './typing-announcer.js';

export interface ConversationChangedDetail {
  conversation: ConversationDTO;
}

/**
 * The open conversation: who the visitor is, the message log, the visitor's typing indicator and,
 * when the chat is active and the agent's own, the reply box and "End chat".
 *
 * Messages come from the conversation's `ConversationStream` (ordering, outbox and resync live
 * there); this element only renders it and turns the agent's actions into commands.
 *
 * @fires conversation-changed - `{conversation}` from a command's ack (ending the chat), before the broadcast arrives.
 */
export class ConversationView extends LitElement {
  static override styles = [
    baseStyles,
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
        border-bottom: 1px solid var(--ah-border);
        background: var(--ah-surface);
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
      h2 {
        margin: 0;
        font-size: 1.125rem;
        font-weight: 650;
        overflow-wrap: anywhere;
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
        padding: 0.35rem 0.35rem 0.35rem 0.75rem;
        border-radius: var(--ah-radius);
        background: var(--ah-danger-soft);
        font-size: 0.875rem;
      }
      .bar {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
        margin: 0;
        padding: 0.55rem 1.25rem;
        font-size: 0.875rem;
        background: var(--ah-surface-2);
        border-bottom: 1px solid var(--ah-border);
        color: var(--ah-text-muted);
      }
      .bar.error {
        background: var(--ah-danger-soft);
        color: var(--ah-danger);
      }
      message-list {
        flex: 1;
      }
      .typing {
        min-height: 1.6rem;
        padding: 0.2rem 1.35rem 0.3rem;
        font-size: 0.8125rem;
        font-style: italic;
        color: var(--ah-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) streams: ConversationStreams | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  /** The latest copy the workspace holds; the stream's own copy wins once it has one. */
  @property({ attribute: false }) conversation: ConversationDTO | null = null;

  @state() private visitorTyping: string | null = null;
  @state() private confirmingEnd = false;
  @state() private ending = false;
  @state() private actionError: string | null = null;

  @query('reply-composer') private composer?: ReplyComposer;
  @query('.confirm .cancel') private cancelEndButton?: HTMLButtonElement;
  @query('.end') private endButton?: HTMLButtonElement;

  private stream: ConversationStream | null = null;
  private offStream: (() => void) | null = null;
  private offSocket: Array<() => void> = [];
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly drafts = new Map<string, string>();
  private readonly typing = new TypingAnnouncer((conversationId, typing) => {
    if (this.socket?.connected) void this.socket.command('typing:set', { conversationId, typing });
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
    this.clearVisitorTyping();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('socket') || changed.has('streams')) {
      this.unbindSocket();
      if (changed.has('streams')) this.closeStream();
      this.bindSocket();
    }
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
      this.offSocket.push(
        socket.on('typing:changed', (t) => this.onTyping(t)),
        socket.on('message:created', (m) => this.onMessage(m)),
        socket.onStateChange(() => this.requestUpdate()),
      );
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
    this.clearVisitorTyping();
    this.confirmingEnd = false;
    this.actionError = null;
    if (id) this.openStream(id);
  }

  private openStream(conversationId: string): void {
    if (!this.streams) return;
    this.stream = this.streams.get(conversationId);
    this.streams.openId = conversationId;
    this.offStream = this.stream.onChange(() => this.requestUpdate());
    void this.streams.load(conversationId);
  }

  private closeStream(): void {
    this.offStream?.();
    this.offStream = null;
    if (this.streams && this.stream && this.streams.openId === this.stream.conversationId) this.streams.openId = null;
    this.stream = null;
  }

  private onTyping(t: TypingDTO): void {
    if (t.conversationId !== this.conversationId || t.author.type !== 'visitor') return;
    clearTimeout(this.typingTimer);
    if (!t.typing) {
      this.visitorTyping = null;
      return;
    }
    const c = this.current;
    this.visitorTyping = t.author.name?.trim() || (c ? visitorName(c) : 'Visitor');
    // The visitor's client may vanish without saying "stopped": the indicator expires on its own.
    this.typingTimer = setTimeout(() => (this.visitorTyping = null), TYPING_TIMEOUT_MS);
  }

  private onMessage(m: MessageDTO): void {
    if (m.conversationId === this.conversationId && m.author.type === 'visitor') this.clearVisitorTyping();
  }

  private clearVisitorTyping(): void {
    clearTimeout(this.typingTimer);
    this.visitorTyping = null;
  }

  private onReplyInput(e: CustomEvent<ReplyInputDetail>): void {
    const id = this.conversationId;
    if (!id) return;
    this.drafts.set(id, e.detail.value);
    this.typing.input(id, e.detail.value.trim().length > 0);
    this.requestUpdate();
  }

  private onReplySend(e: CustomEvent<ReplySendDetail>): void {
    const id = this.conversationId;
    if (!id || !this.stream || !this.canReply) return;
    this.typing.stop();
    this.stream.send(e.detail.body);
    this.drafts.set(id, '');
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

  private async endChat(): Promise<void> {
    const id = this.conversationId;
    if (!id || !this.socket || this.ending) return;
    this.ending = true;
    this.typing.stop();
    const res = await this.socket.command('conversation:end', { conversationId: id });
    this.ending = false;
    this.confirmingEnd = false;
    if (!res.ok) {
      this.actionError = res.error.message;
      return;
    }
    this.streams?.updateConversation(res.data);
    this.dispatchEvent(
      new CustomEvent<ConversationChangedDetail>('conversation-changed', {
        detail: { conversation: res.data },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private retryLoad(): void {
    if (this.conversationId) void this.streams?.load(this.conversationId);
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
        </div>
        ${this.canReply
          ? html`<div class="actions">
              ${this.confirmingEnd
                ? html`<div
                    class="confirm"
                    role="group"
                    aria-labelledby="end-question"
                    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelEnd()}
                  >
                    <span id="end-question">End this chat for the visitor?</span>
                    <button
                      class="btn btn-small btn-danger-solid"
                      type="button"
                      ?disabled=${this.ending || offline}
                      @click=${this.endChat}
                    >
                      Yes, end chat
                    </button>
                    <button class="btn btn-small cancel" type="button" ?disabled=${this.ending} @click=${this.cancelEnd}>
                      Cancel
                    </button>
                  </div>`
                : html`<button class="btn btn-danger end" type="button" ?disabled=${offline} @click=${this.askEnd}>
                    End chat
                  </button>`}
            </div>`
          : nothing}
      </header>
    `;
  }

  override render() {
    const c = this.current;
    if (!c || !this.me) return nothing;
    const stream = this.stream;
    const status = this.streams?.statusOf(c.id);
    const reason = this.readOnlyReason(c);
    return html`
      ${this.renderHeader(c)}
      ${reason ? html`<p class="bar" role="status">${reason}</p>` : nothing}
      ${status?.error
        ? html`<div class="bar error" role="alert">
            <span>${status.error.message}</span>
            <button class="btn btn-small" type="button" @click=${this.retryLoad}>Try again</button>
          </div>`
        : nothing}
      ${this.actionError ? html`<p class="bar error" role="alert">${this.actionError}</p>` : nothing}
      <message-list
        .messages=${stream ? [...stream.messages] : []}
        .pending=${stream ? [...stream.pending] : []}
        .myId=${this.me.id}
        .conversationId=${c.id}
        ?loading=${status?.loading ?? true}
        @message-retry=${this.onRetry}
      ></message-list>
      <div class="typing" role="status">${this.visitorTyping ? `${this.visitorTyping} is typing…` : ''}</div>
      ${this.canReply
        ? html`<reply-composer
            .value=${this.drafts.get(c.id) ?? ''}
            @reply-input=${this.onReplyInput}
            @reply-send=${this.onReplySend}
          ></reply-composer>`
        : nothing}
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
