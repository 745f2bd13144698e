import { LitElement, css, html } from 'lit';
import { query, state } from 'lit/decorators.js';
import { dialogStyles } from '../../styles/dialog.js';
import { baseStyles } from '../../styles/shared.js';

export interface ConfirmOptions {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
}

/**
 * A modal "are you sure?" (native `<dialog>`: focus stays inside, Escape cancels). `ask()` opens it
 * and resolves to whether the admin confirmed; focus then returns where it was.
 */
export class ConfirmDialog extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      dialog {
        width: min(26rem, calc(100vw - 2rem));
        padding: 1.2rem 1.4rem;
      }
      h2 {
        margin: 0 0 0.5rem;
      }
      p {
        margin: 0 0 1.1rem;
        font-size: 0.9rem;
        color: var(--ah-text-muted);
      }
      .buttons {
        gap: 0.6rem;
      }
    `,
  ];

  @state() private options: ConfirmOptions = { title: '', text: '', confirm: 'OK' };
  @query('dialog') private dialog?: HTMLDialogElement;
  private resolve: ((ok: boolean) => void) | null = null;
  private returnFocus: HTMLElement | null = null;

  async ask(options: ConfirmOptions): Promise<boolean> {
    this.resolve?.(false);
    this.options = options;
    this.returnFocus = deepActiveElement();
    await this.updateComplete;
    this.dialog?.showModal();
    this.renderRoot.querySelector<HTMLButtonElement>('.cancel')?.focus();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  private finish(ok: boolean): void {
    if (this.dialog?.open) this.dialog.close();
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.(ok);
    this.returnFocus?.focus();
  }

  override render() {
    const o = this.options;
    return html`<dialog aria-labelledby="confirm-title" aria-describedby="confirm-text" @cancel=${(e: Event) => {
      e.preventDefault();
      this.finish(false);
    }}>
      <h2 id="confirm-title">${o.title}</h2>
      <p id="confirm-text">${o.text}</p>
      <div class="buttons">
        <button class="btn cancel" type="button" @click=${() => this.finish(false)}>Cancel</button>
        <button class="btn ${o.danger ? 'btn-danger-solid' : 'btn-primary'}" type="button" @click=${() => this.finish(true)}>${o.confirm}</button>
      </div>
    </dialog>`;
  }
}

/** The focused element, looking through shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

if (!customElements.get('confirm-dialog')) customElements.define('confirm-dialog', ConfirmDialog);

declare global {
  interface HTMLElementTagNameMap {
    'confirm-dialog': ConfirmDialog;
  }
}
