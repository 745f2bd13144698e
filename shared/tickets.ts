/**
 * Ticket vocabulary both sides share: statuses, priorities, the default categories, and the
 * limits of attachments and guest codes. The server is the authority; clients use these to
 * render choices and warn early.
 */
export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** What "open" and "closed" mean in the customers' "My tickets" lists. */
export const TICKET_LIST_FILTERS = ['open', 'closed', 'all'] as const;
export type TicketListFilter = (typeof TICKET_LIST_FILTERS)[number];
/** Statuses shown under "open" in customer lists: everything not yet closed. */
export const CUSTOMER_OPEN_STATUSES: readonly TicketStatus[] = ['open', 'pending', 'solved'];

/**
 * A site's categories when its admin has not set any. Ids are stable; the widget and customer
 * page translate these ids, and show a custom category's `label` as it is.
 */
export const DEFAULT_CATEGORIES = [
  { id: 'account', label: 'Account' },
  { id: 'trading', label: 'Trading' },
  { id: 'deposits-withdrawals', label: 'Deposits and withdrawals' },
  { id: 'security', label: 'Security' },
  { id: 'product-feedback', label: 'Product feedback' },
  { id: 'other', label: 'Other' },
] as const;
export type DefaultCategoryId = (typeof DEFAULT_CATEGORIES)[number]['id'];

/** Tickets are numbered from here, so every number looks like a ticket number ("10042"). */
export const FIRST_TICKET_NUMBER = 10001;

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_NOTE_LENGTH = 5000;

/** Attachments: per file, per message (and per upload request). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;
/**
 * The only types accepted, decided by the file's content, not its name. Images are previewed
 * inline; everything else is downloaded.
 */
export const ATTACHMENT_TYPES = {
  'image/png': { extensions: ['png'], inline: true },
  'image/jpeg': { extensions: ['jpg', 'jpeg'], inline: true },
  'image/gif': { extensions: ['gif'], inline: true },
  'image/webp': { extensions: ['webp'], inline: true },
  'application/pdf': { extensions: ['pdf'], inline: false },
  'text/plain': { extensions: ['txt', 'log', 'csv'], inline: false },
} as const satisfies Record<string, { extensions: readonly string[]; inline: boolean }>;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;

/** Guest access by one-time code. */
export const GUEST_CODE_LENGTH = 6;
export const GUEST_CODE_TTL_SECONDS = 10 * 60;
export const GUEST_CODE_MAX_ATTEMPTS = 5;
/** The least time between two codes for one ticket. */
export const GUEST_CODE_RESEND_SECONDS = 60;
