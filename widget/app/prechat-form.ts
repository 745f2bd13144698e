import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { MAX_EMAIL_LENGTH, MAX_NAME_LENGTH } from '../../shared/limits.js';
import type { Translate } from '../i18n/index.js';
import { define } from './define.js';
import { sharedStyles } from './shared.styles.js';

export interface PrechatDetails {
  name?: string;
  email?: string;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-start': CustomEvent<PrechatDetails>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-prechat': PrechatForm;
  }
}

/**
 * What the visitor sees before a chat: an optional name and email and a button that starts it.
 * Focusing the element focuses its first field.
 *
 * @fires chat-hybrid-start - The visitor asked to start; empty fields are left out.
 */
export class PrechatForm extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        padding: 20px 18px;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      .intro {
        margin: 0 0 4px;
        font-size: 15px;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      label {
        font-size: 13px;
        font-weight: 600;
      }
      input {
        min-height: 40px;
        padding: 8px 10px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        background: var(--_background);
      }
      input[aria-invalid='true'] {
        border-color: var(--_danger);
      }
      .error {
        margin: 0;
        font-size: 13px;
        color: var(--_danger);
      }
    `,
  ];

  @property({ attribute: false }) t!: Translate;
  /** Filled in from the visitor's previous chat. */
  @property({ attribute: false }) name = '';
  @property({ attribute: false }) email = '';
  @property({ type: Boolean }) busy = false;
  /** Why starting failed, in the visitor's language; empty when it did not. */
  @property() error = '';
  @state() private emailInvalid = false;
  @query('#name') private nameInput!: HTMLInputElement;
  @query('#email') private emailInput!: HTMLInputElement;

  protected override render() {
    const t = this.t;
    return html`<form novalidate @submit=${this.onSubmit}>
      <p class="intro">${t('intro')}</p>
      <div class="field">
        <label for="name">${t('nameLabel')}</label>
        <input id="name" name="name" autocomplete="name" maxlength=${MAX_NAME_LENGTH} .value=${this.name} />
      </div>
      <div class="field">
        <label for="email">${t('emailLabel')}</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          maxlength=${MAX_EMAIL_LENGTH}
          .value=${this.email}
          aria-invalid=${this.emailInvalid ? 'true' : 'false'}
          aria-describedby=${this.emailInvalid ? 'email-error' : nothing}
          @input=${() => (this.emailInvalid = false)}
        />
        ${this.emailInvalid ? html`<p id="email-error" class="error">${t('emailInvalid')}</p>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button type="submit" class="button primary" aria-disabled=${this.busy ? 'true' : 'false'}>
        ${this.busy ? t('starting') : t('startChat')}
      </button>
    </form>`;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy) return;
    if (this.emailInput.validity.typeMismatch) {
      this.emailInvalid = true;
      this.emailInput.focus();
      return;
    }
    const name = this.nameInput.value.trim();
    const email = this.emailInput.value.trim();
    const detail: PrechatDetails = { ...(name && { name }), ...(email && { email }) };
    this.dispatchEvent(new CustomEvent('chat-hybrid-start', { detail, bubbles: true, composed: true }));
  }
}

define('chat-hybrid-prechat', PrechatForm);
