import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { API } from '../../shared/api.js';
import type { CustomerSessionDTO, Locale } from '../../shared/types.js';
import { I18n, LANGUAGE_NAMES, PORTAL_LOCALES, isLocale, resolveLocale, type MessageKey } from './i18n/index.js';
import { customerApi, guestApi } from './lib/api.js';
import { define } from './lib/define.js';
import { describeError, errorBody } from './lib/errors.js';
import { PortalConnection } from './lib/portal-connection.js';
import { isExpired, portalStorage, type Entry, type StoredSession } from './lib/session-store.js';
import { Watch } from './lib/watch.js';
import { baseStyles, themeTokens } from './portal.styles.js';
import './views/guest-access.js';
import './views/ticket-list.js';
import { ticketPath } from './views/ticket-list.js';
import './views/ticket-view.js';

declare global {
  interface HTMLElementTagNameMap {
    'portal-app': PortalApp;
  }
}

type Screen =
  | { kind: 'loading'; text: MessageKey }
  | { kind: 'landing' }
  | { kind: 'signed-out' }
  | { kind: 'link-broken' }
  | { kind: 'guest'; notice: MessageKey | null }
  | { kind: 'user-refused' }
  | { kind: 'error'; message: string; retry: () => void }
  | { kind: 'list' }
  | { kind: 'ticket'; conversationId: string };

/** What the fragment of the page's address brought: a guest's email link, or a host site's signed user. */
type Fragment = { kind: 'guest'; link: string } | { kind: 'user'; siteKey: string; userToken: string };

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * Reads the link or the user token from the fragment and removes it from the address at once, so
 * it stays out of the history, bookmarks and screenshots. Fragments never reach a server.
 */
function takeFragment(): Fragment | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const link = params.get('t');
  const userToken = params.get('token');
  const found: Fragment | null = link ? { kind: 'guest', link } : userToken ? { kind: 'user', siteKey: params.get('site') || 'default', userToken } : null;
  if (found) history.replaceState(history.state, '', location.pathname + location.search);
  return found;
}

/** The ticket named by the path (`/tickets/<conversation id>`), if any. */
function routedTicket(): string | null {
  const path = location.pathname;
  const rest = path.startsWith(API.customerPage) ? path.slice(API.customerPage.length) : '';
  let id = '';
  try {
    id = decodeURIComponent(rest.split('/')[0] ?? '');
  } catch {
    return null;
  }
  return OBJECT_ID.test(id) ? id : null;
}

function initialLocale(): Locale {
  const picked = portalStorage.locale();
  return isLocale(picked) ? picked : resolveLocale(null);
}

/**
 * The customer page at /tickets/: guests come with `#t=<link>` and a one-time code, logged-in
 * users with `#site=<key>&token=<userToken>` from the host site. Afterwards the session lives in
 * sessionStorage (per tab), and the page shows "My tickets" (users) or the one ticket (guests).
 *
 * Every new step moves focus to its heading; errors are announced through role=alert.
 */
