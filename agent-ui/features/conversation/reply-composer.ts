import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { PlaceholderValues } from '../../../shared/canned-placeholders.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/limits.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, MAX_NOTE_LENGTH } from '../../../shared/tickets.js';
import type { AttachmentDTO } from '../../../shared/types.js';
import { attachmentErrorText, type AttachmentClient } from '../../controllers/attachments.js';
import type { ComposeMode } from '../../controllers/drafts.js';
import { ACCEPT_ATTRIBUTE, checkFiles } from '../../lib/attachments.js';
import { formatBytes } from '../../lib/format.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { CANNED_LIST_ID, CannedPicker, cannedPickerStyles } from '../canned/canned-picker.js';

export interface ReplyInputDetail {
  value: string;
}

export interface ReplySendDetail {
  body: string;
  /** Uploaded files to send with a reply; always empty for a note. */
  attachments: AttachmentDTO[];
  mode: ComposeMode;
}

export interface ReplyModeDetail {
  mode: ComposeMode;
}

export interface AttachmentsAddedDetail {
  conversationId: string;
  attachments: AttachmentDTO[];
}

export interface AttachmentRemovedDetail {
  conversationId: string;
  attachmentId: string;
}

interface Upload {
  key: number;
  conversationId: string;
  names: string[];
}

/** The counter shows once a text gets this close to the limit. */
const COUNTER_MARGIN = 500;

/**
 * The reply box: Enter sends, Shift+Enter starts a new line. The draft (text, uploaded files, mode)
 * is owned by the parent, so switching conversations keeps each one's draft.
 *
 * With `uploader`, files can be attached (button, drop or paste): they are checked against the
 * limits, uploaded at once, and sent by id with the reply. With `allowNotes`, a Reply / Internal
 * note switch turns it into the note composer (no files; marked so it is never mistaken for a reply).
 * With `disabledReason`, everything is disabled and the reason shown.
 *
 * @fires reply-input - `{value}` on every edit.
 * @fires reply-mode - `{mode}` when the agent switches between reply and internal note.
 * @fires attachments-added - `{conversationId, attachments}` once files are uploaded.
 * @fires attachment-removed - `{conversationId, attachmentId}` when the agent takes a file off.
 * @fires reply-send - `{body, attachments, mode}` (within the limits; a reply may be files alone).
 */
