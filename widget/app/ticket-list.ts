import { css, html, nothing } from 'lit';
import type { AlertSettingsDTO } from '../../shared/alerts.js';
import type { TicketListFilter } from '../../shared/tickets.js';
import type { PushState } from '../push/subscribe.js';
import type { ConversationDTO, Locale } from '../../shared/types.js';
import type { Translate } from '../i18n/index.js';

export interface TicketListView {
  t: Translate;
  locale: Locale;
  /** Null while loading. */
  tickets: readonly ConversationDTO[] | null;
  filter: TicketListFilter;
  failed: boolean;
  /** The customer page for a logged-in user; empty for anyone else. */
  fullPageUrl: string;
  /** A filter picked, or the same one again after loading failed. */
  onFilter(filter: TicketListFilter): void;
  onOpen(conversation: ConversationDTO): void;
  /** A logged-in user's alert settings; null for anyone else and while loading. */
  alerts: AlertSettingsDTO | null;
  /** This browser's push; `unsupported` (no host worker, or no web push here) shows no button. */
  push: PushState | 'busy';
  alertsError: string;
  onAlerts(kind: 'email' | 'push', on: boolean): void;
}

/** Relative time steps: below this many seconds ago, count in this unit of this many seconds. */
const UNITS: readonly [number, Intl.RelativeTimeFormatUnit, number][] = [
  [3600, 'minute', 60],
  [86400, 'hour', 3600],
  [Infinity, 'day', 86400],
];

/**
 * "My tickets", rendered into the panel: filter buttons (open, closed), then the tickets, newest
 * activity first, each a button that opens it. A template, not an element: it has no state of its own.
 */
export function renderTicketList(v: TicketListView) {
  const { t, tickets } = v;
  return html`<div class="tickets">
    <div class="filters" role="group" aria-label=${t('myTickets')}>
      ${(['open', 'closed'] as const).map(
        (filter) =>
          html`<button type="button" class="button" aria-pressed=${v.filter === filter} @click=${() => v.onFilter(filter)}>
            ${t(filter === 'open' ? 'filterOpen' : 'filterClosed')}
          </button>`,
      )}
    </div>
    ${v.failed
      ? html`<p role="alert">${t('ticketsFailed')}</p>
          <button type="button" class="button" @click=${() => v.onFilter(v.filter)}>${t('tryAgain')}</button>`
      : !tickets
        ? html`<p role="status">${t('loading')}</p>`
        : tickets.length
          ? html`<ul>
              ${tickets.map(
                (conversation) =>
                  conversation.ticket &&
                  html`<li>
                    <button type="button" class="item" @click=${() => v.onOpen(conversation)}>
                      <span>${t('ticketTitle', { number: String(conversation.ticket.number) })} · ${t(`status:${conversation.ticket.status}`)}</span>
                      <b>${conversation.ticket.subject}</b>
                      <span>${ago(v.locale, conversation.lastActivityAt)}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p>${t('noTickets')}</p>`}
    ${v.fullPageUrl ? html`<a href=${v.fullPageUrl} target="_blank" rel="noopener">${t('fullPage')}</a>` : nothing}
    ${v.alerts
      ? html`<fieldset>
          <label><input type="checkbox" .checked=${v.alerts.email} @change=${(e: Event) => v.onAlerts('email', (e.target as HTMLInputElement).checked)} />${t('emailAlerts')}</label>
          ${v.push == 'denied'
            ? html`<p>${t('pushBlocked')}</p>`
            : v.push != 'unsupported'
              ? html`<button type="button" class="button" aria-pressed=${v.push == 'on'} aria-disabled=${v.push == 'busy'} @click=${() => v.onAlerts('push', v.push != 'on')}>${t('pushLabel')}</button>`
              : nothing}
          <p role="alert">${v.alertsError}</p>
        </fieldset>`
      : nothing}
  </div>`;
}

/** "5 minutes ago", "yesterday", in the visitor's language. */
function ago(locale: Locale, iso: string): string {
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  const [, unit, size] = UNITS.find(([limit]) => -seconds < limit)!;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(seconds / size), unit);
}

export const ticketListStyles = css`
  .tickets {
    flex: 1;
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
  .tickets ul {
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
  .tickets p {
    font-size: 12px;
    color: var(--_muted);
  }
  .tickets fieldset {
    margin: 16px 0 0;
    padding: 0;
    border: 0;
  }
  .tickets label {
    display: block;
    margin-bottom: 8px;
    font-weight: 600;
  }
  .tickets a {
    display: inline-block;
    margin-top: 12px;
    color: var(--_accent);
    font-weight: 600;
  }
`;
