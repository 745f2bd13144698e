import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { MAX_SUBJECT_LENGTH, TICKET_PRIORITIES } from '../../../shared/tickets.js';
import type { CategoryDTO, TicketPriority } from '../../../shared/types.js';
import { PRIORITY_LABEL } from '../../lib/format.js';
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
    css`
      dialog {
        width: min(28rem, calc(100vw - 2rem));
        padding: 0;
        border: 1px solid var(--ah-border);
        border-radius: 14px;
        background: var(--ah-surface);
        color: var(--ah-text);
        box-shadow: 0 12px 40px rgb(0 0 0 / 25%);
      }
      dialog::backdrop {
        background: rgb(15 18 30 / 45%);
      }
      form {
        display: grid;
        gap: 0.9rem;
        padding: 1.25rem 1.4rem 1.2rem;
      }
      h2 {
        margin: 0;
        font-size: 1.0625rem;
        font-weight: 650;
      }
      .lead {
        margin: -0.4rem 0 0;
        font-size: 0.875rem;
        color: var(--ah-text-muted);
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
      .error {
        margin: 0;
        padding: 0.5rem 0.7rem;
        border-radius: var(--ah-radius-sm);
        background: var(--ah-danger-soft);
        color: var(--ah-danger);
        font-size: 0.875rem;
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
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
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('select') private firstField?: HTMLSelectElement;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) {
      this.category = '';
      this.priority = 'normal';
      this.subject = '';
    }
  }

  override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open') || !this.dialog) return;
    if (this.open && !this.dialog.open) {
      this.dialog.showModal();
      this.firstField?.focus();
    } else if (!this.open && this.dialog.open) {
      this.dialog.close();
    }
  }

  private cancel(): void {
    if (this.busy) return;
    this.dispatchEvent(new CustomEvent('make-ticket-cancel', { bubbles: true, composed: true }));
  }

  private onCancelEvent(e: Event): void {
    // Escape: the parent decides (and closes through `open`), so the two never disagree.
    e.preventDefault();
    this.cancel();
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
      <dialog aria-labelledby="make-ticket-title" @cancel=${this.onCancelEvent}>
        <form @submit=${this.onSubmit}>
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
