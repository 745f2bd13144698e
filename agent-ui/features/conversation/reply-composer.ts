import { LitElement, css, html, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/limits.js';
import { baseStyles } from '../../styles/shared.js';

export interface ReplyInputDetail {
  value: string;
}

export interface ReplySendDetail {
  body: string;
}

/** The counter shows once a reply gets this close to the limit. */
const COUNTER_FROM = MAX_MESSAGE_LENGTH - 500;

/**
 * The reply box: Enter sends, Shift+Enter starts a new line. The draft is owned by the parent
 * (`value`), so switching chats keeps each chat's draft.
 *
 * @fires reply-input - `{value}` on every edit.
 * @fires reply-send - `{body}` (trimmed, non-empty, within the length limit).
 */
export class ReplyComposer extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 1rem;
        border-top: 1px solid var(--ah-border);
        background: var(--ah-surface);
      }
      .row {
        display: flex;
        align-items: flex-end;
        gap: 0.6rem;
      }
      textarea {
        display: block;
        flex: 1;
        min-width: 0;
        min-height: 2.75rem;
        max-height: 12rem;
        field-sizing: content;
        resize: none;
        padding: 0.65rem 0.8rem;
        border-radius: var(--ah-radius);
        border: 1px solid var(--ah-border);
        background: var(--ah-surface-2);
        color: var(--ah-text);
        font: inherit;
        font-size: 0.9375rem;
        line-height: 1.4;
      }
      textarea:focus-visible {
        outline: 2px solid var(--ah-focus);
        outline-offset: 0;
        border-color: var(--ah-focus);
        background: var(--ah-surface);
      }
      .hint {
        display: flex;
        justify-content: space-between;
        gap: 1rem;
        margin: 0.35rem 0.2rem 0;
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .over {
        color: var(--ah-danger);
        font-weight: 600;
      }
      .btn {
        min-height: 2.75rem;
        padding-inline: 1.2rem;
      }
    `,
  ];

  @property() value = '';
  @query('textarea') private textarea?: HTMLTextAreaElement;

  override focus(): void {
    this.textarea?.focus();
  }

  private get body(): string {
    return this.value.trim();
  }

  private get sendable(): boolean {
    return this.body.length > 0 && this.body.length <= MAX_MESSAGE_LENGTH;
  }

  private onInput(e: InputEvent): void {
    this.value = (e.target as HTMLTextAreaElement).value;
    this.dispatchEvent(new CustomEvent<ReplyInputDetail>('reply-input', { detail: { value: this.value }, bubbles: true, composed: true }));
  }

  private onKeydown(e: KeyboardEvent): void {
    // isComposing: Enter that confirms an IME candidate must not send.
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    this.send();
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    this.send();
    this.textarea?.focus();
  }

  private send(): void {
    if (!this.sendable) return;
    this.dispatchEvent(new CustomEvent<ReplySendDetail>('reply-send', { detail: { body: this.body }, bubbles: true, composed: true }));
  }

  override render() {
    const length = this.body.length;
    const over = length > MAX_MESSAGE_LENGTH;
    return html`
      <form @submit=${this.onSubmit}>
        <div class="row">
          <label class="sr-only" for="reply">Reply</label>
          <textarea
            id="reply"
            rows="1"
            placeholder="Type a message…"
            aria-describedby="reply-hint"
            aria-invalid=${over ? 'true' : 'false'}
            .value=${live(this.value)}
            @input=${this.onInput}
            @keydown=${this.onKeydown}
          ></textarea>
          <button class="btn btn-primary" type="submit" ?disabled=${!this.sendable}>Send</button>
        </div>
        <div class="hint" id="reply-hint">
          <span>Enter to send, Shift+Enter for a new line</span>
          ${length >= COUNTER_FROM
            ? html`<span class=${over ? 'over' : ''}>${length} / ${MAX_MESSAGE_LENGTH}</span>`
            : nothing}
        </div>
      </form>
    `;
  }
}

if (!customElements.get('reply-composer')) customElements.define('reply-composer', ReplyComposer);

declare global {
  interface HTMLElementTagNameMap {
    'reply-composer': ReplyComposer;
  }
  interface GlobalEventHandlersEventMap {
    'reply-input': CustomEvent<ReplyInputDetail>;
    'reply-send': CustomEvent<ReplySendDetail>;
  }
}
