import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { PendingMessage } from '../../../shared/conversation-stream.js';
import type { AttachmentDTO, MessageDTO, NoteDTO } from '../../../shared/types.js';
import type { AttachmentClient } from '../../controllers/attachments.js';
import type { PendingNote } from '../../controllers/note-threads.js';
import { formatFullTime, formatMessageTime, splitLinks, systemMessageText } from '../../lib/format.js';
import { baseStyles } from '../../styles/shared.js';
import './attachment-item.js';

export interface MessageRetryDetail {
  clientId: string;
}

/** One row of the log: a message of the stream or an internal note, placed by time. */
type Entry = { kind: 'message'; message: MessageDTO } | { kind: 'note'; note: NoteDTO };

/**
 * Messages in seq order with the notes slotted in by time. Both lists are already sorted, so a
 * merge keeps the stream's order even where the clocks disagree by a little.
 */
function interleave(messages: readonly MessageDTO[], notes: readonly NoteDTO[]): Entry[] {
  const out: Entry[] = [];
  let n = 0;
  for (const message of messages) {
    const t = Date.parse(message.createdAt);
    while (n < notes.length && Date.parse(notes[n]!.createdAt) < t) out.push({ kind: 'note', note: notes[n++]! });
    out.push({ kind: 'message', message });
  }
  while (n < notes.length) out.push({ kind: 'note', note: notes[n++]! });
  return out;
}

/** Consecutive messages of one author closer than this share one name-and-time line. */
const GROUP_GAP_MS = 5 * 60_000;
/** How close to the bottom still counts as "reading the latest" and keeps the view pinned there. */
const PINNED_SLACK_PX = 48;

/**
 * A conversation's messages as a `role="log"` region: visitor messages on the left, the signed-in
 * agent's own on the right, system events centred, internal notes (tickets) as marked cards in
 * between, then the replies and notes still on their way. Every text, file name included, is
 * rendered as text (never as HTML); only http(s) URLs become links.
 *
 * @fires message-retry - `{clientId}`: send a failed reply again.
 * @fires note-retry - `{clientId}`: save a failed internal note again.
 */
