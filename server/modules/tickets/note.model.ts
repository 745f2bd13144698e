import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { NoteDTO } from '../../../shared/types.js';

/**
 * Internal notes live in their own collection, not in the message stream: customer code paths
 * never query it, so a note cannot reach a customer by a missed filter, and customers' streams
 * keep gapless sequence numbers.
 */
export interface NoteDoc {
  _id: Types.ObjectId;
  conversationId: Types.ObjectId;
  clientId: string;
  authorId: Types.ObjectId;
  authorName: string;
  body: string;
  createdAt: Date;
}

export type NoteModel = Model<NoteDoc>;

export function noteModel(conn: Connection): NoteModel {
  const schema = new Schema<NoteDoc>(
    {
      conversationId: { type: Schema.Types.ObjectId, required: true },
      clientId: { type: String, required: true },
      authorId: { type: Schema.Types.ObjectId, required: true },
      authorName: { type: String, required: true },
      body: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  schema.index({ conversationId: 1, clientId: 1 }, { unique: true });
  return conn.model<NoteDoc>('Note', schema, 'notes');
}

export function toNoteDTO(n: NoteDoc): NoteDTO {
  return {
    id: n._id.toHexString(),
    conversationId: n.conversationId.toHexString(),
    clientId: n.clientId,
    author: { id: n.authorId.toHexString(), name: n.authorName },
    body: n.body,
    createdAt: n.createdAt.toISOString(),
  };
}
