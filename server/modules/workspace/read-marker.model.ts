import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * How far one agent has read one conversation, shared by all the agent's tabs and devices.
 * One document per agent and conversation, `_id` = `<agentId>:<conversationId>`, so a marker is
 * found by `_id` alone (the one lookup FerretDB pushes down) and can exist only once.
 */
export interface ReadMarkerDoc {
  _id: string;
  agentId: Types.ObjectId;
  conversationId: Types.ObjectId;
  /** Only ever raised. */
  seq: number;
  updatedAt: Date;
}

export type ReadMarkerModel = Model<ReadMarkerDoc>;

export const readMarkerId = (agentId: string, conversationId: string): string => `${agentId}:${conversationId}`;

export function readMarkerModel(conn: Connection): ReadMarkerModel {
  const schema = new Schema<ReadMarkerDoc>(
    {
      _id: { type: String, required: true },
      agentId: { type: Schema.Types.ObjectId, required: true, index: true },
      conversationId: { type: Schema.Types.ObjectId, required: true },
      seq: { type: Number, required: true },
      updatedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<ReadMarkerDoc>('ReadMarker', schema, 'read_markers');
}
