import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { ConversationDTO, ConversationStatus, Locale, TicketChange, TicketDTO, TicketPriority, TicketStatus } from '../../../shared/types.js';
import type { RatingScore } from '../../../shared/workspace.js';

/** How many of the latest messages a conversation keeps the _id of (ConversationDoc.recent). */
export const RECENT_MESSAGES = 20;

/** ConversationDoc.recent read: seq -> message _id (hex). */
export function parseRecent(recent: string | null | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of (recent ?? '').split(' ')) {
    const [seq, id] = entry.split(':');
    if (seq && id && /^[0-9a-f]{24}$/.test(id)) out.set(Number(seq), id);
  }
  return out;
}

/** ConversationDoc.recent after message `seq` was stored as `id`: the latest RECENT_MESSAGES, oldest first. */
export function withRecent(recent: string | null | undefined, seq: number, id: string): string {
  const kept = [...parseRecent(recent)].filter(([s]) => s < seq && s > seq - RECENT_MESSAGES);
  return [...kept, [seq, id] as const].map(([s, i]) => `${s}:${i}`).join(' ');
}

/**
 * One conversation: the live chat and, once escalated, the ticket (DESIGN.md, "The one stream").
 * Ticket fields are top-level so lists filter on plain equality, the only thing FerretDB pushes
 * down (STORE.md); they are null until the conversation becomes a ticket.
 */
export interface ConversationDoc {
  _id: Types.ObjectId;
  siteKey: string;
  /** The live chat: queued, active, ended. A ticket opened from the form never had one: 'ended'. */
  status: ConversationStatus;
  visitorId: Types.ObjectId;
  visitorName: string | null;
  visitorEmail: string | null;
  /** Answers to the site's own pre-chat questions, by field key; empty answers are not kept. */
  visitorFields: Record<string, string>;
  /** The host site's id of a logged-in user, verified from its signed token. */
  customerUserId: string | null;
  locale: Locale;
  pageUrl: string | null;
  /** The chat's agent and, for tickets, the assignee. */
  agentId: Types.ObjectId | null;
  agentName: string | null;
  /** How many times the chat was assigned; names the claim of the next assignment. */
  assignments: number;
  /** Highest stored seq. Only ever raised with $max after the message is stored. */
  lastSeq: number;
  /**
   * Where the latest messages are, "seq:_id seq:_id …" (withRecent), written with lastSeq. A sync of
   * a small gap reads them by _id, the one lookup FerretDB's SQLite backend does not answer by
   * reading every message (conversations.service.ts, messagesAfter). One string, not a
   * sub-document: FerretDB's cost per read and write grows with the number of fields. An entry may
   * be missing (lastSeq caught up after a crash, a concurrent write on another node): then the query runs.
   */
  recent?: string | null;
  lastMessageAt: Date | null;
  lastActivityAt: Date;
  preview: string | null;
  createdAt: Date;
  queuedAt: Date;
  acceptedAt: Date | null;
  endedAt: Date | null;
  endedBy: 'visitor' | 'agent' | null;
  /** A transfer to a team puts the chat back in the queue for that team's agents. */
  teamId: Types.ObjectId | null;
  /** Agents' labels, lower-case. */
  labels: string[];
  /** The visitor's rating at the end of the chat (once; a second rating replaces the first). */
  rating: { score: RatingScore; comment: string | null; at: Date } | null;

  ticketNumber: number | null;
  ticketStatus: TicketStatus | null;
  priority: TicketPriority | null;
  category: string | null;
  subject: string | null;
  ticketCreatedAt: Date | null;
  ticketUpdatedAt: Date | null;
  solvedAt: Date | null;
  closedAt: Date | null;
  followUpOf: { conversationId: string; number: number } | null;
  /** sha256 of the guest link token; the token itself is derived, never stored. */
  guestLinkHash: string | null;
  guestLinkExpiresAt: Date | null;
  history: StoredChange[];
}

export interface StoredChange {
  at: Date;
  byType: 'visitor' | 'agent' | 'system';
  byId: string | null;
  byName: string | null;
  field: TicketChange['field'];
  from: string | null;
  to: string | null;
}

export type ConversationModel = Model<ConversationDoc>;

