import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { MAX_SUBJECT_LENGTH, TICKET_PRIORITIES } from '../../../shared/tickets.js';
import type { CategoryDTO, TicketPriority } from '../../../shared/types.js';
import { PRIORITY_LABEL } from '../../lib/format.js';
import { ModalController } from '../../controllers/modal.js';
import { dialogStyles } from '../../styles/dialog.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';

export interface MakeTicketSubmitDetail {
  category: string;
  priority: TicketPriority;
  /** Empty: the server picks one from the conversation. */
  subject: string;
}

/**
 * "Make ticket": asks for the category, the priority and an optional subject in a modal dialog
 * (native `<dialog>`: focus stays inside, Escape closes). The parent sends `ticket:convert` and
 * hands back `busy` and `error`; it closes the dialog by setting `open` to false.
 *
 * @fires make-ticket-submit - `{category, priority, subject}`.
 * @fires make-ticket-cancel - the agent closed the dialog without converting.
 */
export class MakeTicketDialog extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    dialogStyles,
    css`
      dialog {
        width: min(28rem, calc(100vw - 2rem));
      }
      .field {
        display: grid;
        gap: 0.3rem;
      }
      label {
        font-size: 0.875rem;
        font-weight: 550;
      }
      .optional {
        font-weight: 400;
        color: var(--ah-text-muted);
      }
      select,
      input {
        font-size: 0.9375rem;
        padding: 0.5rem 0.65rem;
      }
      .buttons {
        margin-top: 0.2rem;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ type: Boolean }) busy = false;
  @property({ attribute: false }) categories: readonly CategoryDTO[] = [];
  @property() error = '';
  /** The chat's visitor, for the dialog's text. */
  @property() visitor = '';

  @state() private category = '';
  @state() private priority: TicketPriority = 'normal';
  @state() private subject = '';
  @query('select') private firstField?: HTMLSelectElement;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) {
      this.category = '';
      this.priority = 'normal';
      this.subject = '';
    }
  }

  private readonly modal = new ModalController(this, { focus: () => this.firstField?.focus(), cancel: () => this.cancel() });

  private cancel(): void {
    if (this.busy) return;
    this.dispatchEvent(new CustomEvent('make-ticket-cancel', { bubbles: true, composed: true }));
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.busy || !this.category) return;
    this.dispatchEvent(
      new CustomEvent<MakeTicketSubmitDetail>('make-ticket-submit', {
        detail: { category: this.category, priority: this.priority, subject: this.subject.trim() },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    return html`
      <dialog aria-labelledby="make-ticket-title" @cancel=${this.modal.onCancel}>
        <form class="dialog-body" @submit=${this.onSubmit}>
          <h2 id="make-ticket-title">Make this chat a ticket</h2>
          <p class="lead">
            The conversation${this.visitor ? html` with ${this.visitor}` : nothing} becomes a ticket assigned to you. It keeps its
            history, and the chat goes on.
          </p>
          <div class="field">
            <label for="mt-category">Category</label>
            <select id="mt-category" required @change=${(e: Event) => (this.category = (e.target as HTMLSelectElement).value)}>
              <option value="" .selected=${live(!this.category)} disabled>Choose a category</option>
              ${this.categories.map((c) => html`<option value=${c.id} .selected=${live(c.id === this.category)}>${c.label}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="mt-priority">Priority</label>
            <select
              id="mt-priority"
              @change=${(e: Event) => (this.priority = (e.target as HTMLSelectElement).value as TicketPriority)}
            >
              ${TICKET_PRIORITIES.map((p) => html`<option value=${p} .selected=${live(p === this.priority)}>${PRIORITY_LABEL[p]}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="mt-subject">Subject <span class="optional">(optional)</span></label>
            <input
              id="mt-subject"
              type="text"
              maxlength=${MAX_SUBJECT_LENGTH}
              placeholder="Taken from the conversation if left empty"
              .value=${live(this.subject)}
              @input=${(e: Event) => (this.subject = (e.target as HTMLInputElement).value)}
            />
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          <div class="buttons">
            <button class="btn" type="button" ?disabled=${this.busy} @click=${this.cancel}>Cancel</button>
            <button class="btn btn-primary" type="submit" ?disabled=${this.busy || !this.category} aria-busy=${this.busy ? 'true' : 'false'}>
              ${this.busy ? 'Making ticket…' : 'Make ticket'}
            </button>
          </div>
        </form>
      </dialog>
    `;
  }
}

if (!customElements.get('make-ticket-dialog')) customElements.define('make-ticket-dialog', MakeTicketDialog);

declare global {
  interface HTMLElementTagNameMap {
    'make-ticket-dialog': MakeTicketDialog;
  }
  interface GlobalEventHandlersEventMap {
    'make-ticket-submit': CustomEvent<MakeTicketSubmitDetail>;
    'make-ticket-cancel': CustomEvent;
  }
}
