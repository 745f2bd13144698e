import { Schema, type Connection, type Model } from 'mongoose';

/** The one live code of a ticket; a new code replaces it. Expiry is checked in code, not by a TTL index. */
export interface GuestCodeDoc {
  /** The ticket's conversation id. */
  _id: string;
  /** Names this code's attempt claims, so a new code starts with fresh attempts. */
  codeId: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
}

export type GuestCodeModel = Model<GuestCodeDoc>;

export function guestCodeModel(conn: Connection): GuestCodeModel {
  const schema = new Schema<GuestCodeDoc>(
    {
      _id: { type: String, required: true },
      codeId: { type: String, required: true },
      codeHash: { type: String, required: true },
      createdAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<GuestCodeDoc>('GuestCode', schema, 'guest_codes');
}
