import { z } from 'zod';
import { MAX_NOTE_LENGTH, MAX_SUBJECT_LENGTH, TICKET_LIST_FILTERS, TICKET_PRIORITIES, TICKET_STATUSES } from '../tickets.js';
import { clientId, email, locale, messageBody, objectId, personName } from './common.js';
import { attachmentIds } from './conversations.js';

/** A category id: checked against the site's list by the server. */
export const categoryId = z.string().trim().min(1, 'is required').max(64);
export const ticketStatus = z.enum(TICKET_STATUSES);
export const ticketPriority = z.enum(TICKET_PRIORITIES);
const optionalEmail = email.optional().or(z.literal('').transform(() => undefined));

/** The offline form, and a follow-up of a closed ticket. Email is required unless the user is logged in. */
export const createTicketInput = z
  .object({
    /** Makes a resend of the form return the ticket it created, not a second one. */
    clientId,
    name: personName.optional(),
    email: optionalEmail,
    category: categoryId,
    body: messageBody,
    attachmentIds: attachmentIds.optional(),
    locale: locale.optional(),
    pageUrl: z.string().max(2000).optional(),
    /** The closed ticket this one follows up. */
    followUpOf: objectId.optional(),
  })
  .strict();

/** "Leave a message instead": a queued chat becomes a ticket. */
export const leaveMessageInput = z
  .object({
    conversationId: objectId,
    /** Required when the chat has no email yet and the visitor is not logged in. */
    email: optionalEmail,
    category: categoryId.optional(),
  })
  .strict();

export const customerTicketListInput = z.object({ filter: z.enum(TICKET_LIST_FILTERS).default('all') }).strict();

export const convertToTicketInput = z
  .object({ conversationId: objectId, category: categoryId, priority: ticketPriority.default('normal'), subject: z.string().trim().max(MAX_SUBJECT_LENGTH).optional() })
  .strict();

export const updateTicketInput = z
  .object({
    conversationId: objectId,
    status: ticketStatus.optional(),
    priority: ticketPriority.optional(),
    category: categoryId.optional(),
    /** An agent's id, or null to unassign. */
    assigneeId: objectId.nullable().optional(),
    subject: z.string().trim().min(1, 'must not be empty').max(MAX_SUBJECT_LENGTH).optional(),
  })
  .strict();

export const agentTicketListInput = z
  .object({
    status: ticketStatus.optional(),
    category: categoryId.optional(),
    priority: ticketPriority.optional(),
    /** An agent's id, or 'none' for unassigned tickets. */
    assigneeId: objectId.or(z.literal('none')).optional(),
    /** Only tickets assigned to the asking agent. */
    mine: z.boolean().optional(),
    /** A ticket number, an email, or words of the subject. */
    q: z.string().trim().max(200).optional(),
    /** `nextCursor` of the previous page. */
    before: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .strict();

export const addNoteInput = z
  .object({
    conversationId: objectId,
    clientId,
    body: z
      .string()
      .transform((s) => s.trim())
      .pipe(z.string().min(1, 'must not be empty').max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`)),
  })
  .strict();

/** REST: the customer page of a logged-in user trades the host's signed token for a session. */
export const customerSessionInput = z
  // A longer token than the server accepts (4096) still gets the answer of any refused token (401), not a VALIDATION error.
  .object({ siteKey: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a site key').default('default'), userToken: z.string().min(1).max(16_384) })
  .strict();

/** REST: a guest's ticket link token (from the email). */
export const guestLink = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'is not a ticket link');
export const guestLinkInput = z.object({ link: guestLink }).strict();
export const guestVerifyInput = z.object({ link: guestLink, code: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code') }).strict();

/** REST, admin: a site's settings. */
export const siteUpdateInput = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    categories: z
      .array(z.object({ id: z.string().trim().regex(/^[a-z0-9-]{1,64}$/, 'must be lowercase letters, digits and "-"'), label: z.string().trim().min(1).max(120) }).strict())
      .min(1, 'needs at least one category')
      .max(50)
      .optional(),
    rotateIdentitySecret: z.boolean().optional(),
  })
  .strict();

export type CreateTicketInput = z.input<typeof createTicketInput>;
export type LeaveMessageInput = z.input<typeof leaveMessageInput>;
export type CustomerTicketListInput = z.input<typeof customerTicketListInput>;
export type ConvertToTicketInput = z.input<typeof convertToTicketInput>;
export type UpdateTicketInput = z.input<typeof updateTicketInput>;
export type AgentTicketListInput = z.input<typeof agentTicketListInput>;
export type AddNoteInput = z.input<typeof addNoteInput>;
export type CustomerSessionInput = z.input<typeof customerSessionInput>;
export type GuestLinkInput = z.input<typeof guestLinkInput>;
export type GuestVerifyInput = z.input<typeof guestVerifyInput>;
export type SiteUpdateInput = z.input<typeof siteUpdateInput>;
