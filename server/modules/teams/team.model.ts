import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { TeamDTO } from '../../../shared/workspace.js';

/** A group of agents a chat can be transferred to; membership is on the agent (`teamIds`). */
export interface TeamDoc {
  _id: Types.ObjectId;
  name: string;
  createdAt: Date;
}

export type TeamModel = Model<TeamDoc>;

export function teamModel(conn: Connection): TeamModel {
  const schema = new Schema<TeamDoc>(
    {
      name: { type: String, required: true, unique: true },
      createdAt: { type: Date, default: () => new Date() },
    },
    { versionKey: false },
  );
  return conn.model<TeamDoc>('Team', schema, 'teams');
}

export function toTeamDTO(t: TeamDoc): TeamDTO {
  return { id: t._id.toHexString(), name: t.name };
}
