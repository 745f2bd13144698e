import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AttachmentDTO } from '../../../shared/types.js';

export interface AttachmentDoc {
  _id: Types.ObjectId;
  /** Who uploaded it (customerKey or `agent:<id>`): only they can attach it to a message. */
  uploaderKey: string;
  /** Null until sent with a message; then it is served to that conversation's participants. */
  conversationId: Types.ObjectId | null;
  /** Set once it is a screenshot of product feedback (modules/feedback): it can then go in no message. */
  feedbackId?: Types.ObjectId | null;
  name: string;
  size: number;
  type: string;
  inline: boolean;
  /** Random file name under DATA_DIR/uploads; never derived from anything the client sent. */
  storedName: string;
  createdAt: Date;
}

export type AttachmentModel = Model<AttachmentDoc>;

export function attachmentModel(conn: Connection): AttachmentModel {
  const schema = new Schema<AttachmentDoc>(
    {
      uploaderKey: { type: String, required: true },
      conversationId: { type: Schema.Types.ObjectId, default: null, index: true },
      feedbackId: { type: Schema.Types.ObjectId, default: null },
      name: { type: String, required: true },
      size: { type: Number, required: true },
      type: { type: String, required: true },
      inline: { type: Boolean, required: true },
      storedName: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<AttachmentDoc>('Attachment', schema, 'attachments');
}

export function toAttachmentDTO(a: AttachmentDoc): AttachmentDTO {
  return { id: a._id.toHexString(), name: a.name, size: a.size, type: a.type, inline: a.inline };
}
