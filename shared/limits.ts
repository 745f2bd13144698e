/** Limits both sides enforce; the server is the authority, clients use them to warn early. */
export const MAX_MESSAGE_LENGTH = 5000;
export const MAX_NAME_LENGTH = 120;
export const MAX_EMAIL_LENGTH = 254;
/** The internal note that goes with a transfer. */
export const MAX_TRANSFER_NOTE_LENGTH = 2000;
/** Messages per `conversation:sync` page. */
export const SYNC_PAGE_SIZE = 200;
/** A typing indicator turns itself off after this long without a refresh. */
export const TYPING_TIMEOUT_MS = 6000;
/** How often a client that keeps typing re-announces it. */
export const TYPING_REFRESH_MS = 2500;
/** Clients: how long a command waits for its ack before it counts as failed (and may be retried). */
export const ACK_TIMEOUT_MS = 10_000;
/** Clients: first and longest pause before asking again after a request failed on a live socket. */
export const RETRY_MIN_MS = 2_000;
export const RETRY_MAX_MS = 30_000;
