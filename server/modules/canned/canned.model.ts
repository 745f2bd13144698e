import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CannedReplyDTO } from '../../../shared/workspace.js';

/** A saved answer an agent inserts with `/shortcut`; placeholders are filled in the agent UI. */
export interface CannedReplyDoc {
  _id: Types.ObjectId;
  scope: 'shared' | 'personal';
  /** The owning agent of a personal reply; null for a shared one. */
  ownerId: Types.ObjectId | null;
  shortcut: string;
  title: string;
  body: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export type CannedReplyModel = Model<CannedReplyDoc>;

export function cannedReplyModel(conn: Connection): CannedReplyModel {
  const schema = new Schema<CannedReplyDoc>(
    {
      scope: { type: String, enum: ['shared', 'personal'], required: true },
      ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
      shortcut: { type: String, required: true },
      title: { type: String, required: true },
      body: { type: String, required: true },
      createdBy: { type: Schema.Types.ObjectId, required: true },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  // One shortcut per scope and owner, refused by the store itself: two admins saving "/refund" at
  // once cannot both win, on FerretDB (whose conditional writes do not decide races) as on MongoDB.
  // A personal shortcut may repeat a shared one; the agent's own then comes first in the picker.
  schema.index({ scope: 1, ownerId: 1, shortcut: 1 }, { unique: true });
  return conn.model<CannedReplyDoc>('CannedReply', schema, 'canned_replies');
}

export function toCannedReplyDTO(c: CannedReplyDoc): CannedReplyDTO {
  return { id: c._id.toHexString(), shortcut: c.shortcut, title: c.title, body: c.body, scope: c.scope, ownerId: c.ownerId ? c.ownerId.toHexString() : null };
}
