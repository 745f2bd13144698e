/**
 * The REST calls of the customer page. Every failure becomes an `ApiError` carrying the server's
 * ErrorBody (`{ error }` with the status of HTTP_STATUS), or UNAVAILABLE when no answer came.
 */
import { API, type GuestCodeSent, type GuestLinkInfo, type UploadResult } from '../../../shared/api.js';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../../shared/errors.js';
import type { CustomerSessionInput, GuestLinkInput, GuestVerifyInput } from '../../../shared/schemas/tickets.js';
import type { AttachmentDTO, CustomerSessionDTO } from '../../../shared/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  get code(): ErrorCode {
    return this.body.code;
  }
}

const STATUS_CODES: Record<number, ErrorCode> = { 400: 'VALIDATION', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'VALIDATION', 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code) && typeof v.message === 'string';
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status below.
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (isErrorBody(error)) return new ApiError(res.status, error);
  return new ApiError(res.status, { code: STATUS_CODES[res.status] ?? 'INTERNAL', message: res.statusText || `HTTP ${res.status}` });
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'omit', cache: 'no-store', ...init });
  } catch {
    throw new ApiError(0, { code: 'UNAVAILABLE', message: 'No answer from the server.' });
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await send(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
}

export const guestApi = {
  link: (input: GuestLinkInput) => postJson<GuestLinkInfo>(API.guestLink, input),
  code: (input: GuestLinkInput) => postJson<GuestCodeSent>(API.guestCode, input),
  verify: (input: GuestVerifyInput) => postJson<CustomerSessionDTO>(API.guestVerify, input),
};

export const customerApi = {
  session: (input: CustomerSessionInput) => postJson<CustomerSessionDTO>(API.customerSession, input),
};

/** Calls made with a session token. */
export class SessionApi {
  constructor(private readonly token: string) {}

  async upload(files: readonly File[], conversationId: string): Promise<AttachmentDTO[]> {
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    form.append('conversationId', conversationId);
    const res = await send(API.uploads, { method: 'POST', headers: { Authorization: `Bearer ${this.token}` }, body: form });
    return ((await res.json()) as UploadResult).attachments;
  }

  async attachment(id: string): Promise<Blob> {
    const res = await send(API.attachment(id), { headers: { Authorization: `Bearer ${this.token}` } });
    return res.blob();
  }
}
