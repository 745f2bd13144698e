import { LitElement, css, html, nothing, svg } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { ConversationStream } from '../../../shared/conversation-stream.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/limits.js';
import { ATTACHMENT_TYPES, MAX_ATTACHMENTS_PER_MESSAGE, MAX_ATTACHMENT_BYTES } from '../../../shared/tickets.js';
import type { AttachmentDTO } from '../../../shared/types.js';
import type { I18n } from '../i18n/index.js';
import { define } from '../lib/define.js';
import { errorBody } from '../lib/errors.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { baseStyles } from '../portal.styles.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'portal-sent': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'portal-reply-composer': ReplyComposer;
  }
}

const paperclip = html`<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
  ${svg`<path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>`}
</svg>`;

const TYPES = ATTACHMENT_TYPES as Readonly<Record<string, { extensions: readonly string[] }>>;
const EXTENSIONS = new Set(Object.values(TYPES).flatMap((t) => t.extensions));
/** The file picker's filter: the accepted types, and their extensions for systems that name files oddly. */
const ACCEPT = [...Object.keys(TYPES), ...[...EXTENSIONS].map((e) => `.${e}`)].join(',');

/** A first check of a file; the server decides by the content. Browsers leave `type` empty for some (.log). */
function acceptedType(file: File): boolean {
  if (file.type && Object.prototype.hasOwnProperty.call(TYPES, file.type)) return true;
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  return EXTENSIONS.has(ext);
}

/**
 * The reply box under a ticket: text, files (checked against the shared limits before upload),
 * Send. Files are uploaded first; the message then goes into the stream's outbox, which shows it
 * as pending until the server has it and lets the customer retry a failed one.
 *
 * Ctrl+Enter (⌘+Enter) sends; Enter makes a new line, as replies are often several paragraphs.
 *
 * @fires portal-sent - A reply went into the outbox.
 */
export class ReplyComposer extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      textarea {
        min-height: 7rem;
      }
      .attach input:focus-visible + label {
        outline: 2px solid var(--p-focus);
        outline-offset: 2px;
      }
      .attach label {
        display: inline-flex;
        margin: 0;
        cursor: pointer;
      }
      .chosen {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 0.75rem 0 0;
        padding: 0;
        list-style: none;
      }
      .chosen li {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        max-width: 100%;
        padding: 0.2rem 0.3rem 0.2rem 0.7rem;
        border: 1px solid var(--p-border);
        border-radius: 999px;
        background: var(--p-surface-2);
        font-size: 0.875rem;
      }
      .chosen .name {
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
      .remove {
        min-width: 2rem;
        min-height: 2rem;
        border: 0;
        border-radius: 999px;
        background: none;
        font-size: 1.1rem;
        line-height: 1;
      }
      .remove:hover {
        background: var(--p-border);
      }
      .send {
        margin-inline-start: auto;
      }
    `,
  ];

  @property({ attribute: false }) i18n!: I18n;
  @property({ attribute: false }) connection: PortalConnection | null = null;
  @property({ attribute: false }) stream: ConversationStream | null = null;

  @state() private files: File[] = [];
  @state() private error = '';
  @state() private uploading = false;
  @query('textarea') private textarea?: HTMLTextAreaElement;

  override focus(): void {
    this.textarea?.focus();
  }

  protected override render() {
    return html`<form novalidate @submit=${this.submit}>
      <label for="reply">${this.i18n.t('replyLabel')}</label>
      <textarea id="reply" name="body" maxlength=${MAX_MESSAGE_LENGTH} aria-describedby="reply-error" ?disabled=${this.uploading} @keydown=${this.onKey} @paste=${this.onPaste}></textarea>
      <p class="error" id="reply-error" role="alert">${this.error}</p>
      ${this.files.length
        ? html`<ul class="chosen">
            ${this.files.map(
              (f, i) => html`<li>
                <span class="name">${f.name}</span> <span class="hint">${this.i18n.size(f.size)}</span>
                <button class="remove" type="button" aria-label=${this.i18n.t('removeFile', { name: f.name })} ?disabled=${this.uploading} @click=${() => this.removeFile(i)}>
                  <span aria-hidden="true">×</span>
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      <div class="actions">
        <span class="attach">
          <input id="files" class="sr-only" type="file" multiple accept=${ACCEPT} aria-describedby="files-hint" ?disabled=${this.uploading} @change=${this.onFiles} />
          <label for="files" class="btn">${paperclip} ${this.i18n.t('attachFiles')}</label>
        </span>
        <button class="btn primary send" type="submit" ?disabled=${this.uploading}>${this.uploading ? this.i18n.t('uploading') : this.i18n.t('send')}</button>
      </div>
      <p class="hint" id="files-hint">${this.i18n.t('attachHint', { count: MAX_ATTACHMENTS_PER_MESSAGE, size: this.i18n.size(MAX_ATTACHMENT_BYTES) })}</p>
    </form>`;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.renderRoot.querySelector('form')?.requestSubmit();
    }
  }

  private onPaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    this.add(files);
  }

  private onFiles(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.add([...(input.files ?? [])]);
    // Picking the same file again after removing it must fire `change` again.
    input.value = '';
  }

  private add(picked: File[]): void {
    const problems: string[] = [];
    const files = [...this.files];
    for (const file of picked) {
      if (!acceptedType(file)) problems.push(this.i18n.t('fileType', { name: file.name }));
      else if (file.size > MAX_ATTACHMENT_BYTES) problems.push(this.i18n.t('fileTooBig', { name: file.name, size: this.i18n.size(MAX_ATTACHMENT_BYTES) }));
      else if (files.length >= MAX_ATTACHMENTS_PER_MESSAGE) {
        problems.push(this.i18n.t('tooManyFiles', { count: MAX_ATTACHMENTS_PER_MESSAGE }));
        break;
      } else files.push(file);
    }
    this.files = files;
    this.error = problems.join(' ');
  }

  private removeFile(index: number): void {
    this.files = this.files.filter((_, i) => i !== index);
    this.error = '';
    // The removed chip's button is gone: keep focus in the composer.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.remove, #files')?.focus());
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const stream = this.stream;
    const textarea = this.textarea;
    if (!stream || !textarea || !this.connection || this.uploading) return;
    const body = textarea.value.trim();
    if (!body && this.files.length === 0) {
      this.error = this.i18n.t('emptyReply');
      textarea.focus();
      return;
    }
    this.error = '';
    let attachments: AttachmentDTO[] = [];
    if (this.files.length) {
      this.uploading = true;
      try {
        attachments = await this.connection.upload(this.files, stream.conversationId);
      } catch (error) {
        const b = errorBody(error);
        // The server's reason (a refused type, say) helps more than "try again" when the files are at fault.
        this.error = b.code === 'VALIDATION' ? `${this.i18n.t('uploadFailed')} ${b.message}` : this.i18n.t('uploadFailed');
        return;
      } finally {
        this.uploading = false;
      }
    }
    stream.send(body, attachments);
    textarea.value = '';
    this.files = [];
    await this.updateComplete;
    textarea.focus();
    this.dispatchEvent(new CustomEvent('portal-sent', { detail: null, bubbles: true, composed: true }));
  }
}

define('portal-reply-composer', ReplyComposer);
