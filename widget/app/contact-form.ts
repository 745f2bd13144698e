import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import type { ErrorBody } from '../../shared/errors.js';
import { MAX_EMAIL_LENGTH, MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH } from '../../shared/limits.js';
import type { CategoryDTO, Locale, SiteConfigDTO } from '../../shared/types.js';
import { DEFAULT_PRECHAT, MAX_PRECHAT_VALUE_LENGTH, type PrechatMode, type PrechatSettings } from '../../shared/visitor-features.js';
import { categoryLabel, type MessageKey, type Translate } from '../i18n/index.js';
import { AttachmentDraft, attachmentStyles, type Uploader } from './attachment-draft.js';
import { data, define, internal } from './define.js';
import { sharedStyles } from './shared.styles.js';

/**
 * `chat`: before a live chat (the site's pre-chat form: name and email as it asks for them, then its
 * own questions); `ticket`: the offline form (name, email, topic, message, files); `leave`: "leave a
 * message instead" from the queue (email, topic); `follow`: a follow-up of a closed ticket (topic,
 * message, files).
 */
export type ContactFormMode = 'chat' | 'ticket' | 'leave' | 'follow';

/** What the visitor filled in; empty fields are left out. `category` is empty in the `chat` mode. */
export interface ContactDetails {
  name?: string;
  email?: string;
  category: string;
  body?: string;
  attachmentIds?: string[];
  /** `chat`: the answers to the site's own questions, by key (non-empty only). */
  fields?: Record<string, string>;
}

