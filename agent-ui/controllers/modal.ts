import type { LitElement, ReactiveController } from 'lit';

/** A dialog element whose parent opens and closes it through an `open` property. */
type ModalHost = LitElement & { open: boolean };

/**
 * Keeps the host's native `<dialog>` shown as a modal exactly while the host's `open` is true, moving
 * the focus with `focus` when it opens. Escape does not close it on its own: `onCancel` (bound to the
 * dialog's `cancel` event) calls `cancel`, and the parent decides and closes it through `open`, so
 * the two never disagree.
 */
export class ModalController implements ReactiveController {
  constructor(
    private readonly host: ModalHost,
    private readonly options: { focus: () => void; cancel: () => void },
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const dialog = this.host.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.host.open && !dialog.open) {
      dialog.showModal();
      this.options.focus();
    } else if (!this.host.open && dialog.open) {
      dialog.close();
    }
  }

  readonly onCancel = (e: Event): void => {
    e.preventDefault();
    this.options.cancel();
  };
}
