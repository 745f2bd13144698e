import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AttachmentDTO, MessageDTO, SystemEvent } from '../../../shared/types.js';

export interface MessageDoc {
  _id: Types.ObjectId;
  conversationId: Types.ObjectId;
  seq: number;
  clientId: string;
  authorType: 'visitor' | 'agent' | 'system';
  authorId: Types.ObjectId | null;
  authorName: string | null;
  body: string;
  system: SystemEvent | null;
  /** Copied from the uploads when the message is stored, so reading a stream needs no join. */
  attachments: AttachmentDTO[];
  createdAt: Date;
}

export type MessageModel = Model<MessageDoc>;

export function messageModel(conn: Connection): MessageModel {
  const schema = new Schema<MessageDoc>(
    {
      conversationId: { type: Schema.Types.ObjectId, required: true },
      seq: { type: Number, required: true },
      clientId: { type: String, required: true },
      authorType: { type: String, enum: ['visitor', 'agent', 'system'], required: true },
      authorId: { type: Schema.Types.ObjectId, default: null },
      authorName: { type: String, default: null },
      body: { type: String, default: '' },
      system: { type: Schema.Types.Mixed, default: null },
      attachments: { type: Schema.Types.Mixed, default: () => [] },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  // The store refuses a second message with the same seq (a race between two writers) and a
  // second copy of one client message (a resend): DESIGN.md's delivery guarantees rest on these.
  schema.index({ conversationId: 1, seq: 1 }, { unique: true });
  schema.index({ conversationId: 1, clientId: 1 }, { unique: true });
  return conn.model<MessageDoc>('Message', schema, 'messages');
}

export function toMessageDTO(m: MessageDoc): MessageDTO {
  return {
    id: m._id.toHexString(),
    conversationId: m.conversationId.toHexString(),
    seq: m.seq,
    clientId: m.clientId,
    author: { type: m.authorType, id: m.authorId ? m.authorId.toHexString() : null, name: m.authorName },
    body: m.body,
    system: m.system,
    attachments: m.attachments ?? [],
    createdAt: m.createdAt.toISOString(),
  };
}
