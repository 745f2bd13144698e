import type { LitElement, ReactiveController } from 'lit';

/**
 * A top-bar popup: a `.toggle` button (with `aria-expanded` from `open`, `@click` to `toggle`) and the
 * panel it shows. A click outside the host closes it; Escape (`onKeydown`, bound on an element
 * around both) closes it and returns the focus to the toggle. `onOpen` runs each time it opens.
 */
export class PopupController implements ReactiveController {
  open = false;

  constructor(
    private readonly host: LitElement,
    private readonly onOpen?: () => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onOutside, true);
  }

  set(open: boolean): void {
    this.open = open;
    if (open) {
      this.onOpen?.();
      document.addEventListener('pointerdown', this.onOutside, true);
    } else {
      document.removeEventListener('pointerdown', this.onOutside, true);
    }
    this.host.requestUpdate();
  }

  readonly toggle = (): void => this.set(!this.open);

  /** Closes it and puts the focus back on the toggle button. */
  close(): void {
    this.set(false);
    this.host.renderRoot.querySelector<HTMLElement>('.toggle')?.focus();
  }

  readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || !this.open) return;
    e.stopPropagation();
    this.close();
  };

  private readonly onOutside = (e: PointerEvent): void => {
    if (!e.composedPath().includes(this.host)) this.set(false);
  };
}
