import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { MAX_EMAIL_LENGTH, MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH } from '../../shared/limits.js';
import type { CategoryDTO } from '../../shared/types.js';
import { categoryLabel, type MessageKey, type Translate } from '../i18n/index.js';
import { AttachmentDraft, attachmentStyles, type Uploader } from './attachment-draft.js';
import { data, define, internal } from './define.js';
import { sharedStyles } from './shared.styles.js';

/**
 * `chat`: before a live chat (optional name and email); `ticket`: the offline form (name, email,
 * topic, message, files); `leave`: "leave a message instead" from the queue (email, topic);
 * `follow`: a follow-up of a closed ticket (topic, message, files).
 */
export type ContactFormMode = 'chat' | 'ticket' | 'leave' | 'follow';

/** What the visitor filled in; empty fields are left out. `category` is empty in the `chat` mode. */
export interface ContactDetails {
  name?: string;
  email?: string;
  category: string;
  body?: string;
  attachmentIds?: string[];
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-submit': CustomEvent<ContactDetails>;
    'chat-hybrid-cancel': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-form': ContactForm;
  }
}

const INTRO = { chat: 'intro', ticket: 'offlineIntro', leave: 'leaveIntro', follow: '' } as const;

/**
 * The forms that start something: a live chat or a ticket. Checks what it can before sending (an
 * email where one is needed, a topic, a message) and says what is wrong in the visitor's language.
 * Focusing the element focuses its first field.
 *
 * @fires chat-hybrid-submit - The visitor sent the form, and it passed its checks.
 * @fires chat-hybrid-cancel - The visitor went back without sending (`leave` and `follow`).
 */
export class ContactForm extends LitElement {
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
      .field {
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      .field {
        gap: 4px;
      }
      .intro {
        margin: 0 0 4px;
        font-size: 15px;
        white-space: pre-line;
      }
      label {
        font-size: 13px;
        font-weight: 600;
      }
      input,
      select,
      textarea {
        min-height: 40px;
        padding: 8px 10px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        background: var(--_background);
      }
      textarea {
        min-height: 96px;
        resize: vertical;
      }
      [aria-invalid='true'] {
        border-color: var(--_danger);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
      }
      .row .primary {
        flex: 1;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    t: data,
    mode: {},
    categories: data,
    emailMode: {},
    name: data,
    email: data,
    busy: { type: Boolean },
    error: {},
    upload: data,
    intro: {},
    invalid: internal,
  };

  t!: Translate;
  mode: ContactFormMode = 'chat';
  categories: readonly CategoryDTO[] = [];
  /** `hidden`: the server knows the email already (a logged-in user's, the chat's), or takes `email` as given. */
  emailMode: 'required' | 'optional' | 'hidden' = 'optional';
  /** Filled in: from the visitor's previous chat, or the logged-in user. */
  name = '';
  email = '';
  busy = false;
  /** Why sending failed, in the visitor's language; empty when it did not. */
  error = '';
  upload!: Uploader;
  /** The site's own words above the form (its greeting, its offline message); empty: the built-in ones. */
  intro = '';
  /** The id of the field that failed its check. */
  private invalid = '';
  private get form(): HTMLFormElement {
    return this.renderRoot.querySelector('form')!;
  }
  private readonly files = new AttachmentDraft(this);

  protected override render() {
    const { t, mode, emailMode } = this;
    const key = INTRO[mode];
    const intro = this.intro || (key && t(key));
    const required = emailMode === 'required';
    const chat = mode === 'chat';
    const single = this.categories.length === 1;
    return html`<form novalidate @submit=${this.onSubmit} @input=${() => (this.invalid = '')}>
      ${intro ? html`<p class="intro">${intro}</p>` : nothing}
      ${chat || mode === 'ticket'
        ? html`<div class="field">
            <label for="name">${t('nameLabel')}</label>
            <input id="name" name="name" autocomplete="name" maxlength=${MAX_NAME_LENGTH} .value=${this.name} />
          </div>`
        : nothing}
      ${emailMode === 'hidden'
        ? nothing
        : html`<div class="field">
            <label for="email">${t(required ? 'emailRequiredLabel' : 'emailLabel')}</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="email"
              maxlength=${MAX_EMAIL_LENGTH}
              ?required=${required}
              .value=${this.email}
              aria-invalid=${this.invalid === 'email'}
            />
            ${this.fieldError('email', required ? 'emailNeeded' : 'emailInvalid')}
          </div>`}
      ${chat
        ? nothing
        : html`<div class="field">
            <label for="category">${t('categoryLabel')}</label>
            <select id="category" name="category" required aria-invalid=${this.invalid === 'category'}>
              ${single ? nothing : html`<option value="">${t('categoryChoose')}</option>`}
              ${this.categories.map((c) => html`<option value=${c.id}>${categoryLabel(t, c)}</option>`)}
            </select>
            ${this.fieldError('category', 'categoryChoose')}
          </div>`}
      ${chat || mode === 'leave'
        ? nothing
        : html`<div class="field">
              <label for="body">${t('messageLabel')}</label>
              <textarea id="body" name="body" required maxlength=${MAX_MESSAGE_LENGTH} aria-invalid=${this.invalid === 'body'}></textarea>
              ${this.fieldError('body', 'messageNeeded')}
            </div>
            <div class="row">${this.files.button()} ${this.files.chips()}</div>`}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row">
        <button type="submit" class="button primary" aria-disabled=${this.busy || this.files.uploading > 0}>
          ${t(chat ? (this.busy ? 'starting' : 'startChat') : this.busy ? 'sending' : 'send')}
        </button>
        ${chat || mode === 'ticket' ? nothing : html`<button type="button" class="button" @click=${this.cancel}>${t('cancel')}</button>`}
      </div>
    </form>`;
  }

  /** A field's message when it failed its check, tied to the field by `aria-describedby` (its id + `-error`). */
  private fieldError(id: string, key: MessageKey) {
    return this.invalid === id ? html`<p id="${id}-error" class="error">${this.t(key)}</p>` : nothing;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy || this.files.uploading) return;
    const fields = this.form.elements;
    const field = (id: string) => fields.namedItem(id) as HTMLInputElement | null;
    const value = (id: string) => field(id)?.value.trim() ?? '';
    const body = value('body');
    // The browser's own checks (required, type=email) in the widget's words and language, and a
    // message of only spaces.
    const bad = [...fields].find((f) => !(f as HTMLInputElement).validity.valid) ?? (field('body') && !body ? field('body') : null);
    if (bad instanceof HTMLElement) {
      this.invalid = bad.id;
      bad.setAttribute('aria-describedby', `${bad.id}-error`);
      bad.focus();
      return;
    }
    const name = value('name');
    const email = this.emailMode === 'hidden' ? this.email : value('email');
    const attachmentIds = this.files.attachments.map((a) => a.id);
    const detail: ContactDetails = {
      category: value('category'),
      ...(name && { name }),
      ...(email && { email }),
      ...(body && { body }),
      ...(attachmentIds.length && { attachmentIds }),
    };
    this.dispatchEvent(new CustomEvent('chat-hybrid-submit', { detail, bubbles: true, composed: true }));
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('chat-hybrid-cancel', { detail: null, bubbles: true, composed: true }));
  }
}

define('chat-hybrid-form', ContactForm);
