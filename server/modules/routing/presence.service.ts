/**
 * Agent presence that survives several tabs and crashed nodes: every agent socket has a heartbeat
 * document its node refreshes every `heartbeatMs` (presence.model.ts). An agent is
 * - offline when none of their sockets was seen within 3 heartbeats (a SIGKILLed node's sockets
 *   simply stop being refreshed; no disconnect event is needed),
 * - away when they chose it, or when they did nothing for `awayAfterMs` (the agent UI reports
 *   input with `presence:activity`),
 * - online otherwise.
 * Closing one of two tabs removes one socket; the other keeps the agent online.
 */
import { Types } from 'mongoose';
import { DEFAULT_MAX_CHATS, type AgentSkills, type AgentStatus, type PresenceDTO } from '../../../shared/workspace.js';
import { DocLocks } from '../../store/doc-locks.js';
import type { AgentModel } from '../auth/agent.model.js';
import type { ConversationModel } from '../conversations/conversation.model.js';
import type { AgentStateDoc, AgentStateModel, PresenceSocketModel } from './presence.model.js';

/** An agent as routing needs them: presence plus what decides which chats fit. */
export interface AgentPresence extends PresenceDTO {
  skills: AgentSkills;
  teamIds: string[];
}

export const FRESH_HEARTBEATS = 3;

export class PresenceService {
  /** This node's agent sockets. */
  private readonly local = new Map<string, { agentId: string; since: number }>();
  private readonly locks = new DocLocks();

  constructor(
    private readonly d: {
      sockets: PresenceSocketModel;
      states: AgentStateModel;
      agents: AgentModel;
      conversations: ConversationModel;
      nodeId: string;
      heartbeatMs: number;
      awayAfterMs: number;
    },
  ) {}

  private freshSince(now = Date.now()): Date {
    return new Date(now - FRESH_HEARTBEATS * this.d.heartbeatMs);
  }

  /**
   * A socket of the agent connected on this node. Signing in counts as activity when the agent had
   * no live session (a reconnecting tab of an idle agent does not bring them back).
   */
  async connect(socketId: string, agentId: string): Promise<void> {
    const now = new Date();
    const wasLive = await this.d.sockets.exists({ agentId, seenAt: { $gt: this.freshSince(now.getTime()) } });
    this.local.set(socketId, { agentId, since: now.getTime() });
    await this.d.sockets.updateOne({ _id: socketId }, { $set: { agentId, nodeId: this.d.nodeId, seenAt: now } }, { upsert: true });
    await this.locks.run(agentId, async () => {
      const state = await this.d.states.findById(agentId).lean();
      if (!state) await this.d.states.updateOne({ _id: agentId }, { $setOnInsert: { status: 'online', activeAt: now } }, { upsert: true });
      else if (!wasLive) await this.d.states.updateOne({ _id: agentId }, { $set: { activeAt: now } });
    });
  }

  async disconnect(socketId: string): Promise<string | undefined> {
    const agentId = this.local.get(socketId)?.agentId;
    this.local.delete(socketId);
    await this.d.sockets.deleteOne({ _id: socketId });
    return agentId;
  }

  /**
   * Marks this node's sockets alive (re-creating a mark another node swept away while this one
   * stalled). `connected` is Socket.IO's own view: a socket it no longer has, whose disconnect we
   * missed (it went away during the handshake), stops counting instead of living on as a ghost.
   */
  async heartbeat(connected: (socketId: string) => boolean): Promise<void> {
    const seenAt = new Date();
    const gone: string[] = [];
    const written: string[] = [];
    for (const [id, { agentId, since }] of this.local) {
      if (!connected(id) && seenAt.getTime() - since > 5_000) {
        gone.push(id);
        continue;
      }
      written.push(id);
      await this.d.sockets.updateOne({ _id: id }, { $set: { agentId, nodeId: this.d.nodeId, seenAt } }, { upsert: true });
    }
    for (const id of gone) this.local.delete(id);
    // A socket that disconnected while its mark was being written must not keep the mark.
    const stale = [...gone, ...written.filter((id) => !this.local.has(id))];
    if (stale.length) await this.d.sockets.deleteMany({ _id: { $in: stale } });
  }

  /** Drops marks of sockets long dead (their node crashed); they stopped counting three heartbeats earlier. */
  async sweepDead(): Promise<void> {
    await this.d.sockets.deleteMany({ seenAt: { $lt: new Date(Date.now() - 10 * FRESH_HEARTBEATS * this.d.heartbeatMs) } });
  }

  /** The agent's own choice; choosing online also counts as activity. */
  async choose(agentId: string, status: 'online' | 'away'): Promise<void> {
    const now = new Date();
    await this.locks.run(agentId, () =>
      this.d.states.updateOne({ _id: agentId }, status === 'online' ? { $set: { status, activeAt: now } } : { $set: { status }, $setOnInsert: { activeAt: now } }, { upsert: true }),
    );
  }

  async activity(agentId: string): Promise<void> {
    const now = new Date();
    await this.locks.run(agentId, () => this.d.states.updateOne({ _id: agentId }, { $set: { activeAt: now }, $setOnInsert: { status: 'online' } }, { upsert: true }));
  }

  statusOf(live: boolean, state: Pick<AgentStateDoc, 'status' | 'activeAt'> | undefined, now = Date.now()): AgentStatus {
    if (!live) return 'offline';
    if (!state) return 'online';
    if (state.status === 'away' || now - state.activeAt.getTime() > this.d.awayAfterMs) return 'away';
    return 'online';
  }

  /** Every active agent's presence and load, by agent id. */
  async snapshot(): Promise<Map<string, AgentPresence>> {
    const now = Date.now();
    const [agents, sockets, states, loads] = await Promise.all([
      this.d.agents.find({ active: true }).limit(5000).lean(),
      this.d.sockets.find({ seenAt: { $gt: this.freshSince(now) } }).lean(),
      this.d.states.find({}).lean(),
      this.d.conversations.aggregate<{ _id: Types.ObjectId | null; n: number }>([{ $match: { status: 'active' } }, { $group: { _id: '$agentId', n: { $sum: 1 } } }]),
    ]);
    const live = new Set(sockets.map((s) => s.agentId));
    const stateOf = new Map(states.map((s) => [s._id, s]));
    const loadOf = new Map(loads.filter((l) => l._id).map((l) => [l._id!.toHexString(), l.n]));
    const out = new Map<string, AgentPresence>();
    for (const a of agents) {
      const id = a._id.toHexString();
      out.set(id, {
        agentId: id,
        name: a.name,
        status: this.statusOf(live.has(id), stateOf.get(id), now),
        activeChats: loadOf.get(id) ?? 0,
        maxChats: a.maxChats ?? DEFAULT_MAX_CHATS,
        skills: { languages: a.skills?.languages ?? [], categories: a.skills?.categories ?? [] },
        teamIds: (a.teamIds ?? []).map((t) => t.toHexString()),
      });
    }
    return out;
  }
}

export const toPresenceDTO = (p: AgentPresence): PresenceDTO => ({ agentId: p.agentId, name: p.name, status: p.status, activeChats: p.activeChats, maxChats: p.maxChats });
