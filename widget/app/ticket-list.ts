import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { API } from '../../shared/api.js';
import type { Locale } from '../../shared/types.js';
import type { Translate } from '../i18n/index.js';
import { data, define } from './define.js';
import { sharedStyles } from './shared.styles.js';
import type { VisitorClient } from './visitor-client.js';

declare global {
  interface HTMLElementTagNameMap {
    'chat-hybrid-tickets': TicketList;
  }
}

/** Relative time steps: below this many seconds ago, count in this unit of this many seconds. */
const UNITS: readonly [number, Intl.RelativeTimeFormatUnit, number][] = [
  [3600, 'minute', 60],
  [86400, 'hour', 3600],
  [Infinity, 'day', 86400],
];

/**
 * "My tickets" (the client's `tickets` phase): filter buttons (open, closed), then the tickets,
 * newest activity first, each a button that opens it; for a logged-in user, the customer page link
 * and their alert settings. Loaded with its own chunk when first shown (see the panel). Focusing the
 * element focuses its first control.
 */
export class TicketList extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        padding: 12px 14px;
      }
      .filters {
        display: flex;
        gap: 6px;
        margin-bottom: 8px;
      }
      .filters .button {
        min-height: 32px;
        border-radius: 16px;
      }
      [aria-pressed='true'] {
        border-color: var(--_accent);
        background: var(--_accent);
        color: var(--_accent-text);
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .item {
        display: grid;
        width: 100%;
        padding: 10px 8px;
        border: 0;
        border-bottom: 1px solid var(--_border);
        background: none;
        text-align: start;
      }
      .item:hover {
        background: var(--_surface);
      }
      .item > * {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .item span,
      p {
        font-size: 12px;
        color: var(--_muted);
      }
      fieldset {
        margin: 16px 0 0;
        padding: 0;
        border: 0;
      }
      label {
        display: block;
        margin-bottom: 8px;
        font-weight: 600;
      }
      a {
        display: inline-block;
        margin-top: 12px;
        color: var(--_accent);
        font-weight: 600;
      }
    `,
  ];
  static override properties: PropertyDeclarations = { t: data, locale: {}, client: data };

  t!: Translate;
  locale: Locale = 'en';
  client!: VisitorClient;
  private unsubscribe: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.client.onChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  protected override render() {
    const { t, client } = this;
    const { tickets, alerts, push } = client;
    const { serverUrl, siteKey, userToken } = client.options;
    const fullPage =
      client.session?.kind === 'user' && userToken
        ? `${serverUrl.replace(/\/+$/, '')}${API.customerPage}#site=${encodeURIComponent(siteKey)}&token=${encodeURIComponent(userToken)}`
        : '';
    return html`<div class="filters" role="group" aria-label=${t('myTickets')}>
        ${(['open', 'closed'] as const).map(
          (filter) =>
            html`<button type="button" class="button" aria-pressed=${client.ticketFilter === filter} @click=${() => void client.listTickets(filter)}>
              ${t(filter === 'open' ? 'filterOpen' : 'filterClosed')}
            </button>`,
        )}
      </div>
      ${client.ticketsFailed
        ? html`<p role="alert">${t('ticketsFailed')}</p>
            <button type="button" class="button" @click=${() => void client.listTickets()}>${t('tryAgain')}</button>`
        : !tickets
          ? html`<p role="status">${t('loading')}</p>`
          : tickets.length
            ? html`<ul>
                ${tickets.map(
                  (conversation) =>
                    conversation.ticket &&
                    html`<li>
                      <button type="button" class="item" @click=${() => client.open(conversation)}>
                        <span>${t('ticketTitle', { number: String(conversation.ticket.number) })} · ${t(`status:${conversation.ticket.status}`)}</span>
                        <b>${conversation.ticket.subject}</b>
                        <span>${this.ago(conversation.lastActivityAt)}</span>
                      </button>
                    </li>`,
                )}
              </ul>`
            : html`<p>${t('noTickets')}</p>`}
      ${fullPage ? html`<a href=${fullPage} target="_blank" rel="noopener">${t('fullPage')}</a>` : nothing}
      ${alerts
        ? html`<fieldset>
            <label><input type="checkbox" .checked=${alerts.email} @change=${(e: Event) => void client.setAlerts('email', (e.target as HTMLInputElement).checked)} />${t('emailAlerts')}</label>
            ${push == 'denied'
              ? html`<p>${t('pushBlocked')}</p>`
              : push != 'unsupported'
                ? html`<button type="button" class="button" aria-pressed=${push == 'on'} aria-disabled=${push == 'busy'} @click=${() => void client.setAlerts('push', push != 'on')}>${t('pushLabel')}</button>`
                : nothing}
            <p role="alert">${client.alertsFailed ? t('alertsFailed') : ''}</p>
          </fieldset>`
        : nothing}`;
  }

  /** "5 minutes ago", "yesterday", in the visitor's language. */
  private ago(iso: string): string {
    const seconds = (Date.parse(iso) - Date.now()) / 1000;
    const [, unit, size] = UNITS.find(([limit]) => -seconds < limit)!;
    return new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto' }).format(Math.round(seconds / size), unit);
  }
}

define('chat-hybrid-tickets', TicketList);
