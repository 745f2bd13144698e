import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** An anonymous visitor, known by the hash of the random token their widget keeps. */
export interface VisitorDoc {
  _id: Types.ObjectId;
  tokenHash: string;
  siteKey: string;
  name: string | null;
  email: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

export type VisitorModel = Model<VisitorDoc>;

export function visitorModel(conn: Connection): VisitorModel {
  const schema = new Schema<VisitorDoc>(
    {
      tokenHash: { type: String, required: true, unique: true },
      siteKey: { type: String, required: true },
      name: { type: String, default: null },
      email: { type: String, default: null },
      createdAt: { type: Date, required: true },
      lastSeenAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<VisitorDoc>('Visitor', schema, 'visitors');
}