export class MessageList extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .log {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        padding: 1.25rem 1.25rem 0.5rem;
        display: flex;
        flex-direction: column;
        gap: 0.2rem;
      }
      .log:focus-visible {
        outline-offset: -3px;
      }
      .spacer {
        flex: 1;
      }
      .state {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        margin: 0;
        pointer-events: none;
        color: var(--ah-text-muted);
        font-size: 0.875rem;
      }
      .msg {
        display: flex;
        flex-direction: column;
        max-width: min(36rem, 80%);
      }
      .msg.group-start {
        margin-top: 0.6rem;
      }
      .msg.left {
        align-self: flex-start;
        align-items: flex-start;
      }
      .msg.right {
        align-self: flex-end;
        align-items: flex-end;
      }
      .meta {
        display: flex;
        gap: 0.4rem;
        margin: 0 0.35rem 0.2rem;
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .meta .author {
        font-weight: 600;
        color: var(--ah-text);
      }
      .bubble {
        padding: 0.5rem 0.8rem;
        border-radius: 14px;
        font-size: 0.9375rem;
        line-height: 1.45;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .left .bubble {
        background: var(--ah-bubble-visitor);
        border-top-left-radius: 4px;
      }
      .left.agent .bubble {
        background: var(--ah-surface);
        border: 1px solid var(--ah-border);
      }
      .right .bubble {
        background: var(--ah-accent);
        color: var(--ah-accent-text);
        border-top-right-radius: 4px;
      }
      .right .bubble a {
        color: inherit;
      }
      .bubble a {
        color: var(--ah-accent);
        text-decoration: underline;
        text-underline-offset: 2px;
      }
      .pending .bubble {
        opacity: 0.7;
      }
      .failed .bubble {
        opacity: 1;
        background: var(--ah-danger-soft);
        color: var(--ah-text);
        border: 1px solid var(--ah-danger);
      }
      .delivery {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0.2rem 0.35rem 0;
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .failed .delivery {
        color: var(--ah-danger);
      }
      .system {
        align-self: center;
        margin: 0.75rem 0 0.35rem;
        padding: 0.2rem 0.75rem;
        border-radius: 999px;
        background: var(--ah-surface-2);
        border: 1px solid var(--ah-border);
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
        text-align: center;
      }
      .system time {
        margin-left: 0.4rem;
        opacity: 0.8;
      }
      .files {
        display: grid;
        gap: 0.4rem;
        justify-items: inherit;
        margin: 0.35rem 0 0;
        padding: 0;
        list-style: none;
        max-width: 100%;
      }
      .right .files {
        justify-items: end;
      }
      .note {
        align-self: center;
        width: min(40rem, 92%);
        margin: 0.6rem 0 0.2rem;
        padding: 0.5rem 0.8rem 0.6rem;
        border-radius: var(--ah-radius);
        border: 1px dashed var(--ah-note-border);
        border-left: 4px solid var(--ah-note-border);
        background: var(--ah-note-bg);
      }
      .note .meta {
        flex-wrap: wrap;
        margin: 0 0 0.25rem;
        color: var(--ah-note-text);
      }
      .note .meta .author {
        color: inherit;
      }
      .note .tag {
        font-weight: 600;
      }
      .note .text {
        font-size: 0.9375rem;
        line-height: 1.45;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .note.pending {
        opacity: 0.75;
      }
      .note.failed {
        opacity: 1;
        border-color: var(--ah-danger);
      }
      .note .delivery {
        margin: 0.3rem 0 0;
      }
      .note.failed .delivery {
        color: var(--ah-danger);
      }
      .jump {
        position: absolute;
        left: 50%;
        bottom: 0.75rem;
        transform: translateX(-50%);
        box-shadow: var(--ah-shadow);
        border-radius: 999px;
      }
    `,
  ];

  @property({ attribute: false }) messages: readonly MessageDTO[] = [];
  @property({ attribute: false }) pending: readonly PendingMessage[] = [];
  /** Internal notes, oldest first: shown only to agents, never part of the customer's stream. */
  @property({ attribute: false }) notes: readonly NoteDTO[] = [];
  @property({ attribute: false }) pendingNotes: readonly PendingNote[] = [];
  /** Fetches files for previews and downloads; without it attachments show by name only. */
  @property({ attribute: false }) attachments: AttachmentClient | null = null;
  /** The signed-in agent: their messages go on the right. */
  @property({ attribute: false }) myId = '';
  /** A change means another conversation: scroll to its latest message. */
  @property({ attribute: false }) conversationId = '';
  @property({ type: Boolean }) loading = false;
  /** The visitor has seen the stream up to this seq (read receipts): "Seen" goes under the newest agent message up to it. */
  @property({ attribute: false }) seenSeq = 0;

  @state() private newBelow = false;
  @query('.log') private log?: HTMLElement;
  private pinned = true;

  /** Keeps the latest message in view when the agent was already there, or after their own send. */
  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      this.pinned = true;
      this.newBelow = false;
      return;
    }
    const prevPending = changed.get('pending') as readonly PendingMessage[] | undefined;
    const prevPendingNotes = changed.get('pendingNotes') as readonly PendingNote[] | undefined;
    if ((prevPending && this.pending.length > prevPending.length) || (prevPendingNotes && this.pendingNotes.length > prevPendingNotes.length)) {
      this.pinned = true;
    }
    const prevMessages = changed.get('messages') as readonly MessageDTO[] | undefined;
    const prevNotes = changed.get('notes') as readonly NoteDTO[] | undefined;
    const grew = (prevMessages && this.messages.length > prevMessages.length) || (prevNotes && this.notes.length > prevNotes.length);
    if (grew && !this.pinned) this.newBelow = true;
  }

  override updated(): void {
    if (this.pinned && this.log) this.log.scrollTop = this.log.scrollHeight;
  }

  private onScroll(): void {
    const log = this.log;
    if (!log) return;
    this.pinned = log.scrollTop + log.clientHeight >= log.scrollHeight - PINNED_SLACK_PX;
    if (this.pinned) this.newBelow = false;
  }

  private jumpToLatest(): void {
    this.pinned = true;
    this.newBelow = false;
    if (this.log) {
      this.log.scrollTop = this.log.scrollHeight;
      this.log.focus();
    }
  }

  private retry(type: 'message-retry' | 'note-retry', clientId: string): void {
    this.dispatchEvent(new CustomEvent<MessageRetryDetail>(type, { detail: { clientId }, bubbles: true, composed: true }));
  }

  private renderFiles(files: readonly AttachmentDTO[]) {
    if (!files.length) return nothing;
    return html`<ul class="files" aria-label="Attachments">
      ${files.map((a) => html`<li><attachment-item .attachment=${a} .client=${this.attachments}></attachment-item></li>`)}
    </ul>`;
  }

  private renderText(text: string) {
    return splitLinks(text).map((part) =>
      part.href ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer nofollow">${part.text}</a>` : part.text,
    );
  }

  private renderMessage(m: MessageDTO, prev: Entry | undefined, seenAt: number) {
    const when = html`<time datetime=${m.createdAt} title=${formatFullTime(m.createdAt)}>${formatMessageTime(m.createdAt)}</time>`;
    if (m.author.type === 'system') {
      return html`<div class="system">${systemMessageText(m, this.myId)}${when}</div>`;
    }
    const mine = m.author.type === 'agent' && m.author.id === this.myId;
    const author = mine ? 'You' : m.author.name?.trim() || (m.author.type === 'visitor' ? 'Visitor' : 'Agent');
    const p = prev?.kind === 'message' ? prev.message : null;
    const groupStart =
      !p ||
      p.author.type !== m.author.type ||
      p.author.id !== m.author.id ||
      Date.parse(m.createdAt) - Date.parse(p.createdAt) > GROUP_GAP_MS;
    const cls = `msg ${mine ? 'right' : 'left'} ${m.author.type} ${groupStart ? 'group-start' : ''}`;
    const files = m.attachments ?? [];
    return html`
      <div class=${cls}>
        ${groupStart
          ? html`<div class="meta"><span class="author">${author}</span>${when}</div>`
          : html`<span class="sr-only">${author}:</span>`}
        ${m.body || !files.length ? html`<div class="bubble">${this.renderText(m.body)}</div>` : nothing}
        ${this.renderFiles(files)}
        ${m.seq === seenAt ? html`<div class="delivery">Seen<span class="sr-only"> by the visitor</span></div>` : nothing}
      </div>
    `;
  }

  private renderNote(n: NoteDTO) {
    const mine = n.author.id === this.myId;
    return html`
      <div class="note">
        <div class="meta">
          <span class="author">${mine ? 'You' : n.author.name}</span>
          <span class="tag">Internal note — customers never see this</span>
          <time datetime=${n.createdAt} title=${formatFullTime(n.createdAt)}>${formatMessageTime(n.createdAt)}</time>
        </div>
        <div class="text">${this.renderText(n.body)}</div>
      </div>
    `;
  }

  private renderPending(p: PendingMessage) {
    const failed = p.state === 'failed';
    return html`
      <div class="msg right group-start ${failed ? 'failed' : 'pending'}">
        <span class="sr-only">You:</span>
        ${p.body || !p.attachments.length ? html`<div class="bubble">${this.renderText(p.body)}</div>` : nothing}
        ${this.renderFiles(p.attachments)}
        <div class="delivery">
          ${failed
            ? html`<span>Not sent: ${p.error?.message ?? 'the server refused this message.'}</span>
                <button class="btn btn-small" type="button" @click=${() => this.retry('message-retry', p.clientId)}>Retry</button>`
            : html`<span>Sending…</span>`}
        </div>
      </div>
    `;
  }

  private renderPendingNote(p: PendingNote) {
    const failed = p.state === 'failed';
    return html`
      <div class="note ${failed ? 'failed' : 'pending'}">
        <div class="meta">
          <span class="author">You</span>
          <span class="tag">Internal note — customers never see this</span>
        </div>
        <div class="text">${this.renderText(p.body)}</div>
        <div class="delivery">
          ${failed
            ? html`<span>Not saved: ${p.error?.message ?? 'the server refused this note.'}</span>
                <button class="btn btn-small" type="button" @click=${() => this.retry('note-retry', p.clientId)}>Retry</button>`
            : html`<span>Saving…</span>`}
        </div>
      </div>
    `;
  }

  override render() {
    const empty = this.messages.length === 0 && this.pending.length === 0 && this.notes.length === 0 && this.pendingNotes.length === 0;
    const entries = interleave(this.messages, this.notes);
    let seenAt = 0;
    for (const m of this.messages) if (m.author.type === 'agent' && m.seq <= this.seenSeq) seenAt = m.seq;
    return html`
      <div class="log" role="log" aria-label="Messages" tabindex="0" @scroll=${this.onScroll}>
        <div class="spacer"></div>
        ${repeat(
          entries,
          (e) => (e.kind === 'message' ? `m:${e.message.id}` : `n:${e.note.id}`),
          (e, i) => (e.kind === 'message' ? this.renderMessage(e.message, entries[i - 1], seenAt) : this.renderNote(e.note)),
        )}
        ${repeat(this.pending, (p) => p.clientId, (p) => this.renderPending(p))}
        ${repeat(this.pendingNotes, (p) => p.clientId, (p) => this.renderPendingNote(p))}
      </div>
      ${empty ? html`<p class="state" role="status">${this.loading ? 'Loading messages…' : 'No messages yet.'}</p>` : nothing}
      ${this.newBelow
        ? html`<button class="btn btn-small jump" type="button" @click=${this.jumpToLatest}>New messages below</button>`
        : nothing}
    `;
  }
}

if (!customElements.get('message-list')) customElements.define('message-list', MessageList);

declare global {
  interface HTMLElementTagNameMap {
    'message-list': MessageList;
  }
  interface GlobalEventHandlersEventMap {
    'message-retry': CustomEvent<MessageRetryDetail>;
    'note-retry': CustomEvent<MessageRetryDetail>;
  }
}
