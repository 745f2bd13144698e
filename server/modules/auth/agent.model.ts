import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AgentDTO, AgentRole } from '../../../shared/types.js';
import { DEFAULT_MAX_CHATS, type AgentProfileDTO, type AgentSkills } from '../../../shared/workspace.js';

export interface AgentDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
  active: boolean;
  /** Bumped to revoke every session of the agent at once. */
  tokenVersion: number;
  /** Live chats at once (routing never assigns more). */
  maxChats: number;
  skills: AgentSkills;
  teamIds: Types.ObjectId[];
  /** Set while an invitation is open: sha256 of the invite token, and when it expires. */
  inviteHash: string | null;
  inviteExpiresAt: Date | null;
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
      maxChats: { type: Number, default: DEFAULT_MAX_CHATS },
      skills: { type: { languages: [String], categories: [String] }, default: () => ({ languages: [], categories: [] }), _id: false },
      teamIds: { type: [Schema.Types.ObjectId], default: [] },
      inviteHash: { type: String, default: null },
      inviteExpiresAt: { type: Date, default: null },
      createdAt: { type: Date, default: () => new Date() },
    },
    { versionKey: false },
  );
  return conn.model<AgentDoc>('Agent', schema, 'agents');
}

export function toAgentProfileDTO(a: AgentDoc): AgentProfileDTO {
  return {
    ...toAgentDTO(a),
    active: a.active,
    maxChats: a.maxChats ?? DEFAULT_MAX_CHATS,
    skills: { languages: a.skills?.languages ?? [], categories: a.skills?.categories ?? [] },
    teamIds: (a.teamIds ?? []).map((t) => t.toHexString()),
    invited: !!a.inviteHash,
  };
}

export function toAgentDTO(a: Pick<AgentDoc, '_id' | 'email' | 'name' | 'role'>): AgentDTO {
  return { id: a._id.toHexString(), email: a.email, name: a.name, role: a.role };
}
