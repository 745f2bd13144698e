import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AttachmentDTO } from '../../../shared/types.js';
import { attachmentErrorText, type AttachmentClient } from '../../controllers/attachments.js';
import { formatBytes } from '../../lib/format.js';
import { baseStyles } from '../../styles/shared.js';

/**
 * One file of a message. Images (`inline`) are previewed once scrolled near: the bytes are fetched
 * with the agent's token and shown through an object URL, revoked when the element leaves the page.
 * Other files get a download button that does the same fetch on click.
 *
 * The name is the customer's text: it is only ever rendered as text.
 *
 * @cssprop --attachment-max-width - an image preview's width at most (18rem); smaller for thumbnails.
 * @cssprop --attachment-max-height - an image preview's height at most (14rem).
 */
export class AttachmentItem extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 100%;
      }
      .preview {
        display: grid;
        gap: 0.3rem;
        justify-items: start;
      }
      .frame {
        display: grid;
        place-items: center;
        min-width: 8rem;
        min-height: 5rem;
        max-width: min(var(--attachment-max-width, 18rem), 100%);
        border-radius: var(--ah-radius-sm);
        border: 1px solid var(--ah-border);
        background: var(--ah-surface-2);
        overflow: hidden;
        color: var(--ah-text-muted);
        font-size: 0.8125rem;
      }
      .frame a {
        display: block;
        line-height: 0;
      }
      img {
        display: block;
        max-width: 100%;
        max-height: var(--attachment-max-height, 14rem);
        object-fit: contain;
      }
      .file {
        max-width: 100%;
        flex-shrink: 0;
        justify-content: flex-start;
        text-align: left;
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        min-width: 0;
      }
      .size {
        flex-shrink: 0;
        color: var(--ah-text-muted);
        font-weight: 400;
      }
      .caption {
        display: flex;
        align-items: center;
        gap: 0.4rem;
        max-width: var(--attachment-max-width, 18rem);
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .link {
        padding: 0;
        border: 0;
        background: none;
        color: var(--ah-accent);
        font-size: inherit;
        text-decoration: underline;
        text-underline-offset: 2px;
      }
      .error {
        margin: 0.2rem 0 0;
        font-size: 0.75rem;
        color: var(--ah-danger);
      }
    `,
  ];

  @property({ attribute: false }) attachment: AttachmentDTO | null = null;
  @property({ attribute: false }) client: AttachmentClient | null = null;

  @state() private url: string | null = null;
  @state() private loading = false;
  @state() private downloading = false;
  @state() private error: string | null = null;

  /** Which attachment `url` shows, so a reused element never shows the previous file. */
  private urlFor: string | null = null;
  private observer: IntersectionObserver | null = null;
  private visible = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.visible = false;
    if (typeof IntersectionObserver === 'function') {
      this.observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) {
            this.visible = true;
            this.observer?.disconnect();
            this.observer = null;
            void this.loadPreview();
          }
        },
        { rootMargin: '400px' },
      );
      this.observer.observe(this);
    } else {
      this.visible = true;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
    this.revoke();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('attachment') && this.attachment?.id !== this.urlFor) {
      this.revoke();
      this.error = null;
    }
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('attachment') || changed.has('client')) void this.loadPreview();
  }

  private revoke(): void {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.urlFor = null;
  }

  private async loadPreview(): Promise<void> {
    const a = this.attachment;
    if (!a?.inline || !this.client || !this.visible || !this.isConnected || this.loading || this.urlFor === a.id) return;
    this.loading = true;
    this.error = null;
    try {
      const blob = await this.client.blob(a.id);
      // The element may have been removed or pointed at another file while the fetch ran.
      if (!this.isConnected || this.attachment?.id !== a.id) return;
      this.revoke();
      this.url = URL.createObjectURL(blob);
      this.urlFor = a.id;
    } catch (err) {
      if (this.attachment?.id === a.id) this.error = `Preview unavailable: ${attachmentErrorText(err)}`;
    } finally {
      this.loading = false;
    }
    // Another file may have been set while this one loaded.
    if (this.attachment && this.attachment.id !== this.urlFor && !this.error) void this.loadPreview();
  }

  private async download(): Promise<void> {
    const a = this.attachment;
    if (!a || !this.client || this.downloading) return;
    this.downloading = true;
    this.error = null;
    try {
      await this.client.download(a);
    } catch (err) {
      this.error = `Could not download "${a.name}": ${attachmentErrorText(err)}`;
    } finally {
      this.downloading = false;
    }
  }

  private renderImage(a: AttachmentDTO) {
    return html`
      <div class="preview">
        <div class="frame" aria-busy=${this.loading ? 'true' : 'false'}>
          ${this.url
            ? html`<a href=${this.url} target="_blank" rel="noopener" title="Open full size"><img src=${this.url} alt=${a.name} /></a>`
            : html`<span>${this.loading ? 'Loading preview…' : 'Image'}</span>`}
        </div>
        <div class="caption">
          <span class="name" title=${a.name}>${a.name}</span>
          <span class="size">${formatBytes(a.size)}</span>
          <button class="link" type="button" ?disabled=${this.downloading} @click=${this.download} aria-label="Download ${a.name}">
            Download
          </button>
        </div>
      </div>
    `;
  }

  private renderFile(a: AttachmentDTO) {
    return html`
      <button class="btn btn-small file" type="button" ?disabled=${this.downloading} aria-busy=${this.downloading ? 'true' : 'false'} @click=${this.download}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M12 4v11m0 0l-4.5-4.5M12 15l4.5-4.5M5 19.5h14" />
        </svg>
        <span class="sr-only">Download</span>
        <span class="name">${a.name}</span>
        <span class="size">${this.downloading ? 'Downloading…' : formatBytes(a.size)}</span>
      </button>
    `;
  }

  override render() {
    const a = this.attachment;
    if (!a) return nothing;
    return html`
      ${a.inline ? this.renderImage(a) : this.renderFile(a)}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }
}

if (!customElements.get('attachment-item')) customElements.define('attachment-item', AttachmentItem);

declare global {
  interface HTMLElementTagNameMap {
    'attachment-item': AttachmentItem;
  }
}
