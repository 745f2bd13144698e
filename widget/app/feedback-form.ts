import { LitElement, css, html, type PropertyDeclarations } from 'lit';
import { newClientId } from '../../shared/conversation-stream.js';
import { ATTACHMENT_TYPES } from '../../shared/tickets.js';
import type { Locale } from '../../shared/types.js';
import { MAX_FEEDBACK_COMMENT_LENGTH, MAX_FEEDBACK_SCREENSHOTS } from '../../shared/visitor-features.js';
import type { Translate } from '../i18n/index.js';
import { AttachmentDraft, attachmentStyles, type Uploader } from './attachment-draft.js';
import { data, define, internal } from './define.js';
import { sharedStyles } from './shared.styles.js';
import type { VisitorClient } from './visitor-client.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-back': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-feedback': FeedbackForm;
  }
}

/** Scores 1 to 5, beside their words (as the chat rating). */
const FACES = ['😖', '🙁', '😐', '🙂', '🤩'];
/** Screenshots are images: the image types any attachment may have. */
const IMAGES = Object.keys(ATTACHMENT_TYPES).filter((type) => type.startsWith('image/'));

/**
 * "Product feedback": a rating of the product from terrible to fantastic (native radios in a
 * radiogroup, so arrow keys move the choice), an optional comment and up to
 * MAX_FEEDBACK_SCREENSHOTS screenshots, picked, dropped or pasted and uploaded at once; then thanks.
 * A failed send keeps everything entered, and sending again reuses the client id, so a send that
 * did arrive is not stored twice. Focusing the element focuses its first control.
 *
 * @fires chat-hybrid-back - The visitor leaves the screen (Back, before sending or after).
 */
