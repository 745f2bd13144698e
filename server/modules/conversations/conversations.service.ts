/**
 * Conversations: one ordered stream of messages per conversation (DESIGN.md, "The one stream").
 *
 * Sequence numbers are gapless and assigned by the server: a writer reads the conversation's
 * lastSeq n, inserts its message as n+1, and only then raises lastSeq with $max. The unique index
 * on (conversationId, seq) refuses a second writer of n+1, who re-reads and tries n+2. So a
 * message n+1 is stored only after n is, which is what lets clients fill any gap with one sync.
 * The unique index on (conversationId, clientId) turns a resend into a lookup of the original.
 */
import { Types } from 'mongoose';
import type { Locale, SystemEvent, ConversationDTO, MessageDTO, QueueSnapshot, SyncResult } from '../../../shared/types.js';
import { SYNC_PAGE_SIZE } from '../../../shared/limits.js';
import type { StartConversationInput, SyncInput } from '../../../shared/schemas/index.js';
import { AppError, forbidden, isConflict, notFound } from '../../http/errors.js';
import type { Claims } from '../../store/claims.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import type { VisitorPrincipal } from '../visitors/visitors.service.js';
import { toConversationDTO, type ConversationDoc, type ConversationModel } from './conversation.model.js';
import { toMessageDTO, type MessageModel } from './message.model.js';

export type Actor = { kind: 'visitor'; visitor: VisitorPrincipal } | { kind: 'agent'; agent: AgentPrincipal };

/** What the realtime layer does with changes; the service stays free of Socket.IO. */
export interface ConversationEvents {
  messageCreated(conversation: ConversationDoc, message: MessageDTO): void;
  /** `queueChanged`: the queue view must hear of it (queued now, or just left the queue). */
  conversationUpdated(conversation: ConversationDoc, queueChanged: boolean): void;
}

const PREVIEW_LENGTH = 140;
const MAX_APPEND_ATTEMPTS = 50;

export class ConversationsService {
  constructor(
    private readonly conversations: ConversationModel,
    private readonly messages: MessageModel,
    private readonly claims: Claims,
    private readonly events: ConversationEvents,
  ) {}

