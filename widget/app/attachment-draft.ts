import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '../../shared/tickets.js';
import type { AttachmentDTO } from '../../shared/types.js';
import type { Translate } from '../i18n/index.js';
import { attachIcon } from './icons.js';

/**
 * Uploads files (POST /api/uploads) and resolves to what the server stored; rejects when it failed.
 * Reports the bytes sent so far, when it can, to `onProgress`.
 */
export type Uploader = (files: readonly File[], onProgress?: (loaded: number, total: number) => void) => Promise<AttachmentDTO[]>;

export interface AttachmentHost extends ReactiveControllerHost, HTMLElement {
  t: Translate;
  upload: Uploader;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

const TYPES: Readonly<Record<string, { extensions: readonly string[] }>> = ATTACHMENT_TYPES;
/** For the file picker; the server decides by content, this only spares the visitor a refusal. */
const ACCEPT = Object.entries(TYPES)
  .flatMap(([type, { extensions }]) => [type, ...extensions.map((e) => `.${e}`)])
  .join();

function allowed(file: File): boolean {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return file.type in TYPES || Object.values(TYPES).some((t) => t.extensions.includes(extension));
}

/**
 * The files a visitor attaches to the message or form being written: checked against the shared
 * limits, uploaded at once, shown as chips with a remove button. The host renders `button()` and
 * `chips()` where they fit, and takes `attachments` when it sends. It needs no lifecycle hooks, only
 * the host's `requestUpdate`.
 */
export class AttachmentDraft {
  attachments: AttachmentDTO[] = [];
  /** Files being uploaded. */
  uploading = 0;
  /** Uploads under way, one per batch added: the files' names and the share sent (undefined until known). */
  uploads: { name: string; done?: number }[] = [];
  error = '';

  constructor(private readonly host: AttachmentHost) {}

  /** Checks and uploads files picked, dropped or pasted; a refused file leaves the others as they were. */
  async add(files: readonly File[]): Promise<void> {
    const t = this.host.t;
    this.error = '';
    const bad = files.find((f) => !allowed(f));
    const big = files.find((f) => f.size > MAX_ATTACHMENT_BYTES);
    if (bad) this.error = t('fileType', { name: bad.name });
    else if (big) this.error = t('fileTooBig', { name: big.name, max: String(MAX_ATTACHMENT_BYTES / 1048576) });
    else if (this.attachments.length + this.uploading + files.length > MAX_ATTACHMENTS_PER_MESSAGE) {
      this.error = t('tooManyFiles', { max: String(MAX_ATTACHMENTS_PER_MESSAGE) });
    }
    if (this.error || !files.length) return this.host.requestUpdate();
    const upload: (typeof this.uploads)[number] = { name: files.map((f) => f.name).join(', ') };
    this.uploading += files.length;
    this.uploads = [...this.uploads, upload];
    this.host.requestUpdate();
    try {
      const added = await this.host.upload(files, (loaded, total) => {
        upload.done = total ? loaded / total : undefined;
        this.host.requestUpdate();
      });
      this.attachments = [...this.attachments, ...added];
    } catch {
      this.error = t('uploadFailed');
    }
    this.uploading -= files.length;
    this.uploads = this.uploads.filter((u) => u != upload);
    this.host.requestUpdate();
  }

  clear(): void {
    this.attachments = [];
    this.error = '';
    this.host.requestUpdate();
  }

  /** The paperclip, with its hidden file input. */
  button() {
    const t = this.host.t;
    return html`<button type="button" class="attach" aria-label=${t('attach')} title=${t('attach')} @click=${this.pick}>
        ${attachIcon}</button
      ><input type="file" multiple hidden accept=${ACCEPT} @change=${this.picked} />`;
  }

  chips() {
    const t = this.host.t;
    return html`${this.attachments.length || this.uploading
      ? html`<ul class="chips">
          ${this.attachments.map(
            (a) =>
              html`<li>
                <span>${a.name}</span
                ><button type="button" aria-label=${t('removeFile', { name: a.name })} @click=${() => this.remove(a)}>×</button>
              </li>`,
          )}
          ${this.uploads.map(
            (u) =>
              html`<li role="status">
                <span>${u.name}</span><progress aria-label=${`${t('uploading')} ${u.name}`} value=${u.done ?? nothing}></progress>
              </li>`,
          )}
        </ul>`
      : nothing}
    ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  /** Files pasted or dropped on the host; returns whether there were any. */
  take(data: DataTransfer | null): boolean {
    const files = [...(data?.files ?? [])];
    if (files.length) void this.add(files);
    return files.length > 0;
  }

  private readonly pick = (event: Event) => {
    ((event.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click();
  };

  private readonly picked = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    void this.add([...(input.files ?? [])]);
    // Picking the same file again must fire `change` again.
    input.value = '';
  };

  private remove(attachment: AttachmentDTO): void {
    this.attachments = this.attachments.filter((a) => a !== attachment);
    this.error = '';
    this.host.requestUpdate();
    // The chip's button is gone; keep keyboard focus near.
    this.host.renderRoot.querySelector<HTMLElement>('.attach')?.focus();
  }
}

export const attachmentStyles = css`
  .attach {
    flex: none;
    display: grid;
    place-items: center;
    width: 40px;
    height: 40px;
    border: 0;
    border-radius: 50%;
    background: none;
    color: var(--_muted);
  }
  .attach:hover {
    background: var(--_surface);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 13px;
  }
  .chips li {
    display: flex;
    align-items: center;
    max-width: 100%;
    padding: 2px 4px 2px 10px;
    border-radius: 14px;
    background: var(--_surface);
  }
  .chips span {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .chips progress {
    width: 56px;
    margin: 0 8px;
    accent-color: var(--_accent);
  }
  .chips button {
    width: 26px;
    height: 26px;
    border: 0;
    border-radius: 50%;
    background: none;
    font-size: 16px;
  }
  .error {
    margin: 0;
    font-size: 13px;
    color: var(--_danger);
  }
`;
