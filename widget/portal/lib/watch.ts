import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host whenever a source it subscribes to changes, and moves the subscription
 * when the host's source is swapped (a new connection after signing in again).
 */
export class Watch<S> implements ReactiveController {
  private source: S | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly current: () => S | null,
    private readonly subscribe: (source: S, notify: () => void) => () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.follow();
  }

  hostUpdate(): void {
    this.follow();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.source = null;
  }

  private follow(): void {
    const next = this.current();
    if (next === this.source) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.source = next;
    if (next) this.unsubscribe = this.subscribe(next, () => this.host.requestUpdate());
  }
}
