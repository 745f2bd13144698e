import { LitElement, html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { newClientId } from '../../shared/conversation-stream.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { ConversationDTO, Locale } from '../../shared/types.js';
import { LANGUAGE_NAMES, loadTranslator, type MessageKey, type Translate } from '../i18n/index.js';
import { soundKey, writeStorage } from '../storage.js';
import { panelStyles } from './chat-panel.styles.js';
import { data, define, internal } from './define.js';
import { backIcon, minimiseIcon, moreIcon } from './icons.js';
import './message-composer.js';
import './message-list.js';
import './contact-form.js';
import { prechatFor, type ContactDetails } from './contact-form.js';
import { sharedStyles } from './shared.styles.js';
import { unlockSound } from './sound.js';
import type { Uploader } from './attachment-draft.js';
import type { VisitorClient } from './visitor-client.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-close': CustomEvent<null>;
    'chat-hybrid-locale': CustomEvent<Locale>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-panel': ChatPanel;
  }
}

/**
 * The screens loaded when first shown, each module defining its element: the first open downloads
 * only the start screen and the chat (see scripts/build-web.ts).
 */
const LAZY = {
  'chat-hybrid-tickets': () => import('./ticket-list.js'),
  'chat-hybrid-end': () => import('./chat-end.js'),
  'chat-hybrid-feedback': () => import('./feedback-form.js'),
  'chat-hybrid-official': () => import('./official-check.js'),
};
type LazyTag = keyof typeof LAZY;
/** Screens of the header menu, over whatever the client shows; they fire `chat-hybrid-back` when left. */
type MenuScreen = 'chat-hybrid-feedback' | 'chat-hybrid-official';

/**
 * The chat window: a header with the chat's or ticket's status, then the start screen (the ticket
 * to continue in, the chat form or, with no agent online, the ticket form), "My tickets", or a
 * conversation with its composer. It shows what its VisitorClient holds and hands it what the
 * visitor does.
 *
 * A conversation takes replies while it is live or a ticket that is not closed; a closed ticket
 * offers a follow-up instead.
 *
 * The header's "More" menu (a menu button: arrow keys move, Escape closes and focus returns to the
 * button) switches the language and the chime, and opens product feedback, the official-channel
 * check and "My tickets".
 *
 * Focus: moves inside on `show()`, and again when the view changes under it (form to chat, chat to
 * ended, list to ticket) if it was inside; returning it to the launcher on close is the loader's job.
 *
 * @fires chat-hybrid-close - The visitor closed the panel (close button or Escape).
 * @fires chat-hybrid-locale - The visitor picked a language, now shown.
 * @csspart panel - The window. @csspart header - Its coloured top bar. @csspart title - The heading in it.
 * @csspart body - Everything under the header. @csspart composer - Where the visitor writes.
 *   (The loader's element re-exports them: `chat-hybrid-widget::part(header)`.)
 * @cssprop --chat-hybrid-accent - Header, own messages and main buttons. A colour set in the site's
 *   widget settings wins over the page's: the loader sets it inline on its element (MountOptions.onLook).
 * @cssprop --chat-hybrid-accent-text - Text on the accent colour (chosen for contrast with the site's colour).
 * @cssprop --chat-hybrid-background, --chat-hybrid-surface, --chat-hybrid-text, --chat-hybrid-muted,
 *   --chat-hybrid-border, --chat-hybrid-danger, --chat-hybrid-focus, --chat-hybrid-radius, --chat-hybrid-font
 */
export class ChatPanel extends LitElement {
  static override styles = [sharedStyles, panelStyles];

  static override properties: PropertyDeclarations = {
    open: { type: Boolean, reflect: true },
    client: data,
    t: data,
    locale: {},
    sound: data,
    menuOpen: internal,
    screen: internal,
    notice: internal,
    confirmingEnd: internal,
    ending: internal,
    endError: internal,
    starting: internal,
    startError: internal,
    newWanted: internal,
    form: internal,
    created: internal,
  };

