import { LitElement, css, html, nothing, type PropertyValues, type PropertyDeclarations } from 'lit';
import type { PendingMessage } from '../../shared/conversation-stream.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { AttachmentDTO, Locale, MessageDTO, SystemEvent } from '../../shared/types.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { data, define } from './define.js';

/** Fetches an attachment with the visitor's session and resolves to an object URL. */
export type AttachmentLoader = (id: string) => Promise<string>;
import { sharedStyles } from './shared.styles.js';

/** Closer to the bottom than this, the list keeps following new messages. */
const STICK_DISTANCE_PX = 48;

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-retry': CustomEvent<{ clientId: string }>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-messages': MessageList;
  }
}

/**
 * The conversation's messages, then the visitor's unsent ones, then who is typing. Scrolls itself
 * and follows the newest message unless the visitor scrolled up to read, also when it shrinks.
 *
 * Only delivered messages are in the live region, so a message is announced once, not once while
 * sending and again when delivered.
 *
 * Attachments: images are previewed from an object URL (fetched with the session token, so the
 * host's CSP must allow `img-src blob:`); other files, and images not fetched yet, are download buttons.
 *
 * @fires chat-hybrid-retry - The visitor asked to send a failed message again.
 */
export class MessageList extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        overscroll-behavior: contain;
        padding: 12px 14px;
      }
      .log {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .message {
        display: flex;
        flex-direction: column;
        max-width: 82%;
      }
      .mine {
        align-self: flex-end;
        align-items: flex-end;
      }
      .theirs {
        align-self: flex-start;
        align-items: flex-start;
      }
      .author {
        margin: 6px 0 2px 4px;
        font-size: 12px;
        font-weight: 600;
        color: var(--_muted);
      }
      .bubble {
        margin: 0;
        padding: 8px 12px;
        border-radius: 16px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .mine .bubble {
        border-bottom-right-radius: 4px;
        background: var(--_accent);
        color: var(--_accent-text);
      }
      .theirs .bubble {
        border-bottom-left-radius: 4px;
        background: var(--_surface);
      }
      .meta {
        margin: 2px 4px 0;
        font-size: 11px;
        color: var(--_muted);
      }
      .system {
        align-self: center;
        margin: 8px 0;
        font-size: 12px;
        color: var(--_muted);
        text-align: center;
      }
      .system .meta {
        margin: 0;
      }
      .outbox {
        display: flex;
        flex-direction: column;
        gap: 6px;
        margin-top: 6px;
      }
      .pending .bubble {
        opacity: 0.7;
      }
      .failed .bubble {
        opacity: 1;
        background: var(--_surface);
        color: var(--_text);
        border: 1px solid var(--_danger);
      }
      .failed .meta {
        color: var(--_danger);
      }
      .retry {
        margin-left: 6px;
        padding: 0;
        border: 0;
        background: none;
        color: inherit;
        font-weight: 600;
        text-decoration: underline;
      }
      .files {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin-top: 4px;
      }
      .mine .files {
        align-items: flex-end;
      }
      .files img {
        display: block;
        max-width: 100%;
        max-height: 200px;
        border-radius: 12px;
      }
      .file {
        padding: 6px 10px;
        border: 1px solid var(--_border);
        border-radius: 10px;
        background: var(--_background);
        font-size: 13px;
        overflow-wrap: anywhere;
        text-align: start;
      }
      .typing {
        margin: 8px 4px 0;
        font-size: 12px;
        font-style: italic;
        color: var(--_muted);
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    messages: data,
    pending: data,
    typing: {},
    seen: data,
    locale: {},
    t: data,
    load: data,
  };

  messages: readonly MessageDTO[] = [];
  pending: readonly PendingMessage[] = [];
  /** "Anna is typing…", or empty. */
  typing = '';
  /** An agent has seen the stream up to this seq: "Seen" goes under the visitor's newest message up to it. */
  seen = 0;
  locale: Locale = 'en';
  t!: Translate;
  load!: AttachmentLoader;

  private stick = true;
  /** Object URLs of the images previewed, by attachment id; asked for once per list. */
  private readonly previews = new Map<string, string>();
  private formats: { locale: Locale; time: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat } | null = null;

  constructor() {
    super();
    let top = 0;
    this.addEventListener('scroll', () => {
      // Only scrolling up lets go of the end: a jump of ours is seen only after the list may have
      // shrunk under it (the end-of-chat view rendering below), and must not count as reading back.
      this.stick = this.scrollHeight - this.scrollTop - this.clientHeight < STICK_DISTANCE_PX || (this.stick && this.scrollTop >= top);
      top = this.scrollTop;
    });
    // Shrinking does not scroll: when the end-of-chat view, a taller composer or a keyboard takes
    // room below, the newest message would slip out of view; so follow size changes too, with an
    // instant jump, never an animation. Hidden (the panel closed), it cannot scroll: it shows the
    // newest message when it opens again.
    new ResizeObserver(() => {
      if (!this.clientHeight) this.stick = true;
      this.updated();
    }).observe(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The visitor's own new message is always brought into view.
    const before = changed.get('pending');
    if (before && this.pending.length > before.length) this.stick = true;
  }

  protected override updated(): void {
    if (this.stick) this.scrollTop = this.scrollHeight;
  }

  protected override render() {
    let seen = 0;
    for (const m of this.messages) if (m.author.type == 'visitor' && m.seq <= this.seen) seen = m.seq;
    return html`
      <div class="log" role="log" aria-live="polite" aria-label=${this.t('messages')}>
        ${this.messages.map((message, i) => this.renderMessage(message, this.messages[i - 1], seen))}
      </div>
      <div class="outbox">${this.pending.map((item) => this.renderPending(item))}</div>
      ${this.typing ? html`<p class="typing">${this.typing}</p>` : nothing}
    `;
  }

  private renderMessage(message: MessageDTO, previous: MessageDTO | undefined, seen: number) {
    const time = html`<time class="meta" datetime=${message.createdAt}>${this.formatTime(message.createdAt)}</time>`;
    if (message.author.type === 'system') {
      // Never the body: system messages are rendered in the visitor's language from their event.
      const text = message.system ? this.systemText(message.system) : null;
      return text ? html`<p class="system">${text} · ${time}</p>` : nothing;
    }
    if (message.author.type === 'visitor') {
      return html`<div class="message mine">
        <span class="sr-only">${this.t('you')}:</span>
        ${this.renderContent(message)} ${time}${message.seq == seen ? html`<span class="meta">${this.t('seen')}</span>` : nothing}
      </div>`;
    }
    // Name an agent once per run of their messages; screen readers still hear it every time.
    const sameAuthor = previous?.author.type === 'agent' && previous.author.id === message.author.id;
    return html`<div class="message theirs">
      <span class=${sameAuthor ? 'sr-only' : 'author'}>${message.author.name ?? this.t('agent')}</span>
      ${this.renderContent(message)} ${time}
    </div>`;
  }

  /** The text, if any, then the attachments. */
  private renderContent({ body, attachments }: { body: string; attachments: readonly AttachmentDTO[] }, sent = true) {
    return html`${body ? html`<p class="bubble">${body}</p>` : nothing}
    ${attachments.length
      ? html`<div class="files">
          ${attachments.map((file) => (sent ? this.renderFile(file) : html`<span class="meta">${file.name}</span>`))}
        </div>`
      : nothing}`;
  }

  private renderFile(file: AttachmentDTO) {
    const { id, name, size } = file;
    if (file.inline && !this.previews.has(id)) {
      this.previews.set(id, '');
      this.load(id).then(
        (url) => {
          this.previews.set(id, url);
          this.requestUpdate();
        },
        // The download button stays; a click tries again.
        () => this.previews.delete(id),
      );
    }
    const url = this.previews.get(id);
    return url
      ? html`<a href=${url} target="_blank" rel="noopener"><img src=${url} alt=${name} /></a>`
      : html`<button type="button" class="file" aria-label=${this.t('download', { name })} @click=${() => this.download(file)}>
          ⤓ ${name} · ${new Intl.NumberFormat(this.locale, { style: 'unit', unit: size < 1048576 ? 'kilobyte' : 'megabyte', maximumFractionDigits: 1 }).format(size < 1048576 ? Math.ceil(size / 1024) : size / 1048576)}
        </button>`;
  }

  private async download({ id, name }: AttachmentDTO): Promise<void> {
    const a = document.createElement('a');
    a.download = name;
    try {
      a.href = await this.load(id);
    } catch {
      // Not available now (offline, session gone): the button stays for another try.
      return;
    }
    a.click();
  }

  private renderPending(item: PendingMessage) {
    const failed = item.state === 'failed';
    return html`<div class="message mine pending ${failed ? 'failed' : ''}">
      ${this.renderContent(item, false)}
      ${failed
        ? html`<p class="meta" role="alert">
            ${this.t(sendErrorKey(item.error))}
            <button type="button" class="retry" @click=${() => this.retry(item.clientId)}>${this.t('retry')}</button>
          </p>`
        : html`<p class="meta">${this.t('sending')}</p>`}
    </div>`;
  }

  private systemText(event: SystemEvent): string | null {
    switch (event.kind) {
      case 'chat.started':
        return this.t('systemStarted');
      case 'agent.joined':
        return this.t('systemAgentJoined', { name: event.agentName });
      case 'chat.ended':
        return this.t(event.by === 'visitor' ? 'systemEndedByVisitor' : 'systemEndedByAgent');
      case 'ticket.created':
        return this.t('systemTicketCreated', { number: String(event.number) });
      case 'ticket.status':
        return this.t('systemTicketStatus', { status: this.t(`status:${event.status}`) });
      case 'ticket.follow-up':
        return this.t('systemFollowUp', { number: String(event.of) });
      default:
        // A kind this build does not know yet: say nothing rather than something wrong.
        return null;
    }
  }

  /** The time of day, with the date for messages from before today. */
  private formatTime(iso: string): string {
    if (this.formats?.locale !== this.locale) {
      this.formats = {
        locale: this.locale,
        time: new Intl.DateTimeFormat(this.locale, { hour: 'numeric', minute: '2-digit' }),
        dateTime: new Intl.DateTimeFormat(this.locale, { dateStyle: 'short', timeStyle: 'short' }),
      };
    }
    const date = new Date(iso);
    const today = date.toDateString() === new Date().toDateString();
    return (today ? this.formats.time : this.formats.dateTime).format(date);
  }

  private retry(clientId: string): void {
    this.dispatchEvent(new CustomEvent('chat-hybrid-retry', { detail: { clientId }, bubbles: true, composed: true }));
  }
}

/** A refused send in the visitor's words; the server's own message is for developers. */
function sendErrorKey(error: ErrorBody | undefined): MessageKey {
  switch (error?.code) {
    case 'VALIDATION':
      return 'sendRejected';
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'CONFLICT':
      return 'sendClosed';
    default:
      return 'sendFailed';
  }
}

define('chat-hybrid-messages', MessageList);