export function conversationModel(conn: Connection): ConversationModel {
  const schema = new Schema<ConversationDoc>(
    {
      siteKey: { type: String, required: true },
      status: { type: String, enum: ['queued', 'active', 'ended'], required: true, index: true },
      visitorId: { type: Schema.Types.ObjectId, required: true, index: true },
      visitorName: { type: String, default: null },
      visitorEmail: { type: String, default: null, index: true },
      visitorFields: { type: Schema.Types.Mixed, default: () => ({}) },
      customerUserId: { type: String, default: null, index: true },
      locale: { type: String, required: true },
      pageUrl: { type: String, default: null },
      agentId: { type: Schema.Types.ObjectId, default: null, index: true },
      agentName: { type: String, default: null },
      assignments: { type: Number, default: 0 },
      lastSeq: { type: Number, default: 0 },
      recent: { type: String, default: null },
      lastMessageAt: { type: Date, default: null },
      lastActivityAt: { type: Date, required: true, index: true },
      preview: { type: String, default: null },
      createdAt: { type: Date, required: true },
      queuedAt: { type: Date, required: true },
      acceptedAt: { type: Date, default: null },
      endedAt: { type: Date, default: null },
      endedBy: { type: String, default: null },
      teamId: { type: Schema.Types.ObjectId, default: null },
      labels: { type: [String], default: [], index: true },
      rating: { type: Schema.Types.Mixed, default: null },

      ticketNumber: { type: Number, default: null, index: true },
      ticketStatus: { type: String, default: null, index: true },
      priority: { type: String, default: null },
      category: { type: String, default: null },
      subject: { type: String, default: null },
      ticketCreatedAt: { type: Date, default: null },
      ticketUpdatedAt: { type: Date, default: null },
      solvedAt: { type: Date, default: null },
      closedAt: { type: Date, default: null },
      followUpOf: { type: Schema.Types.Mixed, default: null },
      guestLinkHash: { type: String, default: null, index: true },
      guestLinkExpiresAt: { type: Date, default: null },
      history: { type: Schema.Types.Mixed, default: () => [] },
    },
    { versionKey: false },
  );
  return conn.model<ConversationDoc>('Conversation', schema, 'conversations');
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Customers get the same shape without the internal history of the ticket. */
export type Audience = 'agent' | 'customer';

export function toConversationDTO(c: ConversationDoc, audience: Audience = 'agent'): ConversationDTO {
  return {
    id: c._id.toHexString(),
    status: c.status,
    visitor: { id: c.visitorId.toHexString(), name: c.visitorName, email: c.visitorEmail, fields: c.visitorFields ?? {} },
    agent: c.agentId ? { id: c.agentId.toHexString(), name: c.agentName ?? '' } : null,
    locale: c.locale,
    pageUrl: c.pageUrl,
    lastSeq: c.lastSeq,
    lastMessageAt: iso(c.lastMessageAt),
    preview: c.preview,
    createdAt: c.createdAt.toISOString(),
    queuedAt: c.queuedAt.toISOString(),
    acceptedAt: iso(c.acceptedAt),
    endedAt: iso(c.endedAt),
    lastActivityAt: (c.lastActivityAt ?? c.createdAt).toISOString(),
    teamId: c.teamId ? c.teamId.toHexString() : null,
    labels: audience === 'agent' ? (c.labels ?? []) : [],
    rating: c.rating ? { score: c.rating.score, comment: c.rating.comment, at: c.rating.at.toISOString() } : null,
    ticket: toTicketDTO(c, audience),
  };
}

function toTicketDTO(c: ConversationDoc, audience: Audience): TicketDTO | null {
  if (c.ticketNumber == null || !c.ticketStatus) return null;
  return {
    number: c.ticketNumber,
    status: c.ticketStatus,
    priority: c.priority ?? 'normal',
    category: c.category ?? 'other',
    subject: c.subject ?? '',
    requester: { email: c.visitorEmail, name: c.visitorName, userId: c.customerUserId ?? null },
    createdAt: (c.ticketCreatedAt ?? c.createdAt).toISOString(),
    updatedAt: (c.ticketUpdatedAt ?? c.ticketCreatedAt ?? c.createdAt).toISOString(),
    solvedAt: iso(c.solvedAt),
    closedAt: iso(c.closedAt),
    followUpOf: c.followUpOf ?? null,
    history:
      audience === 'agent'
        ? (c.history ?? []).map((h) => ({ at: h.at.toISOString(), by: { type: h.byType, id: h.byId, name: h.byName }, field: h.field, from: h.from, to: h.to }))
        : [],
  };
}