  open = false;
  /** Set before the element is connected. */
  client!: VisitorClient;
  t!: Translate;
  locale: Locale = 'en';
  /** The chime for agent messages while the panel is closed or the page hidden (see chat-app.ts). */
  sound = false;

  private menuOpen = false;
  private screen: MenuScreen | '' = '';
  /** A language that could not be loaded, said in the one shown. */
  private notice: MessageKey | '' = '';
  /** The language last asked for: of two loads in flight, the later ask wins. */
  private wantedLocale: Locale | null = null;
  /** Lazy screens whose chunk is loading or failed (to offer a retry). */
  private readonly chunks = new Map<LazyTag, 'loading' | 'failed'>();
  /** Counts loaded chunks: a screen that arrives is a new view, for focus. */
  private loaded = 0;
  private confirmingEnd = false;
  private ending = false;
  private endError: MessageKey | '' = '';
  private starting = false;
  private startError = '';
  /** The start screen shows its form even though there is a ticket to continue in. */
  private newWanted = false;
  /** "Leave a message" or a follow-up, open over the conversation with this id. */
  private form: { mode: 'leave' | 'follow'; id: string } | null = null;
  /** The ticket just created, confirmed while its conversation is shown. */
  private created: { id: string; number: number } | null = null;
  /** Kept until the form's ticket exists, so sending the same form again returns that ticket. */
  private ticketClientId = newClientId();

  private unsubscribe: (() => void) | null = null;
  /** The last conversation seen live here: its end is rated even when it became a ticket as it ended. */
  private liveId = '';
  private focusWanted = false;
  private shownView = '';

  show(): void {
    this.open = true;
    this.focusWanted = true;
    this.client.refreshStart();
  }

  hide(): void {
    this.open = false;
    this.confirmingEnd = false;
    this.menuOpen = false;
  }

  /** Shows the panel in `locale` once its dictionary is in; the next chat or ticket carries it. Rejects when it could not be loaded. */
  async setLocale(locale: Locale): Promise<void> {
    this.wantedLocale = locale;
    const t = await loadTranslator(locale);
    if (this.wantedLocale !== locale) return;
    this.t = t;
    this.locale = this.lang = this.client.options.locale = locale;
    this.notice = '';
  }