export class ReplyComposer extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    cannedPickerStyles,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 1rem;
        border-top: 1px solid var(--ah-border);
        background: var(--ah-surface);
      }
      :host([data-note]) {
        background: var(--ah-note-bg);
        border-top-color: var(--ah-note-border);
      }
      .modes {
        display: flex;
        gap: 0.25rem;
        margin: 0 0 0.6rem;
        padding: 0;
        border: 0;
      }
      .modes label {
        position: relative;
        display: inline-flex;
        align-items: center;
        padding: 0.3rem 0.8rem;
        border-radius: 999px;
        border: 1px solid var(--ah-border);
        background: var(--ah-surface);
        font-size: 0.8125rem;
        font-weight: 550;
        cursor: pointer;
      }
      .modes input {
        position: absolute;
        opacity: 0;
        inset: 0;
        margin: 0;
        cursor: pointer;
      }
      .modes label:has(input:checked) {
        background: var(--ah-accent-soft);
        border-color: var(--ah-accent);
      }
      .modes label.note:has(input:checked) {
        background: var(--ah-note-bg);
        border-color: var(--ah-note-border);
        color: var(--ah-note-text);
      }
      .modes label:has(input:focus-visible) {
        outline: 2px solid var(--ah-focus);
        outline-offset: 2px;
      }
      .modes label:has(input:disabled) {
        opacity: 0.55;
        cursor: not-allowed;
      }
      .note-warning {
        margin: 0 0 0.5rem;
        font-size: 0.8125rem;
        font-weight: 600;
        color: var(--ah-note-text);
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
        font-size: 0.9375rem;
        line-height: 1.4;
      }
      :host([data-note]) textarea {
        border-color: var(--ah-note-border);
        background: var(--ah-surface);
      }
      textarea:focus-visible {
        outline: 2px solid var(--ah-focus);
        outline-offset: 0;
        border-color: var(--ah-focus);
        background: var(--ah-surface);
      }
      textarea:disabled {
        cursor: not-allowed;
        opacity: 0.7;
      }
      form.drop textarea {
        border-style: dashed;
        border-color: var(--ah-accent);
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
      .row > .btn {
        min-height: 2.75rem;
        padding-inline: 1.2rem;
      }
      .attach {
        padding-inline: 0.8rem;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        margin: 0 0 0.5rem;
        padding: 0;
        list-style: none;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        max-width: 100%;
        padding: 0.15rem 0.2rem 0.15rem 0.6rem;
        border-radius: 999px;
        border: 1px solid var(--ah-border);
        background: var(--ah-surface-2);
        font-size: 0.8125rem;
      }
      .chip.uploading {
        padding-right: 0.6rem;
        color: var(--ah-text-muted);
      }
      .chip .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 16rem;
      }
      .chip .size {
        color: var(--ah-text-muted);
      }
      .chip button {
        display: grid;
        place-items: center;
        width: 1.5rem;
        height: 1.5rem;
        padding: 0;
        border: 0;
        border-radius: 50%;
        background: transparent;
        color: inherit;
      }
      .chip button:hover {
        background: var(--ah-border);
      }
      .problems {
        margin: 0 0 0.5rem;
        padding: 0.4rem 0.7rem;
        border-radius: var(--ah-radius-sm);
        background: var(--ah-danger-soft);
        color: var(--ah-danger);
        font-size: 0.8125rem;
        display: flex;
        align-items: flex-start;
        justify-content: space-between;
        gap: 0.5rem;
      }
      .problems ul {
        margin: 0;
        padding: 0 0 0 1rem;
      }
      .problems button {
        flex-shrink: 0;
      }
      .disabled-reason {
        margin: 0 0 0.5rem;
        font-size: 0.875rem;
        color: var(--ah-text-muted);
      }
      input[type='file'] {
        display: none;
      }
    `,
  ];

  @property() value = '';
  @property({ attribute: false }) attachments: readonly AttachmentDTO[] = [];
  /** Enables files; without it the composer is text only. */
  @property({ attribute: false }) uploader: AttachmentClient | null = null;
  /** Where uploads belong; also what tells two conversations' drafts apart. */
  @property() conversationId = '';
  @property({ type: Boolean }) allowNotes = false;
  @property() mode: ComposeMode = 'reply';
  /** When set, nothing can be written and this says why (e.g. a closed ticket). */
  @property() disabledReason = '';
  /** Values for canned replies' placeholders; with them, "/" opens the canned-reply picker. */
  @property({ attribute: false }) placeholders: PlaceholderValues | null = null;

  @state() private uploads: Upload[] = [];
  @state() private problems: string[] = [];
  @state() private dragging = false;
  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('input[type=file]') private fileInput?: HTMLInputElement;
  private uploadSeq = 0;
  private readonly canned = new CannedPicker(this, {
    textarea: () => this.textarea,
    values: () => (this.disabledReason ? null : this.placeholders),
    apply: (value, caret) => this.replaceText(value, caret),
  });

  /** Puts "/" at the caret and opens the canned-reply picker (the "/" shortcut outside the box). */
  openCanned(): void {
    const ta = this.textarea;
    if (!ta || ta.disabled || !this.placeholders) return;
    ta.focus();
    const at = ta.selectionStart;
    const gap = at > 0 && !/\s/.test(ta.value[at - 1]!) ? ' ' : '';
    this.replaceText(`${ta.value.slice(0, at)}${gap}/${ta.value.slice(ta.selectionEnd)}`, at + gap.length + 1);
  }

  private replaceText(value: string, caret: number): void {
    this.value = value;
    this.fire<ReplyInputDetail>('reply-input', { value });
    void this.updateComplete.then(() => {
      const ta = this.textarea;
      if (!ta) return;
      ta.focus();
      ta.setSelectionRange(caret, caret);
      this.canned.update();
    });
  }

  override focus(): void {
    this.textarea?.focus();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) this.problems = [];
    // Styled as a note only while one can be written: a locked composer is neither.
    this.toggleAttribute('data-note', this.isNote && !this.disabledReason);
  }

  private get isNote(): boolean {
    return this.allowNotes && this.mode === 'note';
  }

  private get canAttach(): boolean {
    return !!this.uploader && !this.isNote && !this.disabledReason;
  }

  private get body(): string {
    return this.value.trim();
  }

  private get limit(): number {
    return this.isNote ? MAX_NOTE_LENGTH : MAX_MESSAGE_LENGTH;
  }

  private get myUploads(): Upload[] {
    return this.uploads.filter((u) => u.conversationId === this.conversationId);
  }

  private get sendable(): boolean {
    if (this.disabledReason || this.body.length > this.limit) return false;
    if (this.isNote) return this.body.length > 0;
    return (this.body.length > 0 || this.attachments.length > 0) && this.myUploads.length === 0;
  }

  private fire<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private onInput(e: InputEvent): void {
    this.value = (e.target as HTMLTextAreaElement).value;
    this.fire<ReplyInputDetail>('reply-input', { value: this.value });
    this.canned.update();
  }

  /** The caret moved without an edit: the picker follows what is now before it. */
  private onCaretMove(e: Event): void {
    if (e instanceof KeyboardEvent && !['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(e.key)) return;
    this.canned.update();
  }

  private onMode(mode: ComposeMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.problems = [];
    this.fire<ReplyModeDetail>('reply-mode', { mode });
  }

  private onKeydown(e: KeyboardEvent): void {
    if (this.canned.keydown(e)) {
      e.preventDefault();
      // Escape closes the list, not what contains the composer.
      e.stopPropagation();
      return;
    }
    // isComposing: Enter that confirms an IME candidate must not send. Ctrl/⌘+Enter sends too.
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
    this.problems = [];
    this.fire<ReplySendDetail>('reply-send', {
      body: this.body,
      attachments: this.isNote ? [] : [...this.attachments],
      mode: this.isNote ? 'note' : 'reply',
    });
  }

  private pickFiles(): void {
    this.fileInput?.click();
  }

  private onFilesPicked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // Reset, so picking the same file again after removing it still fires `change`.
    input.value = '';
    void this.addFiles(files);
  }

  private onPaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length || !this.canAttach) return;
    e.preventDefault();
    void this.addFiles(files);
  }

  private onDragOver(e: DragEvent): void {
    if (!this.canAttach || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDrop(e: DragEvent): void {
    this.dragging = false;
    if (!this.canAttach || !e.dataTransfer?.files.length) return;
    e.preventDefault();
    void this.addFiles([...e.dataTransfer.files]);
  }

  private async addFiles(files: File[]): Promise<void> {
    const uploader = this.uploader;
    if (!uploader || !files.length || !this.canAttach) return;
    const conversationId = this.conversationId;
    const inFlight = this.myUploads.reduce((n, u) => n + u.names.length, 0);
    const { accepted, problems } = checkFiles(files, this.attachments.length + inFlight);
    this.problems = problems;
    if (!accepted.length) return;
    const key = ++this.uploadSeq;
    this.uploads = [...this.uploads, { key, conversationId, names: accepted.map((f) => f.name) }];
    try {
      const attachments = await uploader.upload(accepted, conversationId || undefined);
      this.fire<AttachmentsAddedDetail>('attachments-added', { conversationId, attachments });
    } catch (err) {
      if (this.conversationId === conversationId) {
        const names = accepted.map((f) => `"${f.name}"`).join(', ');
        this.problems = [...this.problems, `Could not upload ${names}: ${attachmentErrorText(err)}`];
      }
    } finally {
      this.uploads = this.uploads.filter((u) => u.key !== key);
    }
  }

  private removeAttachment(a: AttachmentDTO): void {
    this.fire<AttachmentRemovedDetail>('attachment-removed', { conversationId: this.conversationId, attachmentId: a.id });
    this.textarea?.focus();
  }

  private renderModes() {
    if (!this.allowNotes) return nothing;
    const disabled = !!this.disabledReason;
    return html`
      <fieldset class="modes" ?disabled=${disabled}>
        <legend class="sr-only">Write</legend>
        <label class="reply">
          <input type="radio" name="mode" value="reply" .checked=${live(!this.isNote)} @change=${() => this.onMode('reply')} />
          Public reply
        </label>
        <label class="note">
          <input type="radio" name="mode" value="note" .checked=${live(this.isNote)} @change=${() => this.onMode('note')} />
          Internal note
        </label>
      </fieldset>
    `;
  }

  private renderFiles() {
    const uploads = this.myUploads;
    if (!this.attachments.length && !uploads.length) return nothing;
    return html`
      <ul class="chips" aria-label="Files to send">
        ${this.attachments.map(
          (a) => html`<li class="chip">
            <span class="name" title=${a.name}>${a.name}</span>
            <span class="size">${formatBytes(a.size)}</span>
            <button type="button" aria-label="Remove ${a.name}" title="Remove" ?disabled=${!!this.disabledReason} @click=${() => this.removeAttachment(a)}>
              <span aria-hidden="true">×</span>
            </button>
          </li>`,
        )}
        ${uploads.flatMap((u) =>
          u.names.map(
            (name) => html`<li class="chip uploading" aria-busy="true">
              <span class="name" title=${name}>${name}</span><span>Uploading…</span>
            </li>`,
          ),
        )}
      </ul>
    `;
  }

  override render() {
    const length = this.body.length;
    const limit = this.limit;
    const over = length > limit;
    const disabled = !!this.disabledReason;
    const note = this.isNote && !disabled;
    const label = this.allowNotes ? (note ? 'Internal note text' : 'Reply to the customer') : 'Reply';
    return html`
      <form
        class=${this.dragging ? 'drop' : ''}
        @submit=${this.onSubmit}
        @dragover=${this.onDragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.onDrop}
      >
        ${this.renderModes()}
        ${disabled ? html`<p class="disabled-reason" role="status">${this.disabledReason}</p>` : nothing}
        ${note && !disabled ? html`<p class="note-warning">Internal note — customers never see this</p>` : nothing}
        ${note ? nothing : this.renderFiles()}
        ${this.problems.length
          ? html`<div class="problems" role="alert">
              <ul>
                ${this.problems.map((p) => html`<li>${p}</li>`)}
              </ul>
              <button class="btn btn-small" type="button" @click=${() => (this.problems = [])}>Dismiss</button>
            </div>`
          : nothing}
        <div class="row canned-anchor">
          ${this.canned.render()}
          <label class="sr-only" for="reply">${label}</label>
          <textarea
            id="reply"
            rows="1"
            placeholder=${note ? 'Write a note for your colleagues…' : this.allowNotes ? 'Reply to the customer…' : 'Type a message…'}
            aria-describedby="reply-hint"
            aria-invalid=${over ? 'true' : 'false'}
            aria-autocomplete=${ifDefined(this.placeholders ? 'list' : undefined)}
            aria-controls=${ifDefined(this.canned.open ? CANNED_LIST_ID : undefined)}
            aria-activedescendant=${ifDefined(this.canned.activeId)}
            ?disabled=${disabled}
            .value=${live(this.value)}
            @input=${this.onInput}
            @keydown=${this.onKeydown}
            @keyup=${this.onCaretMove}
            @click=${this.onCaretMove}
            @blur=${() => this.canned.hide()}
            @paste=${this.onPaste}
          ></textarea>
          ${this.uploader && !note
            ? html`<button
                  class="btn attach"
                  type="button"
                  title="Attach files"
                  aria-label="Attach files"
                  ?disabled=${disabled || this.attachments.length >= MAX_ATTACHMENTS_PER_MESSAGE}
                  @click=${this.pickFiles}
                >
                  <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />
                  </svg>
                </button>
                <input type="file" multiple accept=${ACCEPT_ATTRIBUTE} tabindex="-1" aria-hidden="true" @change=${this.onFilesPicked} />`
            : nothing}
          <button class="btn btn-primary" type="submit" ?disabled=${!this.sendable}>${note ? 'Add note' : 'Send'}</button>
        </div>
        <div class="hint" id="reply-hint">
          <span
            >Enter to send, Shift+Enter for a new line${this.placeholders && !disabled ? ', / for canned replies' : ''}${this.uploader && !note
              ? `. Up to ${MAX_ATTACHMENTS_PER_MESSAGE} files, ${formatBytes(MAX_ATTACHMENT_BYTES)} each`
              : ''}</span
          >
          ${length >= limit - COUNTER_MARGIN ? html`<span class=${over ? 'over' : ''}>${length} / ${limit}</span>` : nothing}
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
    'reply-mode': CustomEvent<ReplyModeDetail>;
    'reply-send': CustomEvent<ReplySendDetail>;
    'attachments-added': CustomEvent<AttachmentsAddedDetail>;
    'attachment-removed': CustomEvent<AttachmentRemovedDetail>;
  }
}
