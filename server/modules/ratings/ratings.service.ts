/**
 * The end of a chat: the visitor's rating (1 terrible … 5 fantastic, with an optional comment) and
 * the averages agents see. A rating is a field of the conversation, written through the
 * conversations service's per-document lock (STORE.md: concurrent updates of one document lose
 * each other on FerretDB), and announced as `conversation:updated` like any other change.
 *
 * The rating also records whose chat it was, so a ticket later handed to someone else does not
 * move the chat's rating to them.
 */
import { Types } from 'mongoose';
import type { ConversationDTO } from '../../../shared/types.js';
import { RATING_SUMMARY_DAYS, type AgentRatingDTO, type RatingScore } from '../../../shared/workspace.js';
import { AppError } from '../../http/errors.js';
import type { AgentModel } from '../auth/agent.model.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import type { CustomerPrincipal } from '../customers/customer-identity.js';
import { toConversationDTO, type ConversationDoc, type ConversationModel } from '../conversations/conversation.model.js';
import type { ConversationsService } from '../conversations/conversations.service.js';

/** What is stored in `conversation.rating`: the DTO's fields plus the agent whose chat was rated. */
interface StoredRating {
  score: RatingScore;
  comment: string | null;
  at: Date;
  agentId: Types.ObjectId | null;
  agentName: string | null;
}

const DAY_MS = 24 * 3600 * 1000;

export class RatingsService {
  constructor(
    private readonly deps: {
      chats: ConversationsService;
      conversations: ConversationModel;
      agents: AgentModel;
    },
  ) {}

  /**
   * Rates a conversation the customer may see, once an agent has taken it or it has ended; a
   * second rating replaces the first. Another customer's conversation is NOT_FOUND.
   */
  async rate(customer: CustomerPrincipal, input: { conversationId: string; score: number; comment?: string | undefined }): Promise<ConversationDTO> {
    const { chats } = this.deps;
    const conv = await chats.visible({ kind: 'visitor', customer }, input.conversationId);
    if (!conv.acceptedAt && conv.status !== 'ended') {
      throw new AppError('CONFLICT', 'A chat can be rated once an agent has joined it');
    }
    const previous = conv.rating as StoredRating | null;
    const rating: StoredRating = {
      score: input.score as RatingScore,
      comment: input.comment ? input.comment : null,
      at: new Date(),
      // A replaced rating stays with the agent the first one credited.
      agentId: previous?.agentId ?? conv.agentId ?? null,
      agentName: previous?.agentName ?? conv.agentName ?? null,
    };
    await chats.updateDoc(conv._id, { $set: { rating } });
    const fresh = await chats.load(conv._id);
    chats.events.conversationUpdated(fresh, false);
    return toConversationDTO(fresh, 'customer');
  }

  /**
   * The average score per agent over the rated conversations of the last RATING_SUMMARY_DAYS days.
   * An agent gets their own line; an admin gets every active agent's, and any former agent's who
   * has ratings in the window. Summed here rather than by an aggregation: FerretDB has no `$avg`.
   */
  async summary(agent: AgentPrincipal): Promise<AgentRatingDTO[]> {
    const since = new Date(Date.now() - RATING_SUMMARY_DAYS * DAY_MS);
    const own = agent.role !== 'admin';
    const filter: Record<string, unknown> = { rating: { $ne: null }, 'rating.at': { $gte: since } };
    const totals = new Map<string, { name: string; sum: number; count: number }>();
    const cursor = this.deps.conversations
      .find(filter)
      .select({ rating: 1, agentId: 1, agentName: 1 })
      .lean<Array<Pick<ConversationDoc, '_id' | 'agentId' | 'agentName'> & { rating: StoredRating | null }>>()
      .cursor();
    for await (const conv of cursor) {
      const rating = conv.rating;
      if (!rating || typeof rating.score !== 'number') continue;
      const agentId = (rating.agentId ?? conv.agentId)?.toHexString();
      if (!agentId || (own && agentId !== agent.id)) continue;
      const entry = totals.get(agentId) ?? { name: rating.agentName ?? conv.agentName ?? '', sum: 0, count: 0 };
      entry.sum += rating.score;
      entry.count += 1;
      totals.set(agentId, entry);
    }
    const people = own
      ? await this.deps.agents.find({ _id: new Types.ObjectId(agent.id) }).lean()
      : await this.deps.agents.find({ $or: [{ active: { $ne: false } }, { _id: { $in: [...totals.keys()].map((id) => new Types.ObjectId(id)) } }] }).lean();
    const rows: AgentRatingDTO[] = people.map((a) => {
      const id = a._id.toHexString();
      const t = totals.get(id);
      return { agentId: id, name: a.name, average: t ? Math.round((t.sum / t.count) * 100) / 100 : null, count: t?.count ?? 0 };
    });
    return rows.sort((a, b) => a.name.localeCompare(b.name));
  }
}
