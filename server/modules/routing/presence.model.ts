import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One live agent socket, kept alive by the node that holds it (presence.service.ts). The node
 * writes `seenAt` every heartbeat; a socket whose mark is older than three heartbeats belongs to a
 * node that died, and no longer counts. Each document has one writer: the node of its socket.
 */
export interface PresenceSocketDoc {
  /** The Socket.IO socket id. */
  _id: string;
  agentId: string;
  nodeId: string;
  seenAt: Date;
}

/**
 * What an agent chose and when they last did something. Separate from the agent document, which
 * admins edit: on FerretDB a frequent write of one field would undo an admin's concurrent change
 * of another (STORE.md).
 */
export interface AgentStateDoc {
  /** The agent's id. */
  _id: string;
  /** The agent's choice; auto-away and offline are derived, never stored. */
  status: 'online' | 'away';
  activeAt: Date;
}

export type PresenceSocketModel = Model<PresenceSocketDoc>;
export type AgentStateModel = Model<AgentStateDoc>;

export function presenceSocketModel(conn: Connection): PresenceSocketModel {
  const schema = new Schema<PresenceSocketDoc>(
    {
      _id: { type: String, required: true },
      agentId: { type: String, required: true, index: true },
      nodeId: { type: String, required: true },
      seenAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<PresenceSocketDoc>('PresenceSocket', schema, 'presence_sockets');
}

export function agentStateModel(conn: Connection): AgentStateModel {
  const schema = new Schema<AgentStateDoc>(
    {
      _id: { type: String, required: true },
      status: { type: String, enum: ['online', 'away'], required: true },
      activeAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<AgentStateDoc>('AgentState', schema, 'agent_states');
}