  /** A language from the host page (`picked` false) or the menu; a failure is said in the language shown. */
  changeLocale(locale: Locale, picked = false): void {
    this.setLocale(locale).then(
      () => picked && this.dispatchEvent(new CustomEvent('chat-hybrid-locale', { detail: locale })),
      () => (this.notice = 'languageFailed'),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.client.onChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  protected override updated(): void {
    const view = this.view();
    if (this.open && (this.focusWanted || (view !== this.shownView && this.focusIsOurs()))) void this.focusInside();
    this.shownView = view;
  }

  protected override render() {
    const { client, t } = this;
    const { phase } = client;
    const conversation = phase === 'chat' ? (client.stream?.conversation ?? null) : null;
    const ticket = conversation?.ticket;
    const live = !!conversation && conversation.status !== 'ended';
    const status = conversation ? (ticket && !live ? t(`status:${ticket.status}`) : this.statusText(conversation)) : '';
    const screen = this.screen;
    const title = screen
      ? t(screen == 'chat-hybrid-feedback' ? 'menuFeedback' : 'menuOfficial')
      : phase === 'tickets'
        ? t('myTickets')
        : ticket
          ? t('ticketTitle', { number: String(ticket.number) })
          : t('title');
    // "My tickets" leaves the conversation shown, so not a live one.
    const canList = !live && phase !== 'connecting';
    return html`<section class="panel" part="panel" role="dialog" aria-labelledby="title" tabindex="-1" @keydown=${this.onKeydown}>
      <header part="header">
        ${screen || phase === 'tickets' || (conversation && !live)
          ? html`<button type="button" class="icon-button" aria-label=${t('back')} title=${t('back')} @click=${screen ? this.closeScreen : this.back}>${backIcon}</button>`
          : nothing}
        <div class="heading">
          <h2 id="title" part="title">${title}</h2>
          ${status && !screen ? html`<p class="status" aria-live="polite">${status}</p>` : nothing}
        </div>
        ${screen
          ? nothing
          : live
            ? this.confirmingEnd
              ? nothing
              : html`<button type="button" class="header-button" id="end" @click=${this.askEnd}>${t('endChat')}</button>`
            : canList && phase !== 'tickets'
              ? html`<button type="button" class="header-button" @click=${this.myTickets}>${t('myTickets')}</button>`
              : nothing}
        <button
          type="button"
          class="icon-button"
          id="more"
          aria-label=${t('menuMore')}
          title=${t('menuMore')}
          aria-haspopup="menu"
          aria-expanded=${this.menuOpen}
          aria-controls=${this.menuOpen ? 'menu' : nothing}
          @click=${() => this.toggleMenu()}
        >
          ${moreIcon}
        </button>
        <button type="button" class="icon-button" aria-label=${t('minimise')} title=${t('minimise')} @click=${this.close}>${minimiseIcon}</button>
        ${this.menuOpen ? this.renderMenu(canList) : nothing}
      </header>
      ${this.confirmingEnd ? this.renderConfirm() : nothing}
      <div class="notice ${this.confirmation() ? 'ok' : ''}" role="status">${this.renderNotice()}</div>
      <div class="body" part="body">${screen ? this.renderScreen(screen) : this.renderBody()}</div>
    </section>`;
  }

  /**
   * The "More" menu: the site's languages (each named in itself, with its `lang`), the chime, and
   * the screens. Every item closes it.
   */
  private renderMenu(canList: boolean) {
    const { t } = this;
    const languages = this.client.config?.widget?.languages;
    const item = (label: string, run: () => void, role = 'menuitem', checked?: boolean, lang?: Locale) =>
      html`<button type="button" role=${role} tabindex="-1" aria-checked=${checked ?? nothing} lang=${lang ?? nothing} @click=${() => this.pick(run)}>
        ${label}
      </button>`;
    return html`<div class="menu" id="menu" role="menu" aria-labelledby="more" @keydown=${this.onMenuKeydown} @focusout=${this.onMenuFocusout}>
      <div role="group" aria-label=${t('menuLanguage')}>
        ${(languages?.length ? languages : (Object.keys(LANGUAGE_NAMES) as Locale[])).map((locale) =>
          item(LANGUAGE_NAMES[locale], () => this.changeLocale(locale, true), 'menuitemradio', locale === this.locale, locale),
        )}
      </div>
      <div role="separator"></div>
      ${item(t('menuSound'), this.toggleSound, 'menuitemcheckbox', this.sound)}
      ${item(t('menuFeedback'), () => this.showScreen('chat-hybrid-feedback'))}
      ${item(t('menuOfficial'), () => this.showScreen('chat-hybrid-official'))}
      ${canList ? item(t('myTickets'), this.myTickets) : nothing}
    </div>`;
  }

  /** A menu screen, once its chunk is in. */
  private renderScreen(screen: MenuScreen) {
    const { t, locale, client } = this;
    return this.lazy(
      screen,
      screen == 'chat-hybrid-feedback'
        ? html`<chat-hybrid-feedback .t=${t} .locale=${locale} .client=${client} @chat-hybrid-back=${this.closeScreen}></chat-hybrid-feedback>`
        : html`<chat-hybrid-official .t=${t} .locale=${locale} .client=${client} @chat-hybrid-back=${this.closeScreen}></chat-hybrid-official>`,
    );
  }

  /**
   * `view` once `tag` is defined. Until then "Loading…" while its chunk comes, or, when it could
   * not be loaded (offline, a deploy replaced it), a retry: never an empty panel.
   */
  private lazy(tag: LazyTag, view: TemplateResult): TemplateResult {
    const { t, chunks } = this;
    if (customElements.get(tag)) return view;
    const state = chunks.get(tag);
    if (state == 'failed') {
      return html`<div class="placeholder" role="alert">
        <p>${t('chunkFailed')}</p>
        <button type="button" class="button" @click=${() => (chunks.delete(tag), this.requestUpdate())}>${t('tryAgain')}</button>
      </div>`;
    }
    if (!state) {
      chunks.set(tag, 'loading');
      LAZY[tag]().then(
        () => (chunks.delete(tag), this.loaded++),
        () => chunks.set(tag, 'failed'),
      ).finally(() => this.requestUpdate());
    }
    return html`<p class="placeholder" role="status">${t('loading')}</p>`;
  }

  private renderConfirm() {
    return html`<div class="confirm" role="group" aria-labelledby="confirm-question">
      <p id="confirm-question">${this.t('endConfirm')}</p>
      ${this.endError ? html`<p class="error" role="alert">${this.t(this.endError)}</p>` : nothing}
      <button type="button" class="button danger" aria-disabled=${this.ending ? 'true' : 'false'} @click=${this.confirmEnd}>
        ${this.t('endConfirmYes')}
      </button>
      <button type="button" class="button" id="keep" @click=${this.cancelEnd}>${this.t('endConfirmNo')}</button>
    </div>`;
  }

  private renderNotice() {
    if (this.client.refused) {
      return html`${this.t('unavailable')}
        <button type="button" class="button" @click=${() => this.client.reconnect()}>${this.t('tryAgain')}</button>`;
    }
    if (this.client.reconnecting) return this.t('reconnecting');
    if (this.notice) return this.t(this.notice);
    const created = this.confirmation();
    return created ? this.t('ticketCreated', { number: String(created) }) : nothing;
  }

  /** The number of the ticket just created, while its conversation is shown and the ticket still open. */
  private confirmation(): number {
    const { created, client } = this;
    const shown = client.phase === 'chat' ? client.stream?.conversation : null;
    return created && shown?.id === created.id && shown.ticket?.status === 'open' ? created.number : 0;
  }

  private renderBody() {
    const { client, t } = this;
    switch (client.phase) {
      case 'connecting':
        return html`<p class="placeholder">${t('connecting')}</p>`;
      case 'prechat':
        return this.renderStart();
      case 'tickets':
        return this.lazy('chat-hybrid-tickets', html`<chat-hybrid-tickets .t=${t} .locale=${this.locale} .client=${client}></chat-hybrid-tickets>`);
    }
    const stream = client.stream;
    const conversation = stream?.conversation;
    if (!stream || !conversation) return nothing;
    const form = this.openForm(conversation);
    if (form) return this.renderForm(form, conversation);
    const ticket = conversation.ticket;
    const typing = client.agentTyping;
    const ended = conversation.status === 'ended';
    if (!ended) this.liveId = conversation.id;
    return html`${conversation.status === 'queued' && !ticket
        ? html`<div class="bar">
            <button type="button" class="button" @click=${() => this.showForm('leave', conversation)}>${t('leaveMessage')}</button>
          </div>`
        : nothing}
      <chat-hybrid-messages
        .t=${t}
        .locale=${this.locale}
        .load=${this.loadAttachment}
        .messages=${[...stream.messages]}
        .pending=${[...stream.pending]}
        .seen=${stream.receipts?.agentSeq ?? 0}
        .typing=${typing ? (typing.name ? t('typing', { name: typing.name }) : t('typingUnnamed')) : ''}
        @chat-hybrid-retry=${(e: CustomEvent<{ clientId: string }>) => client.retry(e.detail.clientId)}
      ></chat-hybrid-messages>
      ${ended && conversation.acceptedAt && (!ticket || this.liveId === conversation.id)
        ? this.lazy('chat-hybrid-end', html`<chat-hybrid-end .t=${t} .client=${client} .conversation=${conversation}></chat-hybrid-end>`)
        : nothing}
      ${!ended || (ticket && ticket.status !== 'closed')
        ? html`<chat-hybrid-composer
            part="composer"
            .t=${t}
            .upload=${this.uploadHere}
            @chat-hybrid-send=${(e: GlobalEventHandlersEventMap['chat-hybrid-send']) => client.send(e.detail.body, e.detail.attachments)}
            @chat-hybrid-draft=${(e: CustomEvent<{ empty: boolean }>) => client.noteTyping(!e.detail.empty)}
          ></chat-hybrid-composer>`
        : ticket
          ? html`<div class="footer">
              <p>${t('ticketClosed')}</p>
              <button type="button" class="button primary" @click=${() => this.showForm('follow', conversation)}>${t('followUp')}</button>
            </div>`
          : html`<div class="footer">
              <button type="button" class="button primary" @click=${this.startOver}>${t('newChat')}</button>
            </div>`}`;
  }

  /** The ticket to continue in first, if there is one; then the chat form, or the ticket form when no agent is online. */
  private renderStart() {
    const { client, t } = this;
    const config = client.config;
    if (!config) return html`<p class="placeholder">${t('connecting')}</p>`;
    const open = client.openTicket;
    const showForm = !open?.ticket || this.newWanted;
    return html`${open?.ticket
      ? html`<div class="start">
          <button type="button" class="button primary" @click=${() => client.open(open)}>
            ${t('continueTicket', { number: String(open.ticket.number) })}
          </button>
          ${showForm
            ? nothing
            : html`<button type="button" class="button" @click=${() => (this.newWanted = true)}>
                ${t(config.available ? 'newChat' : 'newTicket')}
              </button>`}
        </div>`
      : nothing}
    ${!showForm
      ? nothing
      : this.renderForm(config.available ? 'chat' : 'ticket', null)}`;
  }

  /**
   * The chat form, the offline form, "leave a message" or a follow-up. The email is asked only when
   * the server would not know it: not for a logged-in user with one, nor when the chat or the closed
   * ticket has one; only a ticket for an anonymous visitor needs it.
   */
  private renderForm(mode: 'chat' | 'ticket' | 'leave' | 'follow', conversation: ConversationDTO | null) {
    const { client } = this;
    const user = client.session?.kind === 'user' ? client.session.user : null;
    const known = user?.email || (mode === 'leave' ? conversation?.visitor.email : conversation?.ticket?.requester.email);
    const site = client.config?.widget;
    return html`<chat-hybrid-form
      .t=${this.t}
      .mode=${mode}
      .categories=${client.config?.categories ?? []}
      .emailMode=${known ? 'hidden' : user || mode === 'chat' ? 'optional' : 'required'}
      .prechat=${prechatFor(client.config, user)}
      .locale=${this.locale}
      .name=${user?.name ?? client.lastVisitor.name}
      .email=${user ? '' : known || client.lastVisitor.email}
      .upload=${this.uploadNew}
      .intro=${(mode === 'chat' ? site?.greeting : mode === 'ticket' ? site?.offlineMessage : null)?.[this.locale] ?? ''}
      ?busy=${this.starting}
      .error=${this.startError}
      @chat-hybrid-submit=${(e: CustomEvent<ContactDetails>) => (mode === 'chat' ? this.onStart(e.detail) : this.onTicket(mode, e.detail, conversation))}
      @chat-hybrid-cancel=${this.cancelForm}
    ></chat-hybrid-form>`;
  }

  private statusText(conversation: ConversationDTO): string {
    switch (conversation.status) {
      case 'queued': {
        const queue = this.client.queue;
        if (queue?.conversationId !== conversation.id) return this.t('statusQueued');
        const wait = queue.estimatedWaitSeconds;
        const minutes = new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
        return (
          this.t('queuePosition', { n: String(queue.position) }) +
          (wait === null ? '' : ` · ${this.t('queueWait', { time: minutes.format(Math.max(1, Math.round(wait / 60))) })}`)
        );
      }
      case 'active':
        return conversation.agent ? this.t('statusActive', { name: conversation.agent.name }) : this.t('statusActiveUnnamed');
      case 'ended':
        return this.t('statusEnded');
    }
  }

  /** Which screen is up; focus follows when it changes. */
  private view(): string {
    const { client } = this;
    const conversation = client.stream?.conversation;
    return [
      client.phase,
      // The start screen fills in once the site's settings and the visitor's open ticket are known.
      !client.config,
      client.openTicket?.id,
      conversation?.id,
      conversation?.status === 'ended',
      conversation?.ticket?.status === 'closed',
      conversation && this.openForm(conversation),
      this.newWanted,
      this.screen,
      this.loaded,
    ].join();
  }

  /** The form open over this conversation; "leave a message" only while the chat is still queued. */
  private openForm(conversation: ConversationDTO): 'leave' | 'follow' | '' {
    const form = this.form;
    if (!form || form.id !== conversation.id) return '';
    return form.mode === 'follow' || (conversation.status === 'queued' && !conversation.ticket) ? form.mode : '';
  }

  private focusIsOurs(): boolean {
    const active = document.activeElement;
    // A removed button (the one that started the chat, say) leaves focus on the body.
    return this.matches(':focus-within') || active === null || active === document.body;
  }

  /** Focuses where the visitor goes next: the composer, the form, the new-chat button, or the panel. */
  private async focusInside(): Promise<void> {
    this.focusWanted = false;
    const root = this.renderRoot;
    const target =
      root.querySelector<HTMLElement>('chat-hybrid-feedback, chat-hybrid-official, chat-hybrid-tickets') ??
      root.querySelector('chat-hybrid-form') ??
      root.querySelector('chat-hybrid-composer') ??
      root.querySelector('chat-hybrid-end') ??
      root.querySelector<HTMLElement>('.footer .button, .start .button, .body .button') ??
      root.querySelector<HTMLElement>('.panel');
    // The composer and the form delegate focus to their first field, once they have rendered it.
    if (target instanceof LitElement) await target.updateComplete;
    target?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.isComposing) return;
    event.stopPropagation();
    if (this.menuOpen) void this.toggleMenu(false);
    else if (this.confirmingEnd) void this.cancelEnd();
    else this.close();
  }

  /** Opens the menu with focus on its first item, or closes it with focus back on the button. */
  private async toggleMenu(open = !this.menuOpen): Promise<void> {
    this.menuOpen = open;
    await this.updateComplete;
    if (open) this.menuItems()[0]?.focus();
    else this.renderRoot.querySelector<HTMLElement>('#more')?.focus();
  }

  private menuItems(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.menu button')];
  }

  /** Arrow keys, Home and End move through the items, round the ends; Tab leaves (and closes). */
  private onMenuKeydown(event: KeyboardEvent): void {
    const items = this.menuItems();
    const at = items.indexOf(this.renderRoot.querySelector(':focus') as HTMLElement);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: -1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    items.at(to % items.length)?.focus();
  }

  /** Focus went elsewhere (Tab, a click outside): the menu closes, leaving focus where it went. */
  private onMenuFocusout(event: FocusEvent): void {
    const next = event.relatedTarget as Node | null;
    // The menu button toggles the menu itself.
    if (!(next && (this.renderRoot.querySelector('.menu')?.contains(next) || (next as Element).id == 'more'))) this.menuOpen = false;
  }

  /** A menu item: the menu closes, focus returns to its button, then the item does its work (which may move focus on). */
  private async pick(run: () => void): Promise<void> {
    await this.toggleMenu(false);
    run();
  }

  private readonly toggleSound = () => {
    this.sound = !this.sound;
    writeStorage(soundKey(this.client.options.siteKey), this.sound ? 'on' : 'off');
    // This click is the gesture that lets the chime play later.
    if (this.sound) unlockSound();
  };

  private showScreen(screen: MenuScreen): void {
    this.confirmingEnd = false;
    this.screen = screen;
  }

  private readonly closeScreen = () => {
    this.screen = '';
  };

  private close(): void {
    this.hide();
    this.dispatchEvent(new CustomEvent('chat-hybrid-close', { detail: null }));
  }

  private async onStart({ name, email, fields }: ContactDetails): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    this.startError = '';
    const error = await this.client.start({ ...(name && { name }), ...(email && { email }), ...(fields && { fields }) });
    this.starting = false;
    // A refusal that names fields of the form is shown on them (the site's form may have changed meanwhile).
    if (error && !this.renderRoot.querySelector('chat-hybrid-form')?.showErrors(error)) this.startError = this.t('startFailed');
  }

