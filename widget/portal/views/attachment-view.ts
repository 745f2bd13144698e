import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AttachmentDTO } from '../../../shared/types.js';
import type { I18n } from '../i18n/index.js';
import { define } from '../lib/define.js';
import type { PortalConnection } from '../lib/portal-connection.js';
import { baseStyles } from '../portal.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'portal-attachment': AttachmentView;
  }
}

/**
 * One attachment of a message. Files are served only with the session's Authorization header, so
 * an image is fetched into an object URL for its preview, and a download goes the same way.
 */
export class AttachmentView extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      img {
        display: block;
        max-width: min(100%, 320px);
        max-height: 240px;
        margin-bottom: 0.35rem;
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius-sm);
        background: var(--p-surface-2);
        object-fit: contain;
      }
      .placeholder {
        width: 160px;
        height: 100px;
        margin-bottom: 0.35rem;
        border-radius: var(--p-radius-sm);
        background: var(--p-surface-2);
      }
      .file {
        min-height: 2.5rem;
        padding: 0.35rem 0.75rem;
        font-weight: 500;
        text-align: start;
        overflow-wrap: anywhere;
        white-space: normal;
      }
      .size {
        color: var(--p-muted);
        font-weight: 400;
      }
      .failed {
        margin: 0.25rem 0;
        color: var(--p-danger);
        font-size: 0.875rem;
      }
    `,
  ];

  @property({ attribute: false }) attachment!: AttachmentDTO;
  @property({ attribute: false }) connection: PortalConnection | null = null;
  @property({ attribute: false }) i18n!: I18n;

  @state() private url: string | null = null;
  @state() private failed: 'preview' | 'download' | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('attachment') || changed.has('connection')) && this.attachment.inline && this.connection) {
      this.url = null;
      this.failed = null;
      const { id } = this.attachment;
      this.connection.attachmentUrl(id).then(
        (url) => {
          if (this.attachment.id === id) this.url = url;
        },
        () => {
          if (this.attachment.id === id) this.failed = 'preview';
        },
      );
    }
  }

  protected override render() {
    const a = this.attachment;
    return html`
      ${a.inline && this.failed !== 'preview'
        ? this.url
          ? html`<img src=${this.url} alt=${a.name} loading="lazy" />`
          : html`<div class="placeholder" role="img" aria-label=${a.name}></div>`
        : nothing}
      ${this.failed ? html`<p class="failed" role="alert">${this.i18n.t(this.failed === 'preview' ? 'imageFailed' : 'downloadFailed')}</p>` : nothing}
      <button class="btn file" type="button" aria-label=${this.i18n.t('download', { name: a.name })} @click=${this.download}>
        <span aria-hidden="true">⤓</span>
        <span>${a.name} <span class="size">(${this.i18n.size(a.size)})</span></span>
      </button>
    `;
  }

  private async download(): Promise<void> {
    if (!this.connection) return;
    try {
      if (this.failed === 'download') this.failed = null;
      await this.connection.download(this.attachment);
    } catch {
      this.failed = 'download';
    }
  }
}

define('portal-attachment', AttachmentView);