export class FeedbackForm extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    sharedStyles,
    attachmentStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        padding: 20px 18px;
      }
      form,
      .sent {
        display: grid;
        gap: 14px;
      }
      p {
        margin: 0;
      }
      #q,
      label[for] {
        font-weight: 600;
      }
      .scale {
        display: flex;
        gap: 4px;
        margin-top: 6px;
      }
      .scale label {
        flex: 1;
        display: grid;
        justify-items: center;
        padding: 2px 0 4px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        font-size: 11px;
        cursor: pointer;
      }
      .scale span {
        font-size: 22px;
      }
      .scale label:has(:checked) {
        border-color: var(--_accent);
        background: var(--_surface);
        font-weight: 600;
      }
      .scale label:has(:focus-visible) {
        outline: 2px solid var(--_focus);
      }
      textarea {
        width: 100%;
        min-height: 96px;
        margin-top: 4px;
        padding: 8px 10px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        background: var(--_background);
        resize: vertical;
      }
      .drop {
        display: grid;
        gap: 8px;
        justify-items: start;
        padding: 10px;
        border: 1px dashed var(--_border);
        border-radius: 8px;
      }
      .hint {
        font-size: 13px;
        color: var(--_muted);
      }
      .attach.button {
        width: auto;
        height: auto;
        border: 1px solid var(--_border);
        border-radius: 8px;
        color: inherit;
      }
      .row {
        display: flex;
        gap: 8px;
      }
      .row .primary {
        flex: 1;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    t: data,
    locale: {},
    client: data,
    score: internal,
    busy: internal,
    sent: internal,
    error: internal,
  };

  t!: Translate;
  locale: Locale = 'en';
  client!: VisitorClient;
  /** For AttachmentDraft. */
  upload: Uploader = (files, onProgress) => this.client.upload(files, undefined, onProgress);
  private score = 0;
  private busy = false;
  private sent = false;
  private error = '';
  /** Kept until the feedback is stored, so sending again after a failure cannot store it twice. */
  private readonly clientId = newClientId();
  private readonly files = new AttachmentDraft(this);

  protected override render() {
    const { t, busy } = this;
    if (this.sent) {
      return html`<div class="sent">
        <p role="status" tabindex="-1">${t('rateThanks')}</p>
        <p class="row"><button type="button" class="button primary" @click=${this.back}>${t('back')}</button></p>
      </div>`;
    }
    return html`<form
      novalidate
      @submit=${this.send}
      @dragover=${(e: DragEvent) => e.preventDefault()}
      @drop=${(e: DragEvent) => this.take(e, e.dataTransfer)}
      @paste=${(e: ClipboardEvent) => this.take(e, e.clipboardData)}
    >
      <div>
        <p id="q">${t('feedbackQuestion')}</p>
        <div class="scale" role="radiogroup" aria-labelledby="q">
          ${t('rateScale')
            .split('|')
            .map(
              (label, i) =>
                html`<label>
                  <input class="sr-only" type="radio" name="score" @change=${() => ((this.score = i + 1), (this.error = ''))} />
                  <span aria-hidden="true">${FACES[i]}</span>
                  ${label}
                </label>`,
            )}
        </div>
      </div>
      <div>
        <label for="comment">${t('rateComment')}</label>
        <textarea id="comment" maxlength=${MAX_FEEDBACK_COMMENT_LENGTH}></textarea>
      </div>
      <div class="drop" role="group" aria-labelledby="shots">
        <button type="button" id="shots" class="button attach" aria-describedby="shots-hint" @click=${this.pick}>${t('feedbackScreenshots')}</button>
        <input type="file" multiple hidden accept=${IMAGES.join()} @change=${this.picked} />
        <p id="shots-hint" class="hint">${t('feedbackScreenshotsHint', { max: String(MAX_FEEDBACK_SCREENSHOTS) })}</p>
        ${this.files.chips()}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="row">
        <button class="button primary" aria-disabled=${busy || this.files.uploading > 0}>${t(busy ? 'sending' : 'send')}</button>
        <button type="button" class="button" @click=${this.back}>${t('back')}</button>
      </div>
    </form>`;
  }

  /** Screenshots only: other files, and more than the limit, are refused before anything is uploaded. */
  private add(files: File[]): void {
    const { t, files: draft } = this;
    const other = files.find((f) => !IMAGES.includes(f.type));
    if (other) draft.error = t('feedbackImagesOnly', { name: other.name });
    else if (draft.attachments.length + draft.uploading + files.length > MAX_FEEDBACK_SCREENSHOTS) {
      draft.error = t('feedbackTooManyScreenshots', { max: String(MAX_FEEDBACK_SCREENSHOTS) });
    } else return void draft.add(files);
    this.requestUpdate();
  }

  /** Files dropped or pasted anywhere on the form; text is left to the browser. */
  private take(event: Event, transfer: DataTransfer | null): void {
    const files = [...(transfer?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    this.add(files);
  }

  private pick(event: Event): void {
    ((event.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click();
  }

  private picked(event: Event): void {
    const input = event.currentTarget as HTMLInputElement;
    this.add([...(input.files ?? [])]);
    // Picking the same file again must fire `change` again.
    input.value = '';
  }

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { t } = this;
    if (this.busy || this.files.uploading) return;
    if (!this.score) {
      this.error = t('feedbackScoreNeeded');
      this.renderRoot.querySelector('input')!.focus();
      return;
    }
    const comment = this.renderRoot.querySelector('textarea')!.value.trim();
    const screenshotIds = this.files.attachments.map((a) => a.id);
    this.busy = true;
    this.error = '';
    const result = await this.client.sendFeedback({
      clientId: this.clientId,
      score: this.score,
      ...(comment && { comment }),
      ...(screenshotIds.length && { screenshotIds }),
    });
    this.busy = false;
    if ('code' in result) {
      this.error = t(result.code == 'RATE_LIMITED' ? 'alertsFailed' : 'feedbackFailed');
      return;
    }
    this.sent = true;
    await this.updateComplete;
    this.renderRoot.querySelector('p')!.focus();
  }

  private back(): void {
    this.dispatchEvent(new CustomEvent('chat-hybrid-back', { detail: null, bubbles: true, composed: true }));
  }
}

define('chat-hybrid-feedback', FeedbackForm);
