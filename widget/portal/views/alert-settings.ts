import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { API } from '../../../shared/api.js';
import { PUSH_SERVICE_WORKER_PATH, type AlertSettingsDTO } from '../../../shared/alerts.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { PushError, disablePush, enablePush, pushState, type AlertSend, type PushState } from '../../push/subscribe.js';
import type { I18n, MessageKey } from '../i18n/index.js';
import { define } from '../lib/define.js';
import { describeError } from '../lib/errors.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { Watch } from '../lib/watch.js';
import { baseStyles } from '../portal.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'portal-alert-settings': AlertSettings;
  }
}

/** The push worker's scope on this page: the customer page only, never the agent UI next to it. */
export const PORTAL_PUSH_SCOPE = API.customerPage;

const STATE_TEXT: Record<PushState, MessageKey> = {
  on: 'pushStateOn',
  off: 'pushStateOff',
  denied: 'pushStateDenied',
  unsupported: 'pushStateUnsupported',
};

const FAILURE_TEXT: Record<Exclude<PushError['reason'], 'server'>, MessageKey> = {
  denied: 'pushStateDenied',
  dismissed: 'pushDismissed',
  failed: 'pushFailed',
  timeout: 'pushTimeout',
};

/**
 * How a logged-in customer hears about their tickets: email on or off, and browser notifications
 * for this browser. A disclosure in "My tickets"; the browser is asked for permission only when
 * the customer clicks to turn notifications on.
 */
export class AlertSettings extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        margin-bottom: 1rem;
      }
      summary {
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
        color: var(--p-accent);
        font-weight: 600;
        cursor: pointer;
      }
      .card {
        margin-top: 0.25rem;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        margin: 0;
        font-weight: 500;
      }
      .check input {
        width: 1.25rem;
        height: 1.25rem;
        margin: 0;
      }
      h2 {
        margin: 1.25rem 0 0.25rem;
        font-size: 1rem;
      }
      .state {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) i18n!: I18n;
  @property({ attribute: false }) connection: PortalConnection | null = null;

  @state() private settings: AlertSettingsDTO | null = null;
  @state() private push: PushState = 'off';
  @state() private busy = false;
  /** The change under way is this browser's push (the state line says so). */
  @state() private pushing = false;
  @state() private error = '';
  private asked = 0;

  constructor() {
    super();
    new Watch<PortalConnection>(
      this,
      () => this.connection,
      (c, notify) => {
        this.settings = null;
        const offs = [c.onChange(notify), c.onConnected(() => void this.load())];
        if (c.state === 'online') void this.load();
        return () => offs.forEach((off) => off());
      },
    );
  }

  protected override render() {
    const t = (key: MessageKey) => this.i18n.t(key);
    const s = this.settings;
    const push = this.push;
    return html`<details>
      <summary>${t('notifications')}</summary>
      <div class="card" aria-busy=${s ? 'false' : 'true'}>
        ${s
          ? html`<label class="check">
                <input type="checkbox" .checked=${s.email} @change=${this.onEmail} />
                ${t('emailAlerts')}
              </label>
              <h2>${t('pushTitle')}</h2>
              <p class="state" role="status">${t(this.pushing ? 'pushWorking' : STATE_TEXT[push])}</p>
              ${push === 'on' || push === 'off'
                ? html`<div class="actions">
                    <button class="btn" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${push === 'on' ? this.turnOff : this.turnOn}>
                      ${t(push === 'on' ? 'pushTurnOff' : 'pushTurnOn')}
                    </button>
                  </div>`
                : nothing}`
          : html`<p role="status">${t('loading')}</p>`}
        <p class="error" role="alert">${this.error}</p>
      </div>
    </details>`;
  }

  private readonly send: AlertSend = (event, payload) => this.connection!.request(event, payload);

  private async load(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const asked = ++this.asked;
    const [res, push] = await Promise.all([connection.request('alerts:get', {}), pushState(PUSH_SERVICE_WORKER_PATH, PORTAL_PUSH_SCOPE)]);
    if (asked !== this.asked || this.busy) return;
    if (res.ok) {
      this.error = '';
      this.show(res.data, push);
    } else if (!this.settings) {
      this.error = `${this.i18n.t('alertsLoadFailed')} ${describeError(res.error, this.i18n)}`;
    }
  }

  /** This browser counts as on when it is subscribed and the account wants pushes. */
  private show(settings: AlertSettingsDTO, push: PushState): void {
    this.settings = settings;
    this.push = push === 'on' && !settings.push ? 'off' : push;
  }

  private async onEmail(e: Event): Promise<void> {
    const box = e.target as HTMLInputElement;
    const email = box.checked;
    // One change at a time; the box is not disabled meanwhile, which would throw its focus away.
    if (this.busy) {
      box.checked = !email;
      return;
    }
    await this.run(async () => {
      const res = await this.connection!.request('alerts:set', { email });
      if (!res.ok) {
        box.checked = !email;
        throw new PushError('server', res.error);
      }
      this.show(res.data, this.push);
    });
  }

  /** Straight from the click, so the browser shows its permission prompt. */
  private readonly turnOn = () =>
    this.run(async () => {
      const settings = await enablePush(this.send, this.settings!.vapidPublicKey, PUSH_SERVICE_WORKER_PATH, PORTAL_PUSH_SCOPE);
      this.show(settings, 'on');
    }, true);

  private readonly turnOff = () =>
    this.run(async () => {
      const settings = await disablePush(this.send, PUSH_SERVICE_WORKER_PATH, PORTAL_PUSH_SCOPE);
      this.show(settings, await pushState(PUSH_SERVICE_WORKER_PATH, PORTAL_PUSH_SCOPE));
    }, true);

  private async run(work: () => Promise<void>, pushing = false): Promise<void> {
    if (this.busy || !this.settings || !this.connection) return;
    this.busy = true;
    this.pushing = pushing;
    this.error = '';
    ++this.asked;
    try {
      await work();
    } catch (error) {
      this.error = this.describe(error);
      // What the browser knows now: a refused prompt shows as blocked.
      this.push = await pushState(PUSH_SERVICE_WORKER_PATH, PORTAL_PUSH_SCOPE);
      if (this.push === 'on' && !this.settings?.push) this.push = 'off';
    } finally {
      this.busy = false;
      this.pushing = false;
    }
  }

  private describe(error: unknown): string {
    if (!(error instanceof PushError)) return this.i18n.t('pushFailed');
    // Blocked shows as the state itself.
    if (error.reason === 'denied') return '';
    if (error.reason !== 'server') return this.i18n.t(FAILURE_TEXT[error.reason]);
    const body: ErrorBody = error.body ?? { code: 'INTERNAL', message: '' };
    return `${this.i18n.t('alertsSaveFailed')} ${describeError(body, this.i18n)}`;
  }
}

define('portal-alert-settings', AlertSettings);