  /** Starts a chat, or returns the visitor's chat that is still open (one at a time, like every chat product). */
  async start(visitor: VisitorPrincipal, input: StartConversationInput & { locale?: Locale }): Promise<SyncResult> {
    const openClaim = `open-chat:${visitor.id}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = new Types.ObjectId();
      if (!(await this.claims.take(openClaim, id.toHexString()))) {
        const held = await this.claims.get(openClaim);
        const open = held && (await this.conversations.findById(held.owner).lean());
        if (open && open.status !== 'ended') return this.page(open, 0);
        // The claim outlived its chat (a crash between ending and releasing): drop it and retry.
        if (held) await this.claims.release(openClaim, held.owner);
        continue;
      }
      const now = new Date();
      const conv = await this.conversations.create({
        _id: id,
        siteKey: visitor.siteKey,
        status: 'queued',
        visitorId: new Types.ObjectId(visitor.id),
        visitorName: input.name || null,
        visitorEmail: input.email || null,
        locale: input.locale ?? 'en',
        pageUrl: input.pageUrl ?? null,
        createdAt: now,
        queuedAt: now,
      });
      await this.appendSystem(conv._id, { kind: 'chat.started' }, 'start');
      const fresh = await this.load(conv._id);
      this.events.conversationUpdated(fresh, true);
      return this.page(fresh, 0);
    }
    throw new AppError('UNAVAILABLE', 'Could not start the chat; please try again');
  }

  /** The visitor's open chat, else the latest one. */
  async current(visitor: VisitorPrincipal): Promise<ConversationDTO | null> {
    const held = await this.claims.get(`open-chat:${visitor.id}`);
    if (held) {
      const open = await this.conversations.findById(held.owner).lean();
      if (open && open.status !== 'ended') return toConversationDTO(open);
    }
    const latest = await this.conversations.find({ visitorId: new Types.ObjectId(visitor.id) }).sort({ createdAt: -1 }).limit(1).lean();
    return latest[0] ? toConversationDTO(latest[0]) : null;
  }

  async sync(actor: Actor, input: SyncInput): Promise<SyncResult> {
    const conv = await this.visible(actor, input.conversationId);
    return this.page(conv, input.afterSeq);
  }

  async send(actor: Actor, input: { conversationId: string; clientId: string; body: string }): Promise<MessageDTO> {
    const conv = await this.visible(actor, input.conversationId);
    const refusal = this.sendRefusal(actor, conv);
    if (refusal) {
      // A resend of a message stored before the chat ended (or moved) still returns it: nothing
      // acknowledged is lost. Otherwise the unique index answers resends, so no lookup on the hot path.
      const existing = await this.messages.findOne({ conversationId: conv._id, clientId: input.clientId }).lean();
      if (existing) return toMessageDTO(existing);
      throw refusal;
    }
    const author =
      actor.kind === 'visitor'
        ? { authorType: 'visitor' as const, authorId: new Types.ObjectId(actor.visitor.id), authorName: conv.visitorName }
        : { authorType: 'agent' as const, authorId: new Types.ObjectId(actor.agent.id), authorName: actor.agent.name };
    const { message, created } = await this.append(conv._id, { clientId: input.clientId, body: input.body, system: null, ...author }, conv);
    if (created) await this.announce(conv._id, message, false);
    return message;
  }

  private sendRefusal(actor: Actor, conv: ConversationDoc): AppError | null {
    if (conv.status === 'ended') return new AppError('CONFLICT', 'This chat has ended');
    if (actor.kind === 'agent' && !this.isAssigned(conv, actor.agent)) {
      return forbidden(conv.status === 'queued' ? 'Accept the chat before replying' : 'This chat is assigned to another agent');
    }
    return null;
  }

  async accept(agent: AgentPrincipal, conversationId: string): Promise<ConversationDTO> {
    const conv = await this.visible({ kind: 'agent', agent }, conversationId);
    if (conv.status !== 'queued') {
      if (conv.agentId?.toHexString() === agent.id) return toConversationDTO(conv);
      throw new AppError('CONFLICT', conv.status === 'ended' ? 'This chat has ended' : 'Another agent already took this chat');
    }
    const claimId = `assign:${conv._id.toHexString()}:${conv.assignments + 1}`;
    if (!(await this.claims.take(claimId, `${agent.id}|${agent.name}`))) {
      const held = await this.claims.get(claimId);
      const [ownerId, ownerName] = (held?.owner ?? '').split('|');
      // The winner may have crashed before recording the assignment: finish it on their behalf.
      if (ownerId && ownerId !== agent.id) await this.recordAssignment(conv, ownerId, ownerName ?? '');
      if (ownerId !== agent.id) throw new AppError('CONFLICT', 'Another agent already took this chat');
    }
    return toConversationDTO(await this.recordAssignment(conv, agent.id, agent.name));
  }

  async end(actor: Actor, conversationId: string): Promise<ConversationDTO> {
    const conv = await this.visible(actor, conversationId);
    if (conv.status === 'ended') return toConversationDTO(conv);
    if (actor.kind === 'agent' && !this.isAssigned(conv, actor.agent)) throw forbidden('Only the assigned agent can end this chat');
    const by = actor.kind;
    // Both sides may end at once; on FerretDB both updates can "win" (STORE.md), so what must
    // happen once, the "ended" line, is guarded by its fixed client id instead.
    await this.conversations.updateOne({ _id: conv._id, status: { $ne: 'ended' } }, { $set: { status: 'ended', endedAt: new Date(), endedBy: by } });
    await this.claims.release(`open-chat:${conv.visitorId.toHexString()}`, conv._id.toHexString());
    const ended = await this.appendSystem(conv._id, { kind: 'chat.ended', by }, 'end');
    if (ended.created) await this.announce(conv._id, ended.message, true);
    return toConversationDTO(await this.load(conv._id));
  }

  async queue(agent: AgentPrincipal): Promise<QueueSnapshot> {
    const [queued, mine] = await Promise.all([
      this.conversations.find({ status: 'queued' }).sort({ queuedAt: 1 }).limit(500).lean(),
      this.conversations.find({ agentId: new Types.ObjectId(agent.id), status: 'active' }).sort({ acceptedAt: 1 }).lean(),
    ]);
    return { queued: queued.map(toConversationDTO), mine: mine.map(toConversationDTO) };
  }

  /** Loads a conversation the actor may see, or NOT_FOUND (never revealing that another's exists). */
  async visible(actor: Actor, conversationId: string): Promise<ConversationDoc> {
    const conv = Types.ObjectId.isValid(conversationId) ? await this.conversations.findById(conversationId).lean() : null;
    if (!conv) throw notFound('Conversation');
    // Agents and admins see every conversation; visitors only their own.
    if (actor.kind === 'visitor' && conv.visitorId.toHexString() !== actor.visitor.id) throw notFound('Conversation');
    return conv;
  }

  private isAssigned(conv: ConversationDoc, agent: AgentPrincipal): boolean {
    return conv.status === 'active' && (conv.agentId?.toHexString() === agent.id || agent.role === 'admin');
  }

  /**
   * Records the assignment the claim decided. Idempotent, because the claim's loser may run it for
   * a winner that crashed while the winner runs it too: the same values are set, and the "joined"
   * line has a fixed client id, so the unique index stores it once.
   */
  private async recordAssignment(conv: ConversationDoc, agentId: string, agentName: string): Promise<ConversationDoc> {
    const assignment = conv.assignments + 1;
    await this.conversations.updateOne(
      { _id: conv._id, status: 'queued', assignments: conv.assignments },
      { $set: { status: 'active', agentId: new Types.ObjectId(agentId), agentName, acceptedAt: new Date(), assignments: assignment } },
    );
    const joined = await this.appendSystem(conv._id, { kind: 'agent.joined', agentName }, `assign-${assignment}`);
    if (joined.created) await this.announce(conv._id, joined.message, true);
    return this.load(conv._id);
  }

  /** `key` names a one-time event (e.g. the end): storing it twice is refused by the unique index. */
  private appendSystem(conversationId: Types.ObjectId, system: SystemEvent, key: string): Promise<{ message: MessageDTO; created: boolean }> {
    return this.append(conversationId, { clientId: `sys-${key}`, body: '', system, authorType: 'system', authorId: null, authorName: null });
  }

  /** Stores a message at the next seq; see the file comment for why this is safe on FerretDB too. */
  private async append(
    conversationId: Types.ObjectId,
    m: { clientId: string; body: string; system: SystemEvent | null; authorType: 'visitor' | 'agent' | 'system'; authorId: Types.ObjectId | null; authorName: string | null },
    /** The conversation as the caller just read it, saving the first attempt a read. */
    known?: ConversationDoc,
  ): Promise<{ message: MessageDTO; created: boolean }> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const conv = attempt === 0 && known ? known : await this.load(conversationId);
      const seq = conv.lastSeq + 1;
      const createdAt = new Date();
      try {
        const doc = await this.messages.create({ conversationId, seq, createdAt, ...m });
        const set: Record<string, unknown> = {};
        if (!m.system) Object.assign(set, { lastMessageAt: createdAt, preview: m.body.slice(0, PREVIEW_LENGTH) });
        await this.conversations.updateOne({ _id: conversationId }, { $max: { lastSeq: seq }, ...(m.system ? {} : { $set: set }) });
        return { message: toMessageDTO(doc.toObject()), created: true };
      } catch (err) {
        if (!isConflict(err)) throw err;
        const dup = await this.messages.findOne({ conversationId, clientId: m.clientId }).lean();
        if (dup) return { message: toMessageDTO(dup), created: false };
        // seq was taken. Normally its writer raises lastSeq in a moment; if it crashed before
        // that, catch lastSeq up from the messages themselves so nobody waits forever.
        const top = await this.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).lean();
        if (top[0]) await this.conversations.updateOne({ _id: conversationId }, { $max: { lastSeq: top[0].seq } });
      }
    }
    throw new AppError('UNAVAILABLE', 'The conversation is busy; please try again');
  }

  private async announce(conversationId: Types.ObjectId, message: MessageDTO, statusChanged: boolean): Promise<void> {
    const conv = await this.load(conversationId);
    this.events.messageCreated(conv, message);
    this.events.conversationUpdated(conv, statusChanged || conv.status === 'queued');
  }

  private async page(conv: ConversationDoc, afterSeq: number): Promise<SyncResult> {
    const docs = await this.messages
      .find({ conversationId: conv._id, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .limit(SYNC_PAGE_SIZE + 1)
      .lean();
    const hasMore = docs.length > SYNC_PAGE_SIZE;
    return { conversation: toConversationDTO(conv), messages: docs.slice(0, SYNC_PAGE_SIZE).map(toMessageDTO), hasMore };
  }

  private async load(id: Types.ObjectId): Promise<ConversationDoc> {
    const conv = await this.conversations.findById(id).lean();
    if (!conv) throw notFound('Conversation');
    return conv;
  }
}
