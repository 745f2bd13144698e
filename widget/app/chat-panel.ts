import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { ConversationDTO, Locale } from '../../shared/types.js';
import type { Translate } from '../i18n/index.js';
import { panelStyles } from './chat-panel.styles.js';
import { define } from './define.js';
import { minimiseIcon } from './icons.js';
import './message-composer.js';
import './message-list.js';
import type { MessageList } from './message-list.js';
import './prechat-form.js';
import type { PrechatDetails } from './prechat-form.js';
import { sharedStyles } from './shared.styles.js';
import type { VisitorClient } from './visitor-client.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-close': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-panel': ChatPanel;
  }
}

/**
 * The chat window: a header with the chat's status, then the form that starts a chat or the
 * conversation with its composer. It shows what its VisitorClient holds and hands it what the
 * visitor does.
 *
 * Focus: moves inside on `show()`, and again when the view changes under it (form to chat, chat to
 * ended) if it was inside; returning it to the launcher on close is the loader's job.
 *
 * @fires chat-hybrid-close - The visitor closed the panel (close button or Escape).
 * @cssprop --chat-hybrid-accent - Header, own messages and main buttons.
 * @cssprop --chat-hybrid-accent-text - Text on the accent colour.
 * @cssprop --chat-hybrid-background, --chat-hybrid-surface, --chat-hybrid-text, --chat-hybrid-muted,
 *   --chat-hybrid-border, --chat-hybrid-danger, --chat-hybrid-focus, --chat-hybrid-radius, --chat-hybrid-font
 */
export class ChatPanel extends LitElement {
  static override styles = [sharedStyles, panelStyles];

  @property({ type: Boolean, reflect: true }) open = false;
  /** Set before the element is connected. */
  @property({ attribute: false }) client!: VisitorClient;
  @property({ attribute: false }) t!: Translate;
  @property() locale: Locale = 'en';

  @state() private confirmingEnd = false;
  @state() private ending = false;
  @state() private endError = '';
  @state() private starting = false;
  @state() private startError = '';

  private unsubscribe: (() => void) | null = null;
  private focusWanted = false;
  private shownView = '';

  show(): void {
    this.open = true;
    this.focusWanted = true;
  }

  hide(): void {
    this.open = false;
    this.confirmingEnd = false;
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

  protected override updated(changed: PropertyValues<this>): void {
    const view = this.view();
    if (this.open && (this.focusWanted || (view !== this.shownView && this.focusIsOurs()))) void this.focusInside();
    this.shownView = view;
    // A hidden list cannot scroll; bring the newest message into view once it shows.
    if (changed.has('open') && this.open) this.renderRoot.querySelector<MessageList>('chat-hybrid-messages')?.scrollToEnd();
  }

  protected override render() {
    const conversation = this.client.stream?.conversation ?? null;
    const status = conversation ? this.statusText(conversation) : '';
    const canEnd = this.client.phase === 'chat' && conversation?.status !== 'ended' && !this.confirmingEnd;
    return html`<section class="panel" role="dialog" aria-labelledby="title" tabindex="-1" @keydown=${this.onKeydown}>
      <header>
        <div class="heading">
          <h2 id="title">${this.t('title')}</h2>
          ${status ? html`<p class="status">${status}</p>` : nothing}
        </div>
        ${canEnd
          ? html`<button type="button" class="header-button" id="end" @click=${this.askEnd}>${this.t('endChat')}</button>`
          : nothing}
        <button type="button" class="icon-button" aria-label=${this.t('minimise')} title=${this.t('minimise')} @click=${this.close}>
          ${minimiseIcon}
        </button>
      </header>
      ${this.confirmingEnd ? this.renderConfirm() : nothing}
      <div class="notice" role="status">${this.renderNotice()}</div>
      <div class="body">${this.renderBody()}</div>
    </section>`;
  }

  private renderConfirm() {
    return html`<div class="confirm" role="group" aria-labelledby="confirm-question">
      <p id="confirm-question">${this.t('endConfirm')}</p>
      ${this.endError ? html`<p class="error" role="alert">${this.endError}</p>` : nothing}
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
    return this.client.reconnecting ? this.t('reconnecting') : nothing;
  }

  private renderBody() {
    const { client, t } = this;
    if (client.phase === 'connecting') return html`<p class="placeholder">${t('connecting')}</p>`;
    if (client.phase === 'prechat') {
      return html`<chat-hybrid-prechat
        .t=${t}
        .name=${client.lastVisitor.name}
        .email=${client.lastVisitor.email}
        ?busy=${this.starting}
        .error=${this.startError}
        @chat-hybrid-start=${this.onStart}
      ></chat-hybrid-prechat>`;
    }
    const stream = client.stream;
    if (!stream) return nothing;
    const ended = stream.conversation?.status === 'ended';
    const typing = client.agentTyping;
    return html`<chat-hybrid-messages
        .t=${t}
        .locale=${this.locale}
        .messages=${[...stream.messages]}
        .pending=${[...stream.pending]}
        .typing=${typing ? (typing.name ? t('typing', { name: typing.name }) : t('typingUnnamed')) : ''}
        @chat-hybrid-retry=${(e: CustomEvent<{ clientId: string }>) => client.retry(e.detail.clientId)}
      ></chat-hybrid-messages>
      ${ended
        ? html`<div class="footer">
            <button type="button" class="button primary" @click=${() => client.startOver()}>${t('newChat')}</button>
          </div>`
        : html`<chat-hybrid-composer
            .t=${t}
            @chat-hybrid-send=${(e: CustomEvent<{ body: string }>) => client.send(e.detail.body)}
            @chat-hybrid-draft=${(e: CustomEvent<{ empty: boolean }>) => client.noteTyping(!e.detail.empty)}
          ></chat-hybrid-composer>`}`;
  }

  private statusText(conversation: ConversationDTO): string {
    switch (conversation.status) {
      case 'queued':
        return this.t('statusQueued');
      case 'active':
        return conversation.agent ? this.t('statusActive', { name: conversation.agent.name }) : this.t('statusActiveUnnamed');
      case 'ended':
        return this.t('statusEnded');
    }
  }

  /** Which screen is up; focus follows when it changes. */
  private view(): string {
    const ended = this.client.stream?.conversation?.status === 'ended';
    return `${this.client.phase}${ended ? ':ended' : ''}`;
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
      root.querySelector('chat-hybrid-composer') ??
      root.querySelector('chat-hybrid-prechat') ??
      root.querySelector<HTMLElement>('.footer .button') ??
      root.querySelector<HTMLElement>('.panel');
    // The composer and the form delegate focus to their first field, once they have rendered it.
    if (target instanceof LitElement) await target.updateComplete;
    target?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.isComposing) return;
    event.stopPropagation();
    if (this.confirmingEnd) void this.cancelEnd();
    else this.close();
  }

  private close(): void {
    this.hide();
    this.dispatchEvent(new CustomEvent('chat-hybrid-close', { detail: null }));
  }

  private async onStart(event: CustomEvent<PrechatDetails>): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    this.startError = '';
    const error = await this.client.start(event.detail);
    this.starting = false;
    if (error) this.startError = this.t(isEmailError(error) ? 'emailInvalid' : 'startFailed');
  }

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
    if (error) this.endError = this.t('endFailed');
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
