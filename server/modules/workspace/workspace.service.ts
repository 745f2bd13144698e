/**
 * Agent tools on conversations: labels, per-agent read markers (unread counts on every device of
 * an agent) and search across chats and tickets.
 *
 * An unread count is the number of customer messages after the agent's marker, counted by the
 * store for the conversations asked about only (one aggregation for all of them), and bounded
 * above by the conversation's lastSeq read first, so the count and the `lastSeq` it is reported
 * with agree (a message is stored before lastSeq is raised past it).
 */
import { Types } from 'mongoose';
import type { ConversationDTO } from '../../../shared/types.js';
import { READS_LIST_MAX } from '../../../shared/schemas/canned.js';
import type { ReadMarkerDTO } from '../../../shared/workspace.js';
import { isConflict } from '../../http/errors.js';
import { DocLocks } from '../../store/doc-locks.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import { toConversationDTO, type ConversationDoc, type ConversationModel } from '../conversations/conversation.model.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { MessageModel } from '../conversations/message.model.js';
import { readMarkerId, type ReadMarkerModel } from './read-marker.model.js';

/**
 * Message text is searched only among the newest this many messages. `$regex` cannot use an index
 * (and on FerretDB it is evaluated in the proxy after reading the rows), so an unbounded text
 * search would read every message ever written; older conversations are still found by ticket
 * number, email, name and subject.
 */
export const SEARCH_TEXT_WINDOW = 20_000;
/** Matching messages looked at per search; several may belong to one conversation. */
const SEARCH_TEXT_HITS = 500;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where an agent's read markers are announced: all of that agent's sockets. */
export interface ReadEvents {
  readChanged(agentId: string, read: ReadMarkerDTO): void;
}

export class WorkspaceService {
  /** Serializes this process's writes to one read marker (STORE.md: FerretDB updates are read-then-write). */
  private readonly locks = new DocLocks();

  constructor(
    private readonly deps: {
      conversations: ConversationModel;
      messages: MessageModel;
      reads: ReadMarkerModel;
      chats: ConversationsService;
      events: ReadEvents;
      /** The conversation's shared "seen by an agent" mark (read receipts), raised with the agent's own marker. */
      receipts?: { agentRead(conversation: ConversationDoc, seq: number): Promise<unknown> };
    },
  ) {}

  /**
   * Replaces the labels. The write goes through the conversations service's per-document lock, so
   * it cannot undo (or be undone by) a concurrent change of another field of the same conversation.
   */
  async setLabels(agent: AgentPrincipal, conversationId: string, labels: string[]): Promise<ConversationDTO> {
    const { chats } = this.deps;
    const conv = await chats.visible({ kind: 'agent', agent }, conversationId);
    const before = conv.labels ?? [];
    if (before.length === labels.length && before.every((l, i) => l === labels[i])) return toConversationDTO(conv);
    await chats.updateDoc(conv._id, { $set: { labels } });
    const fresh = await chats.load(conv._id);
    chats.events.conversationUpdated(fresh, fresh.status === 'queued');
    return toConversationDTO(fresh);
  }

  /** Raises the agent's marker to `seq` (never past the conversation's last message, never down). */
  async markRead(agent: AgentPrincipal, conversationId: string, seq: number): Promise<null> {
    const conv = await this.deps.chats.visible({ kind: 'agent', agent }, conversationId);
    const target = Math.min(seq, conv.lastSeq);
    const id = readMarkerId(agent.id, conversationId);
    const raised = await this.locks.run(id, async () => {
      const current = await this.deps.reads.findById(id).lean();
      if (current && current.seq >= target) return null;
      const now = new Date();
      try {
        // $max keeps it monotonic on MongoDB even across nodes; the lock does so on one FerretDB node.
        await this.deps.reads.updateOne(
          { _id: id },
          { $max: { seq: target }, $set: { updatedAt: now }, $setOnInsert: { agentId: new Types.ObjectId(agent.id), conversationId: conv._id } },
          { upsert: true },
        );
      } catch (err) {
        // Two nodes inserting the same marker at once: the other's insert won; raise it instead.
        if (!isConflict(err)) throw err;
        await this.deps.reads.updateOne({ _id: id }, { $max: { seq: target }, $set: { updatedAt: now } });
      }
      const stored = await this.deps.reads.findById(id).lean();
      return stored ? stored.seq : target;
    });
    // Also when this agent's own marker stayed: the receipt is every agent's, and may lag it.
    await this.deps.receipts?.agentRead(conv, target);
    if (raised !== null) {
      // Counted after the raise, so every tab gets the count that goes with the new marker.
      const [read] = await this.withUnread([conv._id], new Map([[conv._id.toHexString(), raised]]));
      if (read) this.deps.events.readChanged(agent.id, read);
    }
    return null;
  }

