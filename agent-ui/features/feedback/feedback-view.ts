import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ErrorBody } from '../../../shared/errors.js';
import type { FeedbackDTO, FeedbackListResult } from '../../../shared/visitor-features.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import type { AttachmentClient } from '../../controllers/attachments.js';
import { errorBar } from '../../lib/error-bar.js';
import { errorText, formatFullTime, safeHttpUrl } from '../../lib/format.js';
import { isUnknownEvent } from '../../lib/unknown-event.js';
import { baseStyles, viewStyles } from '../../styles/shared.js';
import { languageLabel } from '../admin/admin-styles.js';
import '../conversation/attachment-item.js';
import { average, RATING_LABEL, stars } from '../ratings/rating-format.js';

const PAGE_SIZE = 30;

/**
 * Product feedback from visitors (`#/feedback`): the average and count over all of it, then each
 * rating, newest first, with its comment, screenshots, sender, page and date; older pages through
 * "Load more" (`feedback:list` with the cursor). New feedback arrives live (`feedback:created`) and
 * goes on top. Every connect loads the first page again, so nothing sent while offline is missed.
 *
 * Comments, names and page addresses are the visitors' text: only ever rendered as text.
 */
export class FeedbackView extends LitElement {
  static override styles = [
    baseStyles,
    viewStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--ah-bg);
      }
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        flex-wrap: wrap;
        gap: 0.5rem 1.25rem;
        padding: 0.9rem 1.25rem;
      }
      .summary {
        margin: 0;
        font-size: 0.9375rem;
      }
      .summary strong {
        font-size: 1.125rem;
      }
      .stars {
        color: #9a6700;
        letter-spacing: 0.05em;
      }
      @media (prefers-color-scheme: dark) {
        .stars {
          color: #e3b341;
        }
      }
      .scroll {
        flex: 1;
        min-height: 0;
        overflow: auto;
        padding: 1.25rem;
      }
      ol {
        display: grid;
        gap: 0.9rem;
        max-width: 56rem;
        margin: 0 auto;
        padding: 0;
        list-style: none;
      }
      article {
        padding: 0.9rem 1.1rem 1rem;
        border: 1px solid var(--ah-border);
        border-radius: var(--ah-radius);
        background: var(--ah-surface);
      }
      article.fresh {
        border-color: color-mix(in srgb, var(--ah-accent) 55%, transparent);
      }
      .head {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
      }
      h3 {
        margin: 0;
        font-size: 1rem;
        font-weight: 650;
      }
      time {
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      .comment {
        margin: 0.5rem 0 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .no-comment {
        margin: 0.5rem 0 0;
        color: var(--ah-text-muted);
        font-style: italic;
        font-size: 0.875rem;
      }
      .shots {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        margin: 0.75rem 0 0;
        padding: 0;
        list-style: none;
        --attachment-max-width: 12rem;
        --attachment-max-height: 8rem;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 1.1rem;
        margin: 0.7rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      .meta li {
        min-width: 0;
        max-width: 100%;
        overflow-wrap: anywhere;
      }
      .meta a {
        color: inherit;
        text-underline-offset: 2px;
      }
      .more {
        display: grid;
        justify-items: center;
        gap: 0.4rem;
        margin: 1.1rem 0 0;
      }
      .end,
      .empty {
        margin: 1rem auto 0;
        max-width: 28rem;
        text-align: center;
        color: var(--ah-text-muted);
        font-size: 0.875rem;
      }
      .empty strong {
        display: block;
        margin-bottom: 0.3rem;
        color: var(--ah-text);
        font-size: 1rem;
      }
      .error-text {
        margin: 0;
        color: var(--ah-danger);
        font-size: 0.875rem;
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) attachments: AttachmentClient | null = null;

  @state() private items: FeedbackDTO[] = [];
  @state() private average: number | null = null;
  @state() private count = 0;
  @state() private nextCursor: string | null = null;
  /** Nothing loaded yet (first load or a failed one). */
  @state() private loaded = false;
  @state() private loading = false;
  @state() private loadError = '';
  @state() private loadingMore = false;
  @state() private moreError = '';
  /** Said once to screen readers when feedback arrives live. */
  @state() private announcement = '';
  /** Arrived live since the view opened: marked, so the eye finds them. */
  @state() private fresh: ReadonlySet<string> = new Set();

  private release: Array<() => void> = [];
  /** The socket listened to; null while detached from the page. */
  private attachedTo: AgentSocket | null = null;
  private generation = 0;
  /** Live feedback that arrives while the first page is loading, applied over it once it is in. */
  private arrivedDuringLoad: FeedbackDTO[] | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after a move: listen again and catch up.
    if (this.socket && !this.attachedTo) this.attach(this.socket);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.detach();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('socket') && this.socket !== this.attachedTo) {
      this.detach();
      this.reset();
      if (this.socket && this.isConnected) this.attach(this.socket);
    }
  }

  private attach(socket: AgentSocket): void {
    this.attachedTo = socket;
    this.release = [socket.onConnect(() => void this.load()), socket.on('feedback:created', (f) => this.receive(f))];
    if (socket.connected) void this.load();
  }

  private detach(): void {
    for (const off of this.release) off();
    this.release = [];
    this.attachedTo = null;
    this.arrivedDuringLoad = null;
    this.loading = false;
    this.loadingMore = false;
    this.generation++;
  }

  private reset(): void {
    this.items = [];
    this.average = null;
    this.count = 0;
    this.nextCursor = null;
    this.loaded = false;
    this.loadError = '';
    this.moreError = '';
    this.fresh = new Set();
  }

  private async load(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const generation = ++this.generation;
    this.loading = true;
    this.arrivedDuringLoad = [];
    const ack = await socket.command('feedback:list', { limit: PAGE_SIZE });
    if (generation !== this.generation || socket !== this.socket) return;
    const arrived = this.arrivedDuringLoad ?? [];
    this.arrivedDuringLoad = null;
    this.loading = false;
    if (!ack.ok) {
      this.loadError = this.describe(ack.error, 'Could not load the feedback');
      return;
    }
    this.loadError = '';
    this.moreError = '';
    this.apply(ack.data);
    for (const f of arrived) this.receive(f);
  }

  private apply(page: FeedbackListResult): void {
    this.items = page.items;
    this.nextCursor = page.nextCursor;
    this.average = page.average;
    this.count = page.count;
    this.loaded = true;
  }

  private async loadMore(): Promise<void> {
    const socket = this.socket;
    const cursor = this.nextCursor;
    if (!socket || !cursor || this.loadingMore) return;
    const generation = this.generation;
    this.loadingMore = true;
    this.moreError = '';
    const ack = await socket.command('feedback:list', { before: cursor, limit: PAGE_SIZE });
    if (generation !== this.generation || socket !== this.socket) return;
    this.loadingMore = false;
    if (!ack.ok) {
      this.moreError = this.describe(ack.error, 'Could not load older feedback');
      return;
    }
    const known = new Set(this.items.map((f) => f.id));
    const firstNew = ack.data.items.find((f) => !known.has(f.id));
    this.items = [...this.items, ...ack.data.items.filter((f) => !known.has(f.id))];
    this.nextCursor = ack.data.nextCursor;
    this.announcement = ack.data.items.length ? `${ack.data.items.length} older ${ack.data.items.length === 1 ? 'item' : 'items'} loaded.` : 'No older feedback.';
    // Keyboard users carry on reading where the new items start, not at a button that moved away.
    if (firstNew) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[data-feedback="${firstNew.id}"]`)?.focus();
    }
  }

  /** A visitor sent feedback: on top, and counted in the average (once, however often it arrives). */
  private receive(f: FeedbackDTO): void {
    if (this.arrivedDuringLoad) {
      this.arrivedDuringLoad.push(f);
      return;
    }
    if (!this.loaded || this.items.some((x) => x.id === f.id)) return;
    const count = this.count + 1;
    this.average = ((this.average ?? 0) * this.count + f.score) / count;
    this.count = count;
    this.items = [f, ...this.items];
    this.fresh = new Set([...this.fresh, f.id]);
    this.announcement = `New feedback: ${RATING_LABEL[f.score]}${f.comment ? `, “${truncate(f.comment, 80)}”` : ''}.`;
  }

  private describe(error: ErrorBody, what: string): string {
    if (isUnknownEvent(error)) return `${what}: this server does not offer product feedback yet.`;
    return `${what}: ${errorText(error)}`;
  }

  private renderSummary() {
    if (!this.loaded) return nothing;
    if (this.average === null || this.count === 0) return html`<p class="summary">No ratings yet</p>`;
    const n = this.count;
    return html`<p class="summary">
      <span class="stars" aria-hidden="true">${stars(this.average)}</span>
      <strong>${average(this.average)}</strong> of 5 on average, from ${n.toLocaleString('en')} ${n === 1 ? 'rating' : 'ratings'}
    </p>`;
  }

  private renderSender(f: FeedbackDTO) {
    const v = f.visitor;
    const parts = [];
    if (v.name) parts.push(html`<li>From ${v.name}</li>`);
    if (v.email) parts.push(html`<li><a href="mailto:${v.email}">${v.email}</a></li>`);
    if (v.userId) parts.push(html`<li>User id ${v.userId}</li>`);
    if (!parts.length) parts.push(html`<li>Anonymous visitor</li>`);
    return parts;
  }

  private renderPage(f: FeedbackDTO) {
    if (!f.pageUrl) return nothing;
    const href = safeHttpUrl(f.pageUrl);
    return href
      ? html`<li><span aria-hidden="true">Page: </span><a href=${href} target="_blank" rel="noopener noreferrer nofollow"><span class="sr-only">Page: </span>${f.pageUrl}</a></li>`
      : html`<li>Page: ${f.pageUrl}</li>`;
  }

  private renderItem(f: FeedbackDTO) {
    const word = RATING_LABEL[f.score] ?? String(f.score);
    const headingId = `feedback-${f.id}`;
    return html`<li>
      <article class=${this.fresh.has(f.id) ? 'fresh' : ''} aria-labelledby=${headingId} data-feedback=${f.id} tabindex="-1">
        <div class="head">
          <h3 id=${headingId}>
            <span class="stars" aria-hidden="true">${stars(f.score)}</span>
            ${word}<span class="sr-only">, ${f.score} of 5</span>
          </h3>
          <time datetime=${f.createdAt}>${formatFullTime(f.createdAt)}</time>
        </div>
        ${f.comment ? html`<p class="comment">${f.comment}</p>` : html`<p class="no-comment">No comment</p>`}
        ${f.screenshots.length
          ? html`<ul class="shots" aria-label="Screenshots">
              ${f.screenshots.map((a) => html`<li><attachment-item .attachment=${a} .client=${this.attachments}></attachment-item></li>`)}
            </ul>`
          : nothing}
        <ul class="meta" aria-label="Details">
          ${this.renderSender(f)} ${this.renderPage(f)}
          <li>Language: ${languageLabel(f.locale)}</li>
        </ul>
      </article>
    </li>`;
  }

  private renderList() {
    if (!this.loaded) {
      return this.loadError ? nothing : html`<p class="empty" role="status">Loading feedback…</p>`;
    }
    if (!this.items.length) {
      return html`<div class="empty">
        <strong>No feedback yet</strong>
        When visitors rate the product in the chat widget, their ratings, comments and screenshots show up here.
      </div>`;
    }
    return html`
      <ol aria-label="Feedback, newest first">
        ${repeat(this.items, (f) => f.id, (f) => this.renderItem(f))}
      </ol>
      ${this.nextCursor
        ? html`<div class="more">
            <button class="btn" type="button" ?disabled=${this.loadingMore} aria-busy=${this.loadingMore ? 'true' : 'false'} @click=${() => void this.loadMore()}>
              ${this.loadingMore ? 'Loading…' : 'Load more'}
            </button>
            ${this.moreError ? html`<p class="error-text" role="alert">${this.moreError}</p>` : nothing}
          </div>`
        : html`<p class="end">That is all the feedback.</p>`}
    `;
  }

  override render() {
    return html`
      <header>
        <h2>Product feedback</h2>
        ${this.renderSummary()}
      </header>
      ${this.loadError ? errorBar(this.loadError, () => void this.load(), this.loading) : nothing}
      <div class="scroll">${this.renderList()}</div>
      <p class="sr-only" role="status">${this.announcement}</p>
    `;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

if (!customElements.get('feedback-view')) customElements.define('feedback-view', FeedbackView);

declare global {
  interface HTMLElementTagNameMap {
    'feedback-view': FeedbackView;
  }
}
