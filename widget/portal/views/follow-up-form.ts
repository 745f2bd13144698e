import { LitElement, css, html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { newClientId } from '../../../shared/conversation-stream.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/limits.js';
import { DEFAULT_CATEGORIES } from '../../../shared/tickets.js';
import type { CategoryDTO, ConversationDTO } from '../../../shared/types.js';
import type { I18n } from '../i18n/index.js';
import { define, focusHeading } from '../lib/define.js';
import { describeError } from '../lib/errors.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { baseStyles } from '../portal.styles.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'portal-cancel': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'portal-follow-up': FollowUpForm;
  }
}

/**
 * Opens a new ticket that continues a closed one (logged-in users only: a guest's session opens
 * one ticket). The client id is kept until the ticket exists, so a resend after a lost answer
 * returns the same ticket instead of a second one.
 *
 * @fires portal-open - The follow-up ticket exists; the detail names it.
 * @fires portal-cancel - The customer changed their mind.
 */
export class FollowUpForm extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .field {
        margin-top: 1rem;
      }
      select {
        max-width: 24rem;
      }
      textarea {
        min-height: 7rem;
      }
    `,
  ];

  @property({ attribute: false }) i18n!: I18n;
  @property({ attribute: false }) connection: PortalConnection | null = null;
  /** The closed ticket this one follows up. */
  @property({ attribute: false }) of!: ConversationDTO;

  @state() private busy = false;
  @state() private error = '';
  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('select') private select?: HTMLSelectElement;
  private clientId = newClientId();

  focusHeading(): Promise<void> {
    return focusHeading(this);
  }

  private get categories(): readonly CategoryDTO[] {
    const site = this.connection?.siteConfig?.categories;
    return site?.length ? site : DEFAULT_CATEGORIES;
  }

  protected override render() {
    const categories = this.categories;
    const current = this.of.ticket?.category;
    const chosen = categories.some((c) => c.id === current) ? current : categories[0]?.id;
    return html`<form class="card" novalidate @submit=${this.submit} aria-labelledby="fu-heading">
      <h2 id="fu-heading" tabindex="-1">${this.i18n.t('followUpTitle', { number: this.of.ticket?.number ?? '' })}</h2>
      <div class="field">
        <label for="fu-category">${this.i18n.t('categoryLabel')}</label>
        <select id="fu-category" ?disabled=${this.busy}>
          ${categories.map((c) => html`<option value=${c.id} ?selected=${c.id === chosen}>${this.i18n.category(c.id, categories)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="fu-body">${this.i18n.t('followUpMessage')}</label>
        <textarea id="fu-body" maxlength=${MAX_MESSAGE_LENGTH} aria-describedby="fu-error" ?disabled=${this.busy}></textarea>
      </div>
      <p class="error" id="fu-error" role="alert">${this.error}</p>
      <div class="actions">
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.busy ? this.i18n.t('sending') : this.i18n.t('followUpSubmit')}</button>
        <button class="btn" type="button" ?disabled=${this.busy} @click=${this.cancel}>${this.i18n.t('cancel')}</button>
      </div>
    </form>`;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const connection = this.connection;
    const body = this.textarea?.value.trim() ?? '';
    const category = this.select?.value ?? '';
    if (!connection || this.busy) return;
    if (!body) {
      this.error = this.i18n.t('emptyReply');
      this.textarea?.focus();
      return;
    }
    this.busy = true;
    this.error = '';
    const res = await connection.request('ticket:create', { clientId: this.clientId, category, body, followUpOf: this.of.id, locale: this.i18n.locale });
    this.busy = false;
    if (!res.ok) {
      this.error = `${this.i18n.t('followUpFailed')} ${res.error.code === 'VALIDATION' ? res.error.message : describeError(res.error, this.i18n)}`;
      return;
    }
    connection.openWith(res.data.conversation, res.data.messages);
    this.clientId = newClientId();
    this.dispatchEvent(new CustomEvent('portal-open', { detail: { conversationId: res.data.conversation.id }, bubbles: true, composed: true }));
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('portal-cancel', { detail: null, bubbles: true, composed: true }));
  }
}

define('portal-follow-up', FollowUpForm);