/** The site's chat form for this visitor: what a logged-in user's token gives is not asked. */
export function prechatFor(config: SiteConfigDTO | null, user: { name: string | null; email: string | null } | null): PrechatSettings {
  const form = config?.widget?.prechat ?? DEFAULT_PRECHAT;
  return { ...form, name: user?.name ? 'hidden' : form.name, email: user?.email ? 'hidden' : form.email };
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
 * The forms that start something: a live chat or a ticket. Checks what it can before sending (what
 * is required, email addresses) and says what is wrong on each field, in the visitor's language,
 * focusing the first; `showErrors` does the same with the server's refusal. Focusing the element
 * focuses its first field.
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
    prechat: data,
    locale: {},
    name: data,
    email: data,
    busy: { type: Boolean },
    error: {},
    upload: data,
    intro: {},
    errors: internal,
  };

  t!: Translate;
  mode: ContactFormMode = 'chat';
  categories: readonly CategoryDTO[] = [];
  /** `hidden`: the server knows the email already (a logged-in user's, the chat's), or takes `email` as given. Not for `chat`. */
  emailMode: PrechatMode = 'optional';
  /** `chat`: the site's form, with what a logged-in user's token gives already `hidden` (prechatFor). */
  prechat: PrechatSettings = DEFAULT_PRECHAT;
  /** Picks the language of the site's own labels. */
  locale: Locale = 'en';
  /** Filled in: from the visitor's previous chat, or the logged-in user. */
  name = '';
  email = '';
  busy = false;
  /** Why sending failed, in the visitor's language; empty when it did not. */
  error = '';
  upload!: Uploader;
  /** The site's own words above the form (its greeting, its offline message); empty: the built-in ones. */
  intro = '';
  /** What is wrong with each field, by its id, in the visitor's language. */
  private errors: Record<string, string> = {};
  private get form(): HTMLFormElement {
    return this.renderRoot.querySelector('form')!;
  }
  private readonly files = new AttachmentDraft(this);

  protected override render() {
    const { t, mode, prechat } = this;
    const key = INTRO[mode];
    const intro = this.intro || (key && t(key));
    const chat = mode === 'chat';
    const nameMode = chat ? prechat.name : mode === 'ticket' ? 'optional' : 'hidden';
    const emailMode = chat ? prechat.email : this.emailMode;
    const single = this.categories.length === 1;
    return html`<form novalidate @submit=${this.onSubmit} @input=${this.onInput}>
      ${intro ? html`<p class="intro">${intro}</p>` : nothing}
      ${nameMode === 'hidden'
        ? nothing
        : this.field('name', this.label(t('nameRequiredLabel'), nameMode === 'required'), 'text', nameMode === 'required', MAX_NAME_LENGTH, this.name)}
      ${emailMode === 'hidden'
        ? nothing
        : this.field('email', this.label(t('emailRequiredLabel'), emailMode === 'required'), 'email', emailMode === 'required', MAX_EMAIL_LENGTH, this.email)}
      ${chat
        ? prechat.fields.map((f) =>
            this.field(f.key, this.label(f.label[this.locale] || f.label.en || f.key, f.required), f.type, f.required, MAX_PRECHAT_VALUE_LENGTH, '', [
              html`<option value=""></option>`,
              f.options?.map((o) => html`<option>${o}</option>`),
            ]),
          )
        : this.field('category', t('categoryLabel'), 'select', true, 0, '', [
            single ? nothing : html`<option value="">${t('categoryChoose')}</option>`,
            this.categories.map((c) => html`<option value=${c.id}>${categoryLabel(t, c)}</option>`),
          ])}
      ${chat || mode === 'leave'
        ? nothing
        : html`${this.field('body', t('messageLabel'), 'textarea', true, MAX_MESSAGE_LENGTH)}
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

  /** Optional fields say so, as the built-in ones always did ("Your name (optional)"). */
  private label(label: string, required: boolean): string {
    return required ? label : this.t('optionalLabel', { label });
  }

  /**
   * One labelled control and, when it failed its check, its message: announced (role=alert) and tied
   * to the control by `aria-describedby`. Its id is what the server's VALIDATION details name.
   */
  private field(id: string, label: string, type: string, required: boolean, max: number, value = '', options?: unknown) {
    const error = this.errors[id];
    const described = error ? `${id}-error` : nothing;
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${type === 'select'
        ? html`<select id=${id} ?required=${required} aria-required=${required} aria-invalid=${!!error} aria-describedby=${described}>
            ${options}
          </select>`
        : type === 'textarea'
          ? html`<textarea id=${id} maxlength=${max} ?required=${required} aria-required=${required} aria-invalid=${!!error} aria-describedby=${described}></textarea>`
          : html`<input
              id=${id}
              type=${type}
              autocomplete=${id === 'name' || id === 'email' ? id : 'off'}
              maxlength=${max}
              ?required=${required}
              aria-required=${required}
              aria-invalid=${!!error}
              aria-describedby=${described}
              .value=${value}
            />`}
      ${error ? html`<p id="${id}-error" class="error" role="alert">${error}</p>` : nothing}
    </div>`;
  }

  /**
   * What is wrong with a control, or '' (the browser's own checks are off: they speak the browser's
   * language, not the visitor's). `refused`: the server said something is, whatever we think.
   */
  private problem(control: HTMLInputElement, refused = false): MessageKey | '' {
    const { id, required } = control;
    const empty = !control.value.trim();
    if (!refused && (empty ? !required : !control.validity.typeMismatch)) return '';
    return control.type === 'email'
      ? required
        ? 'emailNeeded'
        : 'emailInvalid'
      : id === 'category'
        ? 'categoryChoose'
        : id === 'body'
          ? 'messageNeeded'
          : empty
            ? 'fieldNeeded'
            : 'fieldInvalid';
  }

  /**
   * Marks the fields the server refused (VALIDATION details with paths `name`, `email`,
   * `fields.<key>`) and focuses the first. False when it names none of the fields shown (the site's
   * form changed meanwhile, say): the caller says so in general.
   */
  showErrors(error: ErrorBody): boolean {
    const errors: Record<string, string> = {};
    for (const detail of error.code === 'VALIDATION' && Array.isArray(error.details) ? error.details : []) {
      const control = this.control(String((detail as { path?: unknown } | null)?.path).replace(/^fields\./, ''));
      if (control) errors[control.id] = this.t(this.problem(control, true) as MessageKey);
    }
    return this.mark(errors);
  }

  private control(id: string): HTMLInputElement | null {
    return this.form.elements.namedItem(id) as HTMLInputElement | null;
  }

  /** Shows these errors and focuses the first field (in the form's order) that has one; false when there are none. */
  private mark(errors: Record<string, string>): boolean {
    this.errors = errors;
    const first = [...this.form.elements].find((c) => errors[c.id]) as HTMLElement | undefined;
    void this.updateComplete.then(() => first?.focus());
    return !!first;
  }

  private onInput(event: Event): void {
    const { id } = event.target as HTMLElement;
    if (this.errors[id]) this.errors = { ...this.errors, [id]: '' };
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy || this.files.uploading) return;
    const errors: Record<string, string> = {};
    for (const control of this.form.elements as unknown as Iterable<HTMLInputElement>) {
      const key = this.problem(control);
      if (key) errors[control.id] = this.t(key);
    }
    if (this.mark(errors)) return;
    const value = (id: string) => this.control(id)?.value.trim() ?? '';
    const name = value('name');
    const email = this.mode !== 'chat' && this.emailMode === 'hidden' ? this.email : value('email');
    const body = value('body');
    const attachmentIds = this.files.attachments.map((a) => a.id);
    const fields: Record<string, string> = {};
    if (this.mode === 'chat') for (const { key } of this.prechat.fields) if (value(key)) fields[key] = value(key);
    const detail: ContactDetails = {
      category: value('category'),
      ...(name && { name }),
      ...(email && { email }),
      ...(body && { body }),
      ...(attachmentIds.length && { attachmentIds }),
      ...(Object.keys(fields).length && { fields }),
    };
    this.dispatchEvent(new CustomEvent('chat-hybrid-submit', { detail, bubbles: true, composed: true }));
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('chat-hybrid-cancel', { detail: null, bubbles: true, composed: true }));
  }
}

define('chat-hybrid-form', ContactForm);
