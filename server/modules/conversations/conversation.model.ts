import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { ConversationDTO, ConversationStatus, Locale } from '../../../shared/types.js';

export interface ConversationDoc {
  _id: Types.ObjectId;
  siteKey: string;
  status: ConversationStatus;
  visitorId: Types.ObjectId;
  visitorName: string | null;
  visitorEmail: string | null;
  locale: Locale;
  pageUrl: string | null;
  agentId: Types.ObjectId | null;
  agentName: string | null;
  /** How many times the chat was assigned; names the claim of the next assignment. */
  assignments: number;
  /** Highest stored seq. Only ever raised with $max after the message is stored. */
  lastSeq: number;
  lastMessageAt: Date | null;
  preview: string | null;
  createdAt: Date;
  queuedAt: Date;
  acceptedAt: Date | null;
  endedAt: Date | null;
  endedBy: 'visitor' | 'agent' | null;
}

export type ConversationModel = Model<ConversationDoc>;

export function conversationModel(conn: Connection): ConversationModel {
  const schema = new Schema<ConversationDoc>(
    {
      siteKey: { type: String, required: true },
      status: { type: String, enum: ['queued', 'active', 'ended'], required: true, index: true },
      visitorId: { type: Schema.Types.ObjectId, required: true, index: true },
      visitorName: { type: String, default: null },
      visitorEmail: { type: String, default: null },
      locale: { type: String, required: true },
      pageUrl: { type: String, default: null },
      agentId: { type: Schema.Types.ObjectId, default: null, index: true },
      agentName: { type: String, default: null },
      assignments: { type: Number, default: 0 },
      lastSeq: { type: Number, default: 0 },
      lastMessageAt: { type: Date, default: null },
      preview: { type: String, default: null },
      createdAt: { type: Date, required: true },
      queuedAt: { type: Date, required: true },
      acceptedAt: { type: Date, default: null },
      endedAt: { type: Date, default: null },
      endedBy: { type: String, default: null },
    },
    { versionKey: false },
  );
  return conn.model<ConversationDoc>('Conversation', schema, 'conversations');
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toConversationDTO(c: ConversationDoc): ConversationDTO {
  return {
    id: c._id.toHexString(),
    status: c.status,
    visitor: { id: c.visitorId.toHexString(), name: c.visitorName, email: c.visitorEmail },
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
  };
}
