import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { PendingMessage } from '../../../shared/conversation-stream.js';
import type { AttachmentDTO, MessageDTO } from '../../../shared/types.js';
import type { I18n } from '../i18n/index.js';
import { define } from '../lib/define.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { baseStyles } from '../portal.styles.js';
import './attachment-view.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'portal-retry': CustomEvent<{ clientId: string }>;
  }
  interface HTMLElementTagNameMap {
    'portal-message-log': MessageLog;
  }
}

/**
 * A ticket's whole history in order: the customer's messages, the agents', and system lines in
 * the customer's language; then the customer's unsent messages with their state. Every text
 * shown here is rendered as text.
 *
 * @fires portal-retry - The customer asked to send a failed message again.
 */
export class MessageLog extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ol {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .message {
        max-width: min(100%, 42rem);
        padding: 0.75rem 1rem;
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius);
        background: var(--p-surface);
      }
      .mine {
        align-self: flex-end;
        border-color: transparent;
        background: var(--p-mine);
      }
      .theirs {
        align-self: flex-start;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: baseline;
        margin-bottom: 0.35rem;
        font-size: 0.875rem;
      }
      .author {
        font-weight: 700;
      }
      time,
      .state {
        color: var(--p-muted);
      }
      .body {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .files {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        margin: 0.5rem 0 0;
        padding: 0;
        list-style: none;
      }
      .system {
        align-self: center;
        max-width: 40rem;
        color: var(--p-muted);
        font-size: 0.875rem;
        text-align: center;
      }
      .pending {
        opacity: 0.75;
      }
      .failed {
        opacity: 1;
        border: 1px solid var(--p-danger);
      }
      .failed .state {
        color: var(--p-danger);
      }
    `,
  ];

  @property({ attribute: false }) messages: readonly MessageDTO[] = [];
  @property({ attribute: false }) pending: readonly PendingMessage[] = [];
  @property({ attribute: false }) connection: PortalConnection | null = null;
  @property({ attribute: false }) i18n!: I18n;

  protected override render() {
    return html`<ol data-testid="history">
      ${repeat(
        this.messages,
        (m) => m.id,
        (m) => this.renderMessage(m),
      )}
      ${repeat(
        this.pending,
        (p) => p.clientId,
        (p) => this.renderPending(p),
      )}
    </ol>`;
  }

  private renderMessage(m: MessageDTO) {
    const time = html`<time datetime=${m.createdAt}>${this.i18n.date(m.createdAt)}</time>`;
    if (m.author.type === 'system') {
      // Rendered from the event in the customer's language, never from the stored body.
      const text = m.system ? this.i18n.system(m.system) : '';
      return text ? html`<li class="system">${text} · ${time}</li>` : nothing;
    }
    const mine = m.author.type === 'visitor';
    const author = mine ? this.i18n.t('you') : m.author.name || this.i18n.t('support');
    return html`<li class="message ${mine ? 'mine' : 'theirs'}" data-author=${m.author.type}>
      <div class="head"><span class="author">${author}</span>${time}</div>
      ${m.body ? html`<p class="body">${m.body}</p>` : nothing} ${this.renderFiles(m.attachments)}
    </li>`;
  }

  private renderPending(p: PendingMessage) {
    const failed = p.state === 'failed';
    return html`<li class="message mine pending ${failed ? 'failed' : ''}" data-author="visitor" data-pending=${p.state}>
      <div class="head">
        <span class="author">${this.i18n.t('you')}</span>
        ${failed
          ? html`<span class="state" role="alert">${this.i18n.t('notSent')} ${p.error?.message ?? ''}</span>
              <button class="link" type="button" @click=${() => this.retry(p.clientId)}>${this.i18n.t('retry')}</button>`
          : html`<span class="state">${this.i18n.t('sending')}</span>`}
      </div>
      ${p.body ? html`<p class="body">${p.body}</p>` : nothing}
      ${p.attachments.length ? html`<ul class="files">${p.attachments.map((a) => html`<li>${a.name} (${this.i18n.size(a.size)})</li>`)}</ul>` : nothing}
    </li>`;
  }

  private renderFiles(attachments: readonly AttachmentDTO[]) {
    if (!attachments.length) return nothing;
    return html`<div class="files" role="group" aria-label=${this.i18n.t('attachments')}>
      ${attachments.map((a) => html`<portal-attachment .attachment=${a} .connection=${this.connection} .i18n=${this.i18n}></portal-attachment>`)}
    </div>`;
  }

  private retry(clientId: string): void {
    this.dispatchEvent(new CustomEvent('portal-retry', { detail: { clientId }, bubbles: true, composed: true }));
  }
}

define('portal-message-log', MessageLog);