  private async onTicket(mode: 'ticket' | 'leave' | 'follow', details: ContactDetails, conversation: ConversationDTO | null): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    this.startError = '';
    const { client } = this;
    const result =
      mode === 'leave'
        ? await client.leaveMessage({ category: details.category, ...(details.email && { email: details.email }) })
        : await client.createTicket({
            ...details,
            body: details.body ?? '',
            clientId: this.ticketClientId,
            ...(mode === 'follow' && conversation && { followUpOf: conversation.id }),
          });
    this.starting = false;
    if ('code' in result) {
      this.startError = this.t(isEmailError(result) ? 'emailNeeded' : 'ticketFailed');
      return;
    }
    const created = 'conversation' in result ? result.conversation : result;
    this.created = created.ticket ? { id: created.id, number: created.ticket.number } : null;
    this.cancelForm();
  }

  private showForm(mode: 'leave' | 'follow', conversation: ConversationDTO): void {
    this.form = { mode, id: conversation.id };
    this.startError = '';
  }

  private readonly cancelForm = () => {
    this.form = null;
    this.newWanted = false;
    this.startError = '';
    this.ticketClientId = newClientId();
  };

  /** Leaving a conversation also ends the confirmation of its creation. */
  private readonly back = () => {
    this.cancelForm();
    this.created = null;
    this.client.back();
  };

  private readonly startOver = () => {
    this.back();
    this.newWanted = true;
    this.client.startOver();
  };

  private readonly myTickets = () => {
    this.screen = '';
    this.cancelForm();
    this.created = null;
    void this.client.listTickets('open');
  };

  private readonly loadAttachment = (id: string) => this.client.attachmentUrl(id);
  private readonly uploadNew: Uploader = (files, onProgress) => this.client.upload(files, undefined, onProgress);
  private readonly uploadHere: Uploader = (files, onProgress) => this.client.upload(files, this.client.stream?.conversationId, onProgress);

  private async askEnd(): Promise<void> {
    this.confirmingEnd = true;
    this.endError = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#keep')?.focus();
  }

  private async cancelEnd(): Promise<void> {
    this.confirmingEnd = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#end')?.focus();
  }

  private async confirmEnd(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    const error = await this.client.end();
    this.ending = false;
    if (error) this.endError = 'endFailed';
    else this.confirmingEnd = false;
  }
}

/** A VALIDATION error whose details name the email field. */
function isEmailError(error: ErrorBody): boolean {
  return (
    error.code === 'VALIDATION' &&
    Array.isArray(error.details) &&
    error.details.some((detail: unknown) => String((detail as { path?: unknown } | null)?.path ?? '').includes('email'))
  );
}

define('chat-hybrid-panel', ChatPanel);
