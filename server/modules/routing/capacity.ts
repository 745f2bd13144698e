/**
 * Per-agent capacity as claims: an agent with maxChats n has slots `slot:<agentId>:1..n`, and each
 * live chat of theirs holds one (the claim's owner is the chat's id). Taking a slot is an insert
 * that the store refuses twice, so an agent never holds more than n chats, however many nodes
 * assign at once; a conditional update could not promise that on FerretDB (STORE.md).
 */
import { Types } from 'mongoose';
import { DEFAULT_MAX_CHATS } from '../../../shared/workspace.js';
import type { Logger } from '../../logger.js';
import type { ClaimDoc, ClaimModel, Claims } from '../../store/claims.js';
import type { AgentModel } from '../auth/agent.model.js';
import type { ConversationModel } from '../conversations/conversation.model.js';

/** A slot whose chat is not (yet) live with its agent is left alone this long: its assignment may be under way. */
const SETTLE_MS = 10_000;

export class CapacitySlots {
  constructor(
    private readonly d: { claims: Claims; claimModel: ClaimModel; agents: AgentModel; conversations: ConversationModel; log: Logger },
  ) {}

  private slotId = (agentId: string, k: number) => `slot:${agentId}:${k}`;

  private held(agentId: string): Promise<ClaimDoc[]> {
    return this.d.claimModel.find({ _id: { $regex: `^slot:${agentId}:` } }).lean();
  }

  /** Takes a free slot of the agent for the chat; true also when the chat already holds one. False: the agent is full. */
  async reserve(agentId: string, conversationId: string): Promise<boolean> {
    const max = await this.maxChats(agentId);
    if (await this.takeFree(agentId, conversationId, max)) return true;
    // Full: unless a slot outlived its chat (a node died mid-assignment), that is the answer.
    return (await this.reconcile(agentId, max)) > 0 && this.takeFree(agentId, conversationId, max);
  }

  private async maxChats(agentId: string): Promise<number> {
    const agent = await this.d.agents.findById(agentId).lean();
    return agent?.maxChats ?? DEFAULT_MAX_CHATS;
  }

  private async takeFree(agentId: string, conversationId: string, max: number): Promise<boolean> {
    const held = await this.held(agentId);
    if (held.some((c) => c.owner === conversationId)) return true;
    // More slots than maxChats are held after an admin lowered it: nothing new until enough chats ended.
    if (held.length >= max) return false;
    const taken = new Set(held.map((c) => c._id));
    for (let k = 1; k <= max; k++) {
      const id = this.slotId(agentId, k);
      if (taken.has(id) || !(await this.d.claims.take(id, conversationId))) continue;
      // Two nodes may reserve for the same chat at once and take two slots: the lower one stays.
      const mine = (await this.held(agentId)).filter((c) => c.owner === conversationId).map((c) => Number(c._id.slice(c._id.lastIndexOf(':') + 1)));
      if (Math.min(...mine) < k) await this.d.claims.release(id, conversationId);
      return true;
    }
    return false;
  }

  async release(agentId: string, conversationId: string): Promise<void> {
    await this.d.claimModel.deleteMany({ _id: { $regex: `^slot:${agentId}:` }, owner: conversationId });
  }

  /**
   * Makes the slots match the agent's live chats: frees slots whose chat is no longer live with
   * them (after a crash between a slot and its chat), and gives a slot to a live chat without one
   * (chats from before capacity existed). Returns how many slots it freed.
   */
  async reconcile(agentId: string, max?: number): Promise<number> {
    const [held, live, limit] = await Promise.all([
      this.held(agentId),
      this.d.conversations.find({ agentId: new Types.ObjectId(agentId), status: 'active' }, { _id: 1 }).lean(),
      max ?? this.maxChats(agentId),
    ]);
    const liveIds = new Set(live.map((c) => c._id.toHexString()));
    let freed = 0;
    for (const slot of held) {
      if (liveIds.has(slot.owner) || Date.now() - slot.createdAt.getTime() < SETTLE_MS) continue;
      await this.d.claims.release(slot._id, slot.owner);
      freed++;
    }
    const owners = new Set(held.map((s) => s.owner));
    for (const id of liveIds) {
      if (!owners.has(id) && !(await this.takeFree(agentId, id, limit))) {
        this.d.log.warn({ agentId, conversationId: id }, 'agent has more live chats than slots');
        break;
      }
    }
    return freed;
  }
}
