/**
 * The REST surface browsers call besides the sockets. Errors always come as `{ error: ErrorBody }`
 * with the status of `HTTP_STATUS[code]`. Authorization is `Bearer <token>`, never a query string.
 *
 * Customers (token: CustomerSessionDTO.token)
 * - POST /api/uploads                multipart: `files` (1..MAX_ATTACHMENTS_PER_MESSAGE), optional `conversationId`
 *                                    -> UploadResult. Agents may upload with their agent token too.
 * - GET  /api/attachments/:id        the file, to the conversation's participants and agents only.
 *                                    Images inline, others `Content-Disposition: attachment`; always nosniff.
 *                                    Both allow any origin (CORS): the widget calls them from host sites.
 * - POST /api/customer/session       CustomerSessionInput {siteKey, userToken} -> CustomerSessionDTO (logged-in users' page)
 * - POST /api/guest/link             GuestLinkInput -> GuestLinkInfo; an unknown, wrong or expired link is NOT_FOUND,
 *                                    with one message whatever the reason.
 * - POST /api/guest/code             GuestLinkInput -> GuestCodeSent; sends a 6-digit code to the ticket's email.
 *                                    Throttled (RATE_LIMITED, details.retryAfterSeconds) per ticket and per IP.
 * - POST /api/guest/verify           GuestVerifyInput -> CustomerSessionDTO for that ticket only.
 *
 * Admins (token: agent session of an admin)
 * - GET  /api/admin/sites/:siteKey   -> SiteDTO, including the identity secret hosts sign user tokens with
 * - PATCH /api/admin/sites/:siteKey  SiteUpdateInput -> SiteDTO
 * - GET  /api/admin/alerts           ?state=&limit= -> AlertJobList: the alert outbox, newest first, with counts
 *                                    per state; failed deliveries stay listed with their last error.
 * - POST /api/admin/alerts/:id/retry a failed job gets a fresh run of attempts -> AlertJobDTO
 *
 * Pages
 * - /push-sw.js                      the service worker that shows web pushes (shared/alerts.ts PushPayload).
 *                                    A host site serves a one-line copy from its own origin to let the widget subscribe.
 * - /tickets/                        the customer page. `#t=<link>` opens a guest's ticket (asks for the code);
 *                                    `#site=<key>&token=<userToken>` signs a logged-in user in; afterwards the
 *                                    session lives in sessionStorage. Tokens travel in the fragment, which browsers
 *                                    never send to servers.
 */
import type { AttachmentDTO, CategoryDTO } from './types.js';

export const API = {
  uploads: '/api/uploads',
  attachment: (id: string) => `/api/attachments/${encodeURIComponent(id)}`,
  customerSession: '/api/customer/session',
  guestLink: '/api/guest/link',
  guestCode: '/api/guest/code',
  guestVerify: '/api/guest/verify',
  adminSite: (siteKey: string) => `/api/admin/sites/${encodeURIComponent(siteKey)}`,
  adminAlerts: '/api/admin/alerts',
  adminAlertRetry: (id: string) => `/api/admin/alerts/${encodeURIComponent(id)}/retry`,
  customerPage: '/tickets/',
} as const;

export interface UploadResult {
  attachments: AttachmentDTO[];
}

export interface GuestLinkInfo {
  /** The ticket's email with most of it hidden, e.g. "j•••@example.com". */
  maskedEmail: string;
}

export interface GuestCodeSent {
  maskedEmail: string;
  expiresInSeconds: number;
  /** When the next code may be asked for. */
  resendAfterSeconds: number;
}

export interface SiteDTO {
  siteKey: string;
  name: string;
  categories: CategoryDTO[];
  /** HS256 secret the host signs its users' tokens with. Admins only. */
  identitySecret: string;
}

/**
 * `details` of the errors of POST /api/guest/code and /api/guest/verify, so the page can say what
 * happened in the customer's language:
 * - `wrong` (UNAUTHORIZED): `triesLeft` more tries with this code;
 * - `expired`, `used` (UNAUTHORIZED), `exhausted` (RATE_LIMITED): ask for a new code;
 * - `just-sent` (RATE_LIMITED): a code went out moments ago, wait `retryAfterSeconds`;
 * - `throttled` (RATE_LIMITED): too many requests, wait `retryAfterSeconds`.
 */
export interface GuestCodeErrorDetails {
  reason: 'wrong' | 'expired' | 'used' | 'exhausted' | 'just-sent' | 'throttled';
  triesLeft?: number;
  retryAfterSeconds?: number;
}