  /**
   * The agent's markers and unread counts for the conversations asked about (one that was never
   * opened: seq 0, every customer message unread), or without ids for the conversations whose
   * markers moved last. Unknown ids are left out.
   */
  async reads(agent: AgentPrincipal, conversationIds: string[] | undefined): Promise<ReadMarkerDTO[]> {
    const { reads } = this.deps;
    const markers = new Map<string, number>();
    let ids: string[];
    if (conversationIds) {
      ids = [...new Set(conversationIds)];
      if (!ids.length) return [];
      const docs = await reads.find({ _id: { $in: ids.map((c) => readMarkerId(agent.id, c)) } }).lean();
      for (const d of docs) markers.set(d.conversationId.toHexString(), d.seq);
    } else {
      const docs = await reads.find({ agentId: new Types.ObjectId(agent.id) }).sort({ updatedAt: -1 }).limit(READS_LIST_MAX).lean();
      for (const d of docs) markers.set(d.conversationId.toHexString(), d.seq);
      ids = [...markers.keys()];
    }
    return this.withUnread(ids.map((id) => new Types.ObjectId(id)), markers);
  }

  /** Markers (absent: 0) with the customer messages after them: one read of the conversations, one count for all. */
  private async withUnread(ids: Types.ObjectId[], markers: ReadonlyMap<string, number>): Promise<ReadMarkerDTO[]> {
    const { conversations, messages } = this.deps;
    if (!ids.length) return [];
    const convs = await conversations.find({ _id: { $in: ids } }).select({ lastSeq: 1 }).lean();
    const ranges = convs.map((c) => {
      const conversationId = c._id.toHexString();
      return { _id: c._id, conversationId, seq: markers.get(conversationId) ?? 0, lastSeq: c.lastSeq };
    });
    const open = ranges.filter((r) => r.lastSeq > r.seq);
    const counts = new Map<string, number>();
    if (open.length) {
      // One count per conversation: equality on conversationId is what FerretDB pushes down to its
      // backend (an $or of ranges it would evaluate over every message in the proxy), and on
      // MongoDB each count is a range of the (conversationId, seq) index.
      const rows = await Promise.all(
        open.map(async (r) => [r.conversationId, await messages.countDocuments({ conversationId: r._id, seq: { $gt: r.seq, $lte: r.lastSeq }, authorType: 'visitor' })] as const),
      );
      for (const [id, n] of rows) counts.set(id, n);
    }
    return ranges.map((r) => ({ conversationId: r.conversationId, seq: r.seq, unread: counts.get(r.conversationId) ?? 0, lastSeq: r.lastSeq }));
  }

  /**
   * Chats and tickets matching `q`: the ticket number (exact, "#" optional; listed first), the
   * visitor's email (case-insensitive prefix), the visitor's name or the ticket's subject
   * (case-insensitive, anywhere), and the text of recent messages (see SEARCH_TEXT_WINDOW).
   * The rest by latest activity, newest first.
   */
  async search(q: string, limit: number): Promise<ConversationDTO[]> {
    const { conversations } = this.deps;
    const text = escapeRegex(q);
    const number = /^#?(\d{1,9})$/.exec(q);
    const or: Record<string, unknown>[] = [
      { visitorEmail: { $regex: `^${text}`, $options: 'i' } },
      { visitorName: { $regex: text, $options: 'i' } },
      { subject: { $regex: text, $options: 'i' } },
    ];
    if (number) or.unshift({ ticketNumber: Number(number[1]) });
    const [byFields, textIds] = await Promise.all([
      conversations.find({ $or: or }).sort({ lastActivityAt: -1 }).limit(limit).lean(),
      this.conversationsWithText(text, limit),
    ]);
    const found = new Map<string, ConversationDoc>(byFields.map((c) => [c._id.toHexString(), c]));
    const missing = textIds.filter((id) => !found.has(id.toHexString()));
    if (missing.length) for (const c of await conversations.find({ _id: { $in: missing } }).lean()) found.set(c._id.toHexString(), c);
    const exact = number ? Number(number[1]) : null;
    const rank = (c: ConversationDoc) => (exact !== null && c.ticketNumber === exact ? 1 : 0);
    return [...found.values()]
      .sort((a, b) => rank(b) - rank(a) || b.lastActivityAt.getTime() - a.lastActivityAt.getTime())
      .slice(0, limit)
      .map((c) => toConversationDTO(c));
  }

  /** Conversations whose recent messages contain the (escaped) pattern, most recent hit first. */
  private async conversationsWithText(pattern: string, limit: number): Promise<Types.ObjectId[]> {
    const { messages } = this.deps;
    // The oldest message still inside the window: on MongoDB a walk of the _id index.
    const edge = await messages.find({}).select({ _id: 1 }).sort({ _id: -1 }).skip(SEARCH_TEXT_WINDOW - 1).limit(1).lean();
    const filter: Record<string, unknown> = { authorType: { $ne: 'system' }, body: { $regex: pattern, $options: 'i' } };
    if (edge[0]) filter._id = { $gte: edge[0]._id };
    const hits = await messages.find(filter).select({ conversationId: 1 }).sort({ _id: -1 }).limit(SEARCH_TEXT_HITS).lean();
    const ids = new Map<string, Types.ObjectId>();
    for (const h of hits) {
      if (ids.size >= limit) break;
      ids.set(h.conversationId.toHexString(), h.conversationId);
    }
    return [...ids.values()];
  }
}
