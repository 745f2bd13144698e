/**
 * The REST surface browsers call besides the sockets. Errors always come as `{ error: ErrorBody }`
 * with the status of `HTTP_STATUS[code]`; a JSON body over MAX_PAYLOAD_BYTES is PAYLOAD_TOO_LARGE (413). Authorization is `Bearer <token>`, never a query string
 * (`?token=`, `?access_token=` and the like are ignored, never read).
 *
 * Agents (token: LoginResult.token, an agent session)
 * - POST /api/auth/login             LoginInput {email, password} -> LoginResult. Wrong email or password: UNAUTHORIZED,
 *                                    one message for both. Past LOGIN_ATTEMPTS_PER_15_MIN failures from one network or for
 *                                    one email: RATE_LIMITED (details.retryAfterSeconds), known email or not.
 * - GET  /api/auth/me                -> {agent: AgentDTO}
 * - POST /api/auth/logout            -> 204. Signs out the presented session: its token is refused from now on by REST
 *                                    and the /agent handshake on every node (until it would have expired anyway), and
 *                                    its open sockets are disconnected. Other sessions of the agent go on.
 * - POST /api/auth/logout-all        -> 204. Signs out every session of the agent (the one presented too), on every node,
 *                                    with their sockets. Deactivating an agent does the same.
 *   A refused agent token, whatever the reason (forged, expired, signed out, deactivated), is UNAUTHORIZED with one
 *   message, "Your session is not valid; please sign in again".
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
 * - GET  /api/admin/sites            -> SiteDTO[] (the default site always among them)
 * - GET  /api/admin/sites/:siteKey   -> SiteDTO, including the identity secret hosts sign user tokens with
 * - PATCH /api/admin/sites/:siteKey  SiteSettingsInput (shared/schemas/admin.ts) -> SiteDTO
 * - GET  /api/admin/agents           -> AgentProfileDTO[]
 * - POST /api/admin/agents           InviteAgentInput -> AgentInviteResult; mails `${PUBLIC_URL}/agent/#/invite/<token>`
 *                                    (valid 7 days). An invited agent cannot sign in until they set a password.
 * - PATCH /api/admin/agents/:id      UpdateAgentInput -> AgentProfileDTO. `active: false` ends the agent's sessions
 *                                    and live sockets; a change that would leave no active admin is CONFLICT.
 * - POST /api/admin/agents/:id/invite  a new invitation link (the old one stops working) -> AgentInviteResult
 * - GET  /api/admin/teams            -> TeamDTO[];  POST TeamInput -> TeamDTO (a taken name is CONFLICT)
 * - PATCH /api/admin/teams/:id       TeamInput -> TeamDTO;  DELETE -> 204, and the team leaves every agent's teamIds
 *
 * Invitations (no session)
 * - POST /api/auth/invite/accept     AcceptInviteInput {token, password} -> LoginResult (signed in). An unknown or
 *                                    used link is NOT_FOUND, an expired one UNAUTHORIZED with details.reason 'expired'.
 * - GET  /api/admin/alerts           ?state=&limit= -> AlertJobList: the alert outbox, newest first, with counts
 *                                    per state; failed deliveries stay listed with their last error.
 * - POST /api/admin/alerts/:id/retry a failed job gets a fresh run of attempts -> AlertJobDTO
 * - GET  /api/admin/official-channels ?siteKey= -> OfficialChannelDTO[] (shared/visitor-features.ts), sorted by kind and value
 * - POST /api/admin/official-channels OfficialChannelInput -> OfficialChannelDTO (value normalised; a duplicate is CONFLICT)
 * - DELETE /api/admin/official-channels/:id -> 204
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
import type { AgentProfileDTO, BusinessHours, RoutingMode, WidgetSettings } from './workspace.js';

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

/** The agent UI's admin paths, apart from API so the widget's bundle does not carry them. */
export const ADMIN_API = {
  sites: '/api/admin/sites',
  site: (siteKey: string) => `/api/admin/sites/${encodeURIComponent(siteKey)}`,
  agents: '/api/admin/agents',
  agent: (id: string) => `/api/admin/agents/${encodeURIComponent(id)}`,
  agentInvite: (id: string) => `/api/admin/agents/${encodeURIComponent(id)}/invite`,
  teams: '/api/admin/teams',
  team: (id: string) => `/api/admin/teams/${encodeURIComponent(id)}`,
  officialChannels: '/api/admin/official-channels',
  officialChannel: (id: string) => `/api/admin/official-channels/${encodeURIComponent(id)}`,
  acceptInvite: '/api/auth/invite/accept',
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
  routing: RoutingMode;
  /** Null: always open. */
  businessHours: BusinessHours | null;
  /** Null: the widget's built-in look and texts. */
  widget: WidgetSettings | null;
  /** Normalized origins (`https://shop.example.com`) whose pages may use this site's chat (server/http/origins.ts); empty: any. */
  allowedOrigins: string[];
}

/** The answer to an invitation (POST /api/admin/agents and .../invite). */
export interface AgentInviteResult {
  agent: AgentProfileDTO;
  /**
   * sent: handed to the SMTP server; file: no SMTP_URL, the mail was written under DATA_DIR/mail
   * (never the log); failed: not delivered, send it again later.
   */
  mail: 'sent' | 'file' | 'failed';
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
