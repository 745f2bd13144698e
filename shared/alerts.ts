/**
 * Alerts: what reaches customers and agents who are not looking (web push, email), and the
 * contract between the server, the pages that subscribe, and the service worker that shows pushes.
 */

/** Who an alert preference or a push subscription belongs to: a logged-in customer or an agent. */
export interface AlertSettingsDTO {
  /** The server's VAPID public key (base64url), for `pushManager.subscribe({ applicationServerKey })`. */
  vapidPublicKey: string;
  /** Email alerts (customers only; agents are alerted by push and in the page). */
  email: boolean;
  push: boolean;
  /** How many browsers are subscribed to push for this user. */
  pushSubscriptions: number;
}

/**
 * What a push carries, as JSON, to the service worker (`/push-sw.js`), which shows it as a
 * notification and opens `url` when it is clicked. `tag` groups updates of one conversation, so a
 * newer notification replaces the older one instead of piling up.
 */
export interface PushPayload {
  v: 1;
  title: string;
  body: string;
  /** Absolute http(s) URL to open on click. */
  url: string;
  tag: string;
  /** `new-chat`, `ticket-reply` (agents), `ticket-update` (customers). */
  kind: 'new-chat' | 'ticket-reply' | 'ticket-update';
}

/** Where the service worker script is served, for pages of this server and for hosts that import it. */
export const PUSH_SERVICE_WORKER_PATH = '/push-sw.js';

export const ALERT_JOB_STATES = ['pending', 'done', 'sent', 'void', 'failed'] as const;
export type AlertJobState = (typeof ALERT_JOB_STATES)[number];

/** One job of the persisted alert outbox, as admins see it. */
export interface AlertJobDTO {
  id: string;
  /** `event`: something happened, to be turned into deliveries; `email`, `push`: one delivery. */
  kind: 'event' | 'email' | 'push';
  state: AlertJobState;
  conversationId: string | null;
  /** For deliveries: the address, or the push subscription's owner. */
  recipient: string | null;
  attempts: number;
  maxAttempts: number;
  dueAt: string;
  createdAt: string;
  finishedAt: string | null;
  /** Why the last attempt failed. */
  lastError: string | null;
  /** What became of it: "in-page", "2 deliveries", "subscription gone", ... */
  outcome: string | null;
  /** Attempts cut off by a worker that died: each may have delivered before it died. */
  takeovers: number;
}

export interface AlertJobList {
  jobs: AlertJobDTO[];
  counts: Record<AlertJobState, number>;
}
