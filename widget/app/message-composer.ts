import { LitElement, css, html, type PropertyDeclarations } from 'lit';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits.js';
import type { AttachmentDTO } from '../../shared/types.js';
import type { Translate } from '../i18n/index.js';
import { AttachmentDraft, attachmentStyles, type Uploader } from './attachment-draft.js';
import { data, define } from './define.js';
import { sendIcon } from './icons.js';
import { sharedStyles } from './shared.styles.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-send': CustomEvent<{ body: string; attachments: AttachmentDTO[] }>;
    'chat-hybrid-draft': CustomEvent<{ empty: boolean }>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-composer': MessageComposer;
  }
}

/**
 * Where the visitor writes. Enter sends, Shift+Enter starts a new line; focusing the element
 * focuses its text field. Files come from the paperclip, or are pasted or dropped; they are uploaded
 * at once and sent with the message.
 *
 * @fires chat-hybrid-send - A message to send: trimmed text, attachments, or both.
 * @fires chat-hybrid-draft - The text changed; for the typing indicator.
 */
export class MessageComposer extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    sharedStyles,
    attachmentStyles,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--_border);
        background: var(--_background);
      }
      form {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 8px;
        padding: 10px 10px 10px 6px;
      }
      .chips,
      .error {
        flex: 1 0 100%;
        padding-left: 8px;
      }
      textarea {
        flex: 1;
        min-height: 40px;
        max-height: 120px;
        padding: 9px 12px;
        border: 1px solid var(--_border);
        border-radius: 20px;
        background: var(--_background);
        resize: none;
        field-sizing: content;
        line-height: 1.4;
      }
      textarea::placeholder {
        color: var(--_muted);
      }
      textarea:focus-visible {
        outline-offset: 0;
        border-color: var(--_accent);
      }
      .send {
        flex: none;
        display: grid;
        place-items: center;
        width: 40px;
        height: 40px;
        border: 0;
        border-radius: 50%;
        background: var(--_accent);
        color: var(--_accent-text);
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    t: data,
    upload: data,
  };

  t!: Translate;
  upload!: Uploader;
  private get input(): HTMLTextAreaElement {
    return this.renderRoot.querySelector('textarea')!;
  }
  private readonly files = new AttachmentDraft(this);

  /** The text field, not the first control (the paperclip): the visitor came to write. */
  override focus(options?: FocusOptions): void {
    this.input.focus(options);
  }

  protected override render() {
    return html`<form
      @submit=${this.onSubmit}
      @dragover=${(e: DragEvent) => e.preventDefault()}
      @drop=${(e: DragEvent) => this.files.take(e.dataTransfer) && e.preventDefault()}
    >
      ${this.files.chips()} ${this.files.button()}
      <label class="sr-only" for="message">${this.t('composerLabel')}</label>
      <textarea
        id="message"
        rows="1"
        maxlength=${MAX_MESSAGE_LENGTH}
        placeholder=${this.t('composerPlaceholder')}
        enterkeyhint="send"
        @keydown=${this.onKeydown}
        @input=${this.onInput}
        @paste=${(e: ClipboardEvent) => this.files.take(e.clipboardData) && e.preventDefault()}
      ></textarea>
      <button type="submit" class="send" aria-label=${this.t('send')} title=${this.t('send')}>${sendIcon}</button>
    </form>`;
  }

  private onKeydown(event: KeyboardEvent): void {
    // Not while an input method is composing (Chinese, say): there Enter picks the characters.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  private onInput(): void {
    this.dispatch('chat-hybrid-draft', { empty: this.input.value.trim() === '' });
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.submit();
  }

  private submit(): void {
    const body = this.input.value.trim();
    const { attachments } = this.files;
    // Wait for uploads: a message goes with all its files or not yet.
    if ((!body && !attachments.length) || this.files.uploading) return;
    this.input.value = '';
    this.files.clear();
    this.dispatch('chat-hybrid-send', { body, attachments });
    this.input.focus();
  }

  private dispatch<K extends 'chat-hybrid-send' | 'chat-hybrid-draft'>(
    type: K,
    detail: GlobalEventHandlersEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

define('chat-hybrid-composer', MessageComposer);
