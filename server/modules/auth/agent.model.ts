import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AgentDTO, AgentRole } from '../../../shared/types.js';

export interface AgentDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
  active: boolean;
  /** Bumped to revoke every session of the agent at once. */
  tokenVersion: number;
  createdAt: Date;
}

export type AgentModel = Model<AgentDoc>;

export function agentModel(conn: Connection): AgentModel {
  const schema = new Schema<AgentDoc>(
    {
      email: { type: String, required: true, unique: true },
      name: { type: String, required: true },
      role: { type: String, enum: ['agent', 'admin'], required: true },
      passwordHash: { type: String, required: true },
      active: { type: Boolean, default: true },
      tokenVersion: { type: Number, default: 0 },
      createdAt: { type: Date, default: () => new Date() },
    },
    { versionKey: false },
  );
  return conn.model<AgentDoc>('Agent', schema, 'agents');
}

export function toAgentDTO(a: Pick<AgentDoc, '_id' | 'email' | 'name' | 'role'>): AgentDTO {
  return { id: a._id.toHexString(), email: a.email, name: a.name, role: a.role };
}