export class PortalApp extends LitElement {
  static override styles = [
    themeTokens,
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100vh;
        min-height: 100dvh;
        background: var(--p-bg);
      }
      .top {
        border-bottom: 1px solid var(--p-border);
        background: var(--p-surface);
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        max-width: 52rem;
        margin: 0 auto;
        padding: 0.6rem 1rem;
      }
      .brand {
        margin-inline-end: auto;
        font-weight: 700;
      }
      .who {
        color: var(--p-muted);
        font-size: 0.875rem;
        overflow-wrap: anywhere;
      }
      .lang {
        display: flex;
        align-items: center;
        gap: 0.4rem;
      }
      .lang label {
        margin: 0;
        font-size: 0.875rem;
        font-weight: 500;
        color: var(--p-muted);
      }
      .lang select {
        width: auto;
        min-height: 2.5rem;
        padding: 0.3rem 0.5rem;
      }
      .bar .btn {
        min-height: 2.5rem;
      }
      main {
        flex: 1;
        width: 100%;
        max-width: 52rem;
        margin: 0 auto;
        padding: 1.5rem 1rem 3rem;
      }
      .banner {
        margin: 0 0 1rem;
      }
      @media (max-width: 480px) {
        main {
          padding: 1rem 0.75rem 2rem;
        }
        .card {
          padding: 1rem;
        }
      }
    `,
  ];

  @state() private i18n = new I18n(initialLocale());
  @state() private screen: Screen = { kind: 'loading', text: 'loading' };
  @state() private connection: PortalConnection | null = null;
  @state() private entry: Entry | null = null;

  constructor() {
    super();
    new Watch<PortalConnection>(
      this,
      () => this.connection,
      (c, notify) => c.onChange(notify),
    );
    this.addEventListener('portal-signed-in', (e) => this.signIn(e.detail));
    this.addEventListener('portal-link-broken', () => this.linkBroken());
    this.addEventListener('portal-open', (e) => this.navigate(ticketPath(e.detail.conversationId)));
    this.addEventListener('portal-home', () => this.navigate(API.customerPage));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    window.addEventListener('popstate', this.onPopState);
    // A click on a push notification, with this page already open: the push worker asks it to go there.
    navigator.serviceWorker?.addEventListener('message', this.onWorkerMessage);
    navigator.serviceWorker?.startMessages();
    document.documentElement.lang = this.i18n.locale;
    void this.boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('popstate', this.onPopState);
    navigator.serviceWorker?.removeEventListener('message', this.onWorkerMessage);
    this.connection?.close();
  }

  protected override updated(changed: PropertyValues): void {
    // Every update: a ticket's number is known only once its history has loaded.
    const title = `${this.screenTitle()} · ${this.i18n.t('pageTitle')}`;
    if (document.title !== title) document.title = title;
    if (changed.has('screen')) void this.focusStep();
  }

  protected override render() {
    const session = this.connection?.session;
    const who = session?.user?.email || session?.user?.name || (this.entry?.kind === 'guest' && session ? this.entry.maskedEmail : null);
    return html`
      <header class="top">
        <div class="bar">
          <span class="brand">${this.i18n.t('brand')}</span>
          ${who ? html`<span class="who">${this.i18n.t('signedInAs', { who })}</span>` : nothing}
          <div class="lang">
            <label for="lang">${this.i18n.t('language')}</label>
            <select id="lang" @change=${this.onLocale}>
              ${PORTAL_LOCALES.map((l) => html`<option value=${l} lang=${l} ?selected=${l === this.i18n.locale}>${LANGUAGE_NAMES[l]}</option>`)}
            </select>
          </div>
          ${session ? html`<button class="btn" type="button" @click=${this.signOut}>${this.i18n.t('signOut')}</button>` : nothing}
        </div>
      </header>
      <main id="main">
        ${this.connection?.state === 'offline' ? html`<p class="notice banner" role="status">${this.i18n.t('offline')}</p>` : nothing} ${this.renderScreen()}
      </main>
    `;
  }

  private renderScreen() {
    const s = this.screen;
    const page = (title: MessageKey, body: unknown) => html`<section class="card"><h1 tabindex="-1">${this.i18n.t(title)}</h1>${body}</section>`;
    switch (s.kind) {
      case 'loading':
        return html`<section class="card" aria-busy="true"><h1 tabindex="-1">${this.i18n.t(s.text)}</h1></section>`;
      case 'landing':
        return page('landingTitle', html`<p>${this.i18n.t('landingText')}</p>`);
      case 'signed-out':
        return page('signedOutTitle', html`<p>${this.i18n.t('signedOutText')}</p>`);
      case 'link-broken':
        return page('linkBrokenTitle', html`<p>${this.i18n.t('linkBrokenText')}</p>`);
      case 'user-refused':
        return page('userLinkTitle', html`<p>${this.i18n.t('userLinkText')}</p>`);
      case 'error':
        return page(
          'genericError',
          html`<p role="alert">${s.message}</p>
            <div class="actions"><button class="btn primary" type="button" @click=${s.retry}>${this.i18n.t('tryAgain')}</button></div>`,
        );
      case 'guest': {
        const entry = this.entry;
        if (entry?.kind !== 'guest') return nothing;
        return html`<portal-guest-access
          .i18n=${this.i18n}
          .link=${entry.link}
          .maskedEmail=${entry.maskedEmail ?? ''}
          .notice=${s.notice ? this.i18n.t(s.notice) : ''}
        ></portal-guest-access>`;
      }
      case 'list':
        return html`<portal-ticket-list .i18n=${this.i18n} .connection=${this.connection}></portal-ticket-list>`;
      case 'ticket':
        return html`<portal-ticket-view
          .i18n=${this.i18n}
          .connection=${this.connection}
          .conversationId=${s.conversationId}
          ?guest=${this.connection?.session.kind === 'guest'}
        ></portal-ticket-view>`;
    }
  }

  private screenTitle(): string {
    const s = this.screen;
    const keys: Partial<Record<Screen['kind'], MessageKey>> = {
      landing: 'landingTitle',
      'signed-out': 'signedOutTitle',
      'link-broken': 'linkBrokenTitle',
      'user-refused': 'userLinkTitle',
      error: 'genericError',
      guest: 'verifyTitle',
      list: 'myTickets',
    };
    if (s.kind === 'loading') return this.i18n.t(s.text);
    if (s.kind === 'ticket') {
      const ticket = this.connection?.stream?.conversation?.ticket;
      return ticket ? this.i18n.t('ticketNumber', { number: ticket.number }) : this.i18n.t('conversation');
    }
    return this.i18n.t(keys[s.kind] ?? 'pageTitle');
  }

  /** Focus goes to the new step's heading, in this element or in the view that shows the step. */
  private async focusStep(): Promise<void> {
    await this.updateComplete;
    const view = this.renderRoot.querySelector('main > :not(.banner)');
    if (view && 'focusHeading' in view && typeof view.focusHeading === 'function') await (view.focusHeading as () => Promise<void>)();
    else this.renderRoot.querySelector<HTMLElement>('main h1')?.focus();
  }

  private async boot(): Promise<void> {
    const fragment = takeFragment();
    const stored = portalStorage.session();
    const entry = portalStorage.entry();
    if (fragment?.kind === 'guest') {
      // The same link again (the email link opened once more) keeps a session that is still good.
      if (entry?.kind === 'guest' && entry.link === fragment.link && stored && !isExpired(stored)) {
        if (this.connection?.session.token === stored.token) return;
        this.entry = entry;
        this.signIn(stored);
        return;
      }
      this.endSession();
      this.setEntry({ kind: 'guest', link: fragment.link, maskedEmail: null });
      await this.openGuest(null);
      return;
    }
    if (fragment?.kind === 'user') {
      this.endSession();
      this.setEntry({ kind: 'user', siteKey: fragment.siteKey });
      await this.signInUser(fragment.siteKey, fragment.userToken);
      return;
    }
    if (this.connection) return;
    this.entry = entry;
    if (stored && !isExpired(stored)) {
      this.signIn(stored);
      return;
    }
    if (stored) portalStorage.setSession(null);
    if (entry?.kind === 'guest') await this.openGuest(stored ? 'sessionEndedGuest' : null);
    else if (entry?.kind === 'user') this.screen = { kind: 'user-refused' };
    else this.screen = { kind: 'landing' };
  }

  /** The code step of a guest's link; asks the server for the masked email first if it is not known. */
  private async openGuest(notice: MessageKey | null): Promise<void> {
    const entry = this.entry;
    if (entry?.kind !== 'guest') return;
    if (entry.maskedEmail) {
      this.screen = { kind: 'guest', notice };
      return;
    }
    this.screen = { kind: 'loading', text: 'loading' };
    try {
      const info = await guestApi.link({ link: entry.link });
      if (this.entry !== entry) return;
      this.setEntry({ ...entry, maskedEmail: info.maskedEmail });
      this.screen = { kind: 'guest', notice };
    } catch (error) {
      if (this.entry !== entry) return;
      const body = errorBody(error);
      // An unknown, wrong or expired link, or one that is not even shaped like a link: one page for all.
      if (body.code === 'NOT_FOUND' || body.code === 'VALIDATION') this.linkBroken();
      else this.screen = { kind: 'error', message: describeError(body, this.i18n), retry: () => void this.openGuest(notice) };
    }
  }

  private async signInUser(siteKey: string, userToken: string): Promise<void> {
    this.screen = { kind: 'loading', text: 'signingIn' };
    try {
      this.signIn(await customerApi.session({ siteKey, userToken }));
    } catch (error) {
      const body = errorBody(error);
      if (['UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION', 'NOT_FOUND'].includes(body.code)) this.screen = { kind: 'user-refused' };
      else this.screen = { kind: 'error', message: describeError(body, this.i18n), retry: () => void this.signInUser(siteKey, userToken) };
    }
  }

  private signIn(session: CustomerSessionDTO | StoredSession): void {
    this.connection?.close();
    const kept = portalStorage.setSession(session)!;
    const connection = new PortalConnection(kept, () => {
      if (this.connection === connection) this.sessionEnded();
    });
    this.connection = connection;
    connection.connect();
    this.showRoute(true);
  }

  /** The session expired or was refused: back to the start of the way the customer came in. */
  private sessionEnded(): void {
    this.endSession();
    const entry = this.entry;
    if (entry?.kind === 'guest') void this.openGuest('sessionEndedGuest');
    else if (entry?.kind === 'user') this.screen = { kind: 'user-refused' };
    else this.screen = { kind: 'signed-out' };
  }

  private endSession(): void {
    this.connection?.close();
    this.connection = null;
    portalStorage.setSession(null);
  }

  private signOut(): void {
    this.endSession();
    this.setEntry(null);
    history.replaceState(null, '', API.customerPage);
    this.screen = { kind: 'signed-out' };
  }

  private linkBroken(): void {
    this.endSession();
    this.setEntry(null);
    this.screen = { kind: 'link-broken' };
  }

  private setEntry(entry: Entry | null): void {
    this.entry = entry;
    portalStorage.setEntry(entry);
  }

  private navigate(path: string): void {
    if (location.pathname !== path) history.pushState(null, '', path);
    this.showRoute(false);
  }

  /** Shows what the path names: a ticket, or the home of this session (the list, or a guest's ticket). */
  private showRoute(replace: boolean): void {
    const session = this.connection?.session;
    if (!session) return;
    let id = routedTicket();
    if (session.kind === 'guest' && session.conversationId && id !== session.conversationId) {
      id = session.conversationId;
      history.replaceState(null, '', ticketPath(id));
    } else if (replace && !id && location.pathname !== API.customerPage) {
      history.replaceState(null, '', API.customerPage);
    }
    if (this.screen.kind === 'ticket' && this.screen.conversationId === id) return;
    if (!id) this.connection?.closeStream();
    this.screen = id ? { kind: 'ticket', conversationId: id } : { kind: 'list' };
  }

  private readonly onHashChange = () => void this.boot();

  private readonly onPopState = () => this.showRoute(false);

  /** `{type: 'chat-hybrid:navigate', url}` from the push worker (widget/push/push-sw.ts): a page of ours to show. */
  private readonly onWorkerMessage = (e: MessageEvent) => {
    const data = e.data as { type?: unknown; url?: unknown } | null;
    if (data?.type !== 'chat-hybrid:navigate' || typeof data.url !== 'string') return;
    let url: URL;
    try {
      url = new URL(data.url, location.href);
    } catch {
      return;
    }
    if (url.origin !== location.origin || !url.pathname.startsWith(API.customerPage)) return;
    if (this.connection) this.navigate(url.pathname);
    else location.assign(url.href);
  };

  private onLocale(e: Event): void {
    const locale = (e.target as HTMLSelectElement).value;
    if (!isLocale(locale)) return;
    portalStorage.setLocale(locale);
    document.documentElement.lang = locale;
    this.i18n = new I18n(locale);
  }
}

define('portal-app', PortalApp);
