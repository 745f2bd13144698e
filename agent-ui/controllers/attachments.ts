/**
 * Uploads and fetches attachments over REST (shared/api.ts) with the agent's token in the
 * Authorization header. Files are never linked by URL: an `<img src>` or `<a href>` cannot carry
 * the header, so the bytes are fetched here and handed out as object URLs.
 */
import { API, type UploadResult } from '../../shared/api.js';
import type { AttachmentDTO } from '../../shared/types.js';
import { ApiError, errorOf, request, send } from './session.js';

export interface AttachmentClientOptions {
  /** The current agent token; null once signed out. */
  token: () => string | null;
  /** The token was refused: the workspace signs the agent out. */
  onUnauthorized: () => void;
}

const DOWNLOAD_URL_LIFETIME_MS = 60_000;
const SIGNED_OUT: ApiError = new ApiError(401, { code: 'UNAUTHORIZED', message: 'You are signed out.' });

export class AttachmentClient {
  constructor(private readonly options: AttachmentClientOptions) {}

  /** POST /api/uploads. Throws `ApiError` with the server's reason (type, size, count). */
  async upload(files: readonly File[], conversationId?: string): Promise<AttachmentDTO[]> {
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    if (conversationId) form.append('conversationId', conversationId);
    const res = await this.guard(() =>
      request<UploadResult>(API.uploads, { method: 'POST', headers: this.authorization(), body: form }),
    );
    return res.attachments;
  }

  /** The file's bytes; throws `ApiError` when it is gone or not the agent's to see. */
  async blob(attachmentId: string): Promise<Blob> {
    return this.guard(async () => {
      const res = await send(API.attachment(attachmentId), { headers: this.authorization() });
      if (!res.ok) throw await errorOf(res);
      return res.blob();
    });
  }

  /** Saves the file through a temporary `<a download>`, under the name it was uploaded with. */
  async download(attachment: AttachmentDTO): Promise<void> {
    const url = URL.createObjectURL(await this.blob(attachment.id));
    try {
      const a = document.createElement('a');
      a.href = url;
      a.download = attachment.name;
      a.rel = 'noopener';
      a.style.display = 'none';
      document.body.append(a);
      a.click();
      a.remove();
    } finally {
      // Browsers read the blob after the click returns (Firefox visibly later): revoke once they have.
      setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
    }
  }

  private authorization(): Record<string, string> {
    const token = this.options.token();
    if (!token) throw SIGNED_OUT;
    return { Authorization: `Bearer ${token}` };
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.options.onUnauthorized();
      throw err;
    }
  }
}

/** An error's text for the agent, whatever was thrown. */
export function attachmentErrorText(err: unknown): string {
  return err instanceof ApiError ? err.body.message : 'Something went wrong with this file. Please try again.';
}
