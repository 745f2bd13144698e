import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * Which visitor holds a token, keyed by the token's hash. Every widget handshake looks a visitor up
 * by token; `_id` equality is the one lookup FerretDB's SQLite backend answers without reading every
 * document (STORE.md, "Speed"), so the lookup is a small document of its own rather than a query on
 * `visitors.tokenHash`, which made each connection slower the more visitors a site had.
 */
export interface VisitorTokenDoc {
  /** sha256 of the visitor token, hex (as `visitors.tokenHash`). */
  _id: string;
  visitorId: Types.ObjectId;
  siteKey: string;
}

export type VisitorTokenModel = Model<VisitorTokenDoc>;

export function visitorTokenModel(conn: Connection): VisitorTokenModel {
  const schema = new Schema<VisitorTokenDoc>(
    {
      _id: { type: String, required: true },
      visitorId: { type: Schema.Types.ObjectId, required: true },
      siteKey: { type: String, required: true },
    },
    { versionKey: false },
  );
  return conn.model<VisitorTokenDoc>('VisitorToken', schema, 'visitor_tokens');
}
