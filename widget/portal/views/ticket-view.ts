import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { API } from '../../../shared/api.js';
import type { ConversationDTO, MessageDTO } from '../../../shared/types.js';
import type { I18n } from '../i18n/index.js';
import { define, focusHeading } from '../lib/define.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { Watch } from '../lib/watch.js';
import { baseStyles } from '../portal.styles.js';
import './follow-up-form.js';
import './message-log.js';
import './reply-composer.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'portal-home': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'portal-ticket-view': TicketView;
  }
}

/**
 * One ticket: its header, the whole history, live updates, and the reply box; a closed ticket is
 * read-only and offers a follow-up (to logged-in users).
 *
 * New agent and system messages are announced through a polite live region of their own, so the
 * history already there when the page opens is not read out.
 *
 * @fires portal-home - Back to "My tickets".
 * @fires portal-open - A follow-up ticket was opened.
 */
export class TicketView extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .back {
        display: inline-block;
        margin-bottom: 1rem;
        color: var(--p-accent);
        font-weight: 600;
      }
      h1 .number {
        display: block;
        color: var(--p-muted);
        font-size: 0.95rem;
        font-weight: 600;
      }
      h1 .subject {
        overflow-wrap: anywhere;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
        margin: 0 0 1rem;
      }
      dl div {
        display: flex;
        gap: 0.4rem;
        align-items: baseline;
      }
      dt {
        color: var(--p-muted);
      }
      dd {
        margin: 0;
      }
      .history {
        margin: 1.5rem 0;
      }
      .reply {
        margin-top: 1.5rem;
      }
      .email-note {
        margin: 0 0 0.75rem;
        color: var(--p-muted);
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) i18n!: I18n;
  @property({ attribute: false }) connection: PortalConnection | null = null;
  @property({ attribute: false }) conversationId = '';
  /** Guests' sessions open this one ticket: no list to go back to, no follow-ups. */
  @property({ type: Boolean }) guest = false;

  @state() private followingUp = false;
  @state() private announcement = '';
  /** Messages up to this seq were there when the ticket was first shown, or were announced. */
  private announcedSeq = -1;
  private wasLoaded = false;

  constructor() {
    super();
    new Watch<PortalConnection>(
      this,
      () => this.connection,
      (c, notify) => c.onChange(notify),
    );
    this.addEventListener('portal-retry', (e) => this.connection?.stream?.retry(e.detail.clientId));
    this.addEventListener('portal-cancel', () => {
      this.followingUp = false;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#follow-up-button')?.focus());
    });
    this.addEventListener('portal-sent', () => {
      void this.updateComplete.then(() => this.renderRoot.querySelector('portal-message-log')?.scrollIntoView({ block: 'end', behavior: 'smooth' }));
    });
  }

  focusHeading(): Promise<void> {
    return focusHeading(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('conversationId') || changed.has('connection')) && this.connection && this.conversationId) {
      if (this.connection.stream?.conversationId !== this.conversationId) {
        this.announcedSeq = -1;
        this.wasLoaded = false;
        this.followingUp = false;
        this.announcement = '';
      }
      this.connection.open(this.conversationId);
    }
    this.announceNew();
  }

  protected override updated(): void {
    const loaded = !!this.connection?.stream?.conversation;
    if (loaded && !this.wasLoaded) {
      this.wasLoaded = true;
      // The heading said "Loading…" when focus moved to it; move it again so the ticket is read out.
      const active = (this.renderRoot as ShadowRoot).activeElement;
      if (active?.matches('h1') || document.activeElement === document.body) {
        const h1 = this.renderRoot.querySelector<HTMLElement>('h1');
        h1?.blur();
        h1?.focus();
      }
    }
  }

  protected override render() {
    const connection = this.connection;
    const stream = connection?.stream?.conversationId === this.conversationId ? connection.stream : null;
    const back = this.guest
      ? nothing
      : html`<a class="back" href=${API.customerPage} @click=${this.home}><span aria-hidden="true">←</span> ${this.i18n.t('myTickets')}</a>`;
    if (connection?.streamError) {
      return html`${back}
        <h1 tabindex="-1">${this.i18n.t('conversation')}</h1>
        <p class="error" role="alert">${this.i18n.t('ticketNotFound')}</p>`;
    }
    const conversation = stream?.conversation;
    if (!stream || !conversation) {
      return html`${back}
        <h1 tabindex="-1" aria-busy="true">${this.i18n.t('loading')}</h1>`;
    }
    return html`${back} ${this.renderHeader(conversation)}
      <p class="sr-only" aria-live="polite">${this.announcement}</p>
      <!-- The stream changes its arrays in place: copies make the log see each change. -->
      <section class="history" aria-labelledby="history-heading">
        <h2 id="history-heading" class="sr-only">${this.i18n.t('history')}</h2>
        <portal-message-log
          .messages=${[...stream.messages]}
          .pending=${stream.pending.map((p) => ({ ...p }))}
          .connection=${connection}
          .i18n=${this.i18n}
        ></portal-message-log>
      </section>
      ${this.renderReply(conversation)}`;
  }

  private renderHeader(c: ConversationDTO) {
    const t = c.ticket;
    const categories = this.connection?.siteConfig?.categories ?? [];
    return html`<header>
      <h1 tabindex="-1">
        ${t
          ? html`<span class="number">${this.i18n.t('ticketNumber', { number: t.number })}</span>
              <span class="subject">${t.subject || this.i18n.t('noSubject')}</span>`
          : this.i18n.t('conversation')}
      </h1>
      <dl>
        <div>
          <dt>${this.i18n.t('statusLabel')}:</dt>
          <dd><span class="badge ${t?.status ?? ''}" data-testid="ticket-status">${t ? this.i18n.status(t.status) : this.i18n.t('statusChat')}</span></dd>
        </div>
        ${t
          ? html`<div>
              <dt>${this.i18n.t('categoryLabel')}:</dt>
              <dd>${this.i18n.category(t.category, categories)}</dd>
            </div>`
          : nothing}
      </dl>
      ${t?.followUpOf
        ? html`<p>
            ${this.guest
              ? this.i18n.t('followsUp', { number: t.followUpOf.number })
              : html`<a href=${`${API.customerPage}${encodeURIComponent(t.followUpOf.conversationId)}`} @click=${(e: MouseEvent) => this.openOther(e, t.followUpOf!.conversationId)}
                  >${this.i18n.t('followsUp', { number: t.followUpOf.number })}</a
                >`}
          </p>`
        : nothing}
    </header>`;
  }

  private renderReply(c: ConversationDTO) {
    const status = c.ticket?.status;
    if (status === 'closed') {
      return html`<section class="reply" aria-labelledby="reply-heading">
        <h2 id="reply-heading" class="sr-only">${this.i18n.t('replyTitle')}</h2>
        <p class="notice">${this.i18n.t('closedNote')}</p>
        ${this.guest
          ? html`<p>${this.i18n.t('followUpGuest')}</p>`
          : this.followingUp
            ? html`<portal-follow-up .i18n=${this.i18n} .connection=${this.connection} .of=${c}></portal-follow-up>`
            : html`<button id="follow-up-button" class="btn primary" type="button" @click=${this.startFollowUp}>${this.i18n.t('followUpOpen')}</button>`}
      </section>`;
    }
    if (!c.ticket && c.status === 'ended') {
      return html`<p class="notice">${this.i18n.t('chatEndedNote')}</p>`;
    }
    return html`<section class="reply card" aria-labelledby="reply-heading">
      <h2 id="reply-heading">${this.i18n.t('replyTitle')}</h2>
      ${status === 'solved' ? html`<p class="notice">${this.i18n.t('solvedNote')}</p>` : nothing}
      <p class="email-note">${this.i18n.t('emailNote')}</p>
      <portal-reply-composer .i18n=${this.i18n} .connection=${this.connection} .stream=${this.connection?.stream ?? null}></portal-reply-composer>
    </section>`;
  }

  /** Puts agent and system messages that arrived after the first load into the live region. */
  private announceNew(): void {
    const stream = this.connection?.stream;
    // Until the whole history is in (it may take several pages), nothing is news.
    if (!stream || !this.connection?.streamLoaded || stream.conversationId !== this.conversationId) return;
    if (this.announcedSeq < 0) {
      this.announcedSeq = stream.lastSeq;
      return;
    }
    const fresh = stream.messages.filter((m) => m.seq > this.announcedSeq && m.author.type !== 'visitor');
    this.announcedSeq = stream.lastSeq;
    if (fresh.length) this.announcement = fresh.map((m) => this.spoken(m)).join(' ');
  }

  private spoken(m: MessageDTO): string {
    if (m.author.type === 'system') return m.system ? this.i18n.system(m.system) : '';
    const files = m.attachments.map((a) => a.name).join(', ');
    return `${m.author.name || this.i18n.t('support')}: ${m.body}${files ? ` (${this.i18n.t('attachments')}: ${files})` : ''}`;
  }

  private async startFollowUp(): Promise<void> {
    this.followingUp = true;
    await this.updateComplete;
    await this.renderRoot.querySelector('portal-follow-up')?.focusHeading();
  }

  private home(e: MouseEvent): void {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('portal-home', { detail: null, bubbles: true, composed: true }));
  }

  private openOther(e: MouseEvent, conversationId: string): void {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('portal-open', { detail: { conversationId }, bubbles: true, composed: true }));
  }
}

define('portal-ticket-view', TicketView);
