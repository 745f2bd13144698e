import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * A signed-out agent session: its token's `jti`, kept until the token would have expired anyway.
 * Every REST call and socket handshake of an agent looks here, so the collection stays small: one
 * row per sign-out within AGENT_SESSION_HOURS. Expired rows are pruned in code (no TTL index on
 * FerretDB 1.24, STORE.md).
 */
export interface RevokedSessionDoc {
  /** The token's jti. */
  _id: string;
  agentId: Types.ObjectId;
  /** The token's own expiry; after it the token is refused anyway, and the row can go. */
  expiresAt: Date;
}

export type RevokedSessionModel = Model<RevokedSessionDoc>;

export function revokedSessionModel(conn: Connection): RevokedSessionModel {
  const schema = new Schema<RevokedSessionDoc>(
    {
      _id: { type: String, required: true },
      agentId: { type: Schema.Types.ObjectId, required: true },
      expiresAt: { type: Date, required: true, index: true },
    },
    { versionKey: false },
  );
  return conn.model<RevokedSessionDoc>('RevokedSession', schema, 'revoked_sessions');
}
