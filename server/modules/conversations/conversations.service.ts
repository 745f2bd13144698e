/**
 * Conversations: one ordered stream of messages per conversation (DESIGN.md, "The one stream").
 *
 * Sequence numbers are gapless and assigned by the server: a writer reads the conversation's
 * lastSeq n, inserts its message as n+1, and only then raises lastSeq with $max. The unique index
 * on (conversationId, seq) refuses a second writer of n+1, who re-reads and tries n+2. So a
 * message n+1 is stored only after n is, which is what lets clients fill any gap with one sync.
 * The unique index on (conversationId, clientId) turns a resend into a lookup of the original.
 */
import { Types, type UpdateQuery } from 'mongoose';
import type { AttachmentDTO, Locale, SystemEvent, ConversationDTO, MessageDTO, QueueSnapshot, SyncResult } from '../../../shared/types.js';
import { SYNC_PAGE_SIZE } from '../../../shared/limits.js';
import type { ReadReceiptsDTO } from '../../../shared/visitor-features.js';
import type { StartConversationInput, SyncInput } from '../../../shared/schemas/index.js';
import { DEFAULT_PRECHAT, type PrechatSettings } from '../../../shared/visitor-features.js';
import { AppError, forbidden, isConflict, notFound } from '../../http/errors.js';
import type { Claims } from '../../store/claims.js';
import { DocLocks } from '../../store/doc-locks.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import { customerKey, type CustomerPrincipal } from '../customers/customer-identity.js';
import { parseRecent, RECENT_MESSAGES, toConversationDTO, withRecent, type Audience, type ConversationDoc, type ConversationModel } from './conversation.model.js';
import { toMessageDTO, type MessageDoc, type MessageModel } from './message.model.js';
import { checkPrechat } from './prechat-answers.js';

export type Actor = { kind: 'visitor'; customer: CustomerPrincipal } | { kind: 'agent'; agent: AgentPrincipal };

export const audienceOf = (actor: Actor): Audience => (actor.kind === 'agent' ? 'agent' : 'customer');
export const actorKey = (actor: Actor): string => (actor.kind === 'agent' ? `agent:${actor.agent.id}` : customerKey(actor.customer));

/** What tickets add to the life of a conversation; set by the tickets module. */
export interface TicketHooks {
  /** After a chat ended: an unresolved chat with a known email becomes a pending ticket. */
  afterEnd(conversation: ConversationDoc, by: 'visitor' | 'agent', resolved: boolean): Promise<void>;
  /** After a customer's message on a ticket: a pending or solved ticket reopens. */
  afterCustomerMessage(conversation: ConversationDoc): Promise<void>;
}

/**
 * Alerts for people who are not looking; set by the notifications module. `record` writes the
 * alert jobs a message causes, keyed by the message's id, before the message's write is acknowledged.
 */
export interface AlertRecorder {
  record(conversation: ConversationDoc, message: { id: Types.ObjectId; authorType: 'visitor' | 'agent' | 'system'; system: SystemEvent | null }): Promise<void>;
}

/**
 * Capacity and routing; set by the routing module. Each live chat of an agent holds one of the
 * agent's capacity slots (a claim per slot, so no agent exceeds maxChats on any number of nodes).
 */
export interface RoutingHooks {
  /** Takes one of the agent's free slots for the chat (again for the same chat: true); false when the agent is full. */
  reserveSlot(agentId: string, conversationId: string): Promise<boolean>;
  releaseSlot(agentId: string, conversationId: string): Promise<void>;
  /** A chat was queued, assigned, ended or left the queue: route the site's queue, tell its waiting visitors. */
  changed(conversation: ConversationDoc): void;
}

/** The chat form each site asks visitors to fill in; set by the sites module. */
export interface PrechatForms {
  prechat(siteKey: string): Promise<PrechatSettings>;
}

/** Turns uploaded files into a message's attachments; set by the uploads module. */
export interface AttachmentBinder {
  bind(ids: readonly string[], uploaderKey: string, conversationId: string): Promise<AttachmentDTO[]>;
}

/** The conversations a customer may open: their visitor's anonymous ones, a logged-in user's, a guest's ticket. */
export function customerFilter(c: CustomerPrincipal): Record<string, unknown> {
  const or: Record<string, unknown>[] = [];
  if (c.visitorId) or.push({ visitorId: new Types.ObjectId(c.visitorId), customerUserId: null });
  if (c.user) or.push({ siteKey: c.siteKey, customerUserId: c.user.id });
  if (c.guestOf) or.push({ _id: new Types.ObjectId(c.guestOf), ticketNumber: { $ne: null } });
  return or.length === 1 ? or[0]! : { $or: or };
}

/**
 * One open chat at a time: per logged-in user (on any device), else per browser. Keyed by the
 * user when there is one, so the next user of a shared computer never lands in the last one's chat.
 */
function openChatKey(siteKey: string, visitorId: string, userId: string | null): string {
  return userId ? `open-chat:user:${siteKey}:${userId}` : `open-chat:${visitorId}`;
}

export function customerMaySee(c: CustomerPrincipal, conv: ConversationDoc): boolean {
  if (c.guestOf && conv._id.toHexString() === c.guestOf && conv.ticketNumber != null) return true;
  // A chat of a logged-in user belongs to that user, not to the browser: on a shared computer the
  // next user of the same visitor token must not see it.
  if (conv.customerUserId) return !!c.user && c.user.id === conv.customerUserId && c.siteKey === conv.siteKey;
  return !!c.visitorId && conv.visitorId.toHexString() === c.visitorId;
}

/** What the realtime layer does with changes; the service stays free of Socket.IO. */
export interface ConversationEvents {
  messageCreated(conversation: ConversationDoc, message: MessageDTO): void;
  /** `queueChanged`: the queue view must hear of it (queued now, or just left the queue). */
  conversationUpdated(conversation: ConversationDoc, queueChanged: boolean): void;
}

const PREVIEW_LENGTH = 140;
/** A claim whose chat does not exist yet is being acted on for this long; older, its writer crashed. */
const CLAIM_SETTLE_MS = 10_000;
const MAX_APPEND_ATTEMPTS = 50;

export class ConversationsService {
  ticketHooks: TicketHooks | null = null;
  attachments: AttachmentBinder | null = null;
  alerts: AlertRecorder | null = null;
  routing: RoutingHooks | null = null;
  /** Read receipts for every page; set by the receipts module (without it, zeros). */
  receipts: { get(conversationId: string): Promise<ReadReceiptsDTO> } | null = null;
  /** The sites' chat forms; without it every site has the built-in one. */
  forms: PrechatForms | null = null;
  /** Message pages being read, by conversation and starting point (messagesAfter). */
  private readonly pendingPages = new Map<string, Promise<MessageDoc[]>>();

  constructor(
    private readonly conversations: ConversationModel,
    private readonly messages: MessageModel,
    private readonly claims: Claims,
    readonly events: ConversationEvents,
    private readonly locks: DocLocks = new DocLocks(),
    /**
     * Whether a conversation's lastSeq can be trusted to cover every stored message, so that a sync
     * may stop there (messagesAfter). Its updates go one at a time in this process (DocLocks), and
     * MongoDB applies `$max` atomically; but with several nodes on FerretDB another node's update of
     * the document, read before ours and written after, can put lastSeq back (STORE.md): false then.
     */
    private readonly lastSeqExact = true,
  ) {}

  /**
   * Every update of a conversation document goes through here, one at a time per conversation in
   * this process: on FerretDB concurrent updates of one document lose each other's fields (DocLocks).
   */
  updateDoc(id: Types.ObjectId, update: UpdateQuery<ConversationDoc>, condition: Record<string, unknown> = {}) {
    return this.locked(id, () => this.conversations.updateOne({ _id: id, ...condition }, update));
  }

  /** Writes to one conversation document from this node go one at a time (STORE.md: whole-document rewrites). */
  private locked<T>(id: Types.ObjectId, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(`conversation:${id.toHexString()}`, fn);
  }

  /**
   * Starts a chat, or returns the visitor's chat that is still open (one at a time, like every chat product).
   * `beforeCreate` runs only when a new chat is about to be stored (a limit on new chats throws from it).
   */
  async start(customer: CustomerPrincipal, input: StartConversationInput & { locale?: Locale }, beforeCreate?: () => Promise<void>): Promise<SyncResult> {
    if (!customer.visitorId) throw forbidden('Start a chat from the chat widget on the site');
    const visitorId = customer.visitorId;
    // Checked before anything is stored or claimed: a refused form leaves no trace.
    const form = (await this.forms?.prechat(customer.siteKey)) ?? DEFAULT_PRECHAT;
    const answers = checkPrechat(form, input, customer.user);
    const openClaim = openChatKey(customer.siteKey, visitorId, customer.user?.id ?? null);
    for (let attempt = 0; attempt < 50; attempt++) {
      const id = new Types.ObjectId();
      if (!(await this.claims.take(openClaim, id.toHexString()))) {
        const held = await this.claims.get(openClaim);
        const open = held && (await this.conversations.findById(held.owner).lean());
        if (open && open.status !== 'ended' && customerMaySee(customer, open)) return this.page(open, 0, 'customer');
        if (held && !open && Date.now() - held.createdAt.getTime() < CLAIM_SETTLE_MS) {
          // Another tab holds the claim and is creating its chat this very moment: wait for it.
          await new Promise((r) => setTimeout(r, 40));
          continue;
        }
        // The claim outlived its chat (a crash between ending and releasing, or before creating): drop it and retry.
        if (held) await this.claims.release(openClaim, held.owner);
        continue;
      }
      if (beforeCreate) {
        try {
          await beforeCreate();
        } catch (err) {
          await this.claims.release(openClaim, id.toHexString());
          throw err;
        }
      }
      const now = new Date();
      const conv = await this.conversations.create({
        _id: id,
        siteKey: customer.siteKey,
        status: 'queued',
        visitorId: new Types.ObjectId(visitorId),
        visitorName: answers.name,
        visitorEmail: answers.email,
        visitorFields: answers.fields,
        customerUserId: customer.user?.id ?? null,
        locale: input.locale ?? 'en',
        pageUrl: input.pageUrl ?? null,
        createdAt: now,
        queuedAt: now,
        lastActivityAt: now,
      });
      await this.appendSystem(conv._id, { kind: 'chat.started' }, 'start');
      const fresh = await this.load(conv._id);
      this.events.conversationUpdated(fresh, true);
      this.routing?.changed(fresh);
      return this.page(fresh, 0, 'customer');
    }
    throw new AppError('UNAVAILABLE', 'Could not start the chat; please try again');
  }

  /** The visitor's open chat, else the latest conversation they may see. */
  async current(customer: CustomerPrincipal): Promise<ConversationDTO | null> {
    if (customer.visitorId) {
      const held = await this.claims.get(openChatKey(customer.siteKey, customer.visitorId, customer.user?.id ?? null));
      if (held) {
        const open = await this.conversations.findById(held.owner).lean();
        if (open && open.status !== 'ended' && customerMaySee(customer, open)) return toConversationDTO(open, 'customer');
      }
    }
    const latest = await this.conversations.find(customerFilter(customer)).sort({ createdAt: -1 }).limit(1).lean();
    return latest[0] ? toConversationDTO(latest[0], 'customer') : null;
  }

  async sync(actor: Actor, input: SyncInput): Promise<SyncResult> {
    const conv = await this.visible(actor, input.conversationId);
    return this.page(conv, input.afterSeq, audienceOf(actor));
  }

  async send(actor: Actor, input: { conversationId: string; clientId: string; body: string; attachmentIds?: string[] | undefined }): Promise<MessageDTO> {
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
        ? { authorType: 'visitor' as const, authorId: new Types.ObjectId(actor.customer.visitorId ?? conv.visitorId), authorName: conv.visitorName }
        : { authorType: 'agent' as const, authorId: new Types.ObjectId(actor.agent.id), authorName: actor.agent.name };
    const ids = input.attachmentIds ?? [];
    if (ids.length && !this.attachments) throw new AppError('UNAVAILABLE', 'Attachments are not available');
    const attachments = ids.length ? await this.attachments!.bind(ids, actorKey(actor), conv._id.toHexString()) : [];
    const { message, created, conversation } = await this.append(conv._id, { clientId: input.clientId, body: input.body, system: null, attachments, ...author }, conv);
    if (created) {
      // A customer's reply may reopen a ticket: then the conversation is read again after it.
      const reopens = actor.kind === 'visitor' && conv.ticketNumber != null;
      if (reopens) await this.ticketHooks?.afterCustomerMessage(conv);
      await this.announce(conv._id, message, false, reopens ? undefined : conversation);
    } else {
      // A resend: the first attempt may have died between its write and its broadcast (a killed
      // node). Raising lastSeq (a no-op when it is there) and announcing the conversation lets the
      // other side sync the message now rather than with the next one. Not `message:created`: that
      // would repeat alerts for a message the other side may have had.
      await this.updateDoc(conv._id, { $max: { lastSeq: message.seq } });
      this.events.conversationUpdated(await this.load(conv._id), false);
    }
    return message;
  }

  /**
   * Who may write: a live chat takes messages from its visitor and its assigned agent; a ticket
   * takes replies from its customer and any agent until it is closed, when it becomes read-only.
   */
  private sendRefusal(actor: Actor, conv: ConversationDoc): AppError | null {
    if (conv.ticketStatus === 'closed') return new AppError('CONFLICT', `Ticket ${conv.ticketNumber} is closed and read-only; open a follow-up ticket instead`);
    const isTicket = conv.ticketNumber != null;
    if (conv.status === 'ended' && !isTicket) return new AppError('CONFLICT', 'This chat has ended');
    if (actor.kind === 'agent' && !isTicket && !this.isAssigned(conv, actor.agent)) {
      return forbidden(conv.status === 'queued' ? 'Accept the chat before replying' : 'This chat is assigned to another agent');
    }
    if (actor.kind === 'agent' && isTicket && conv.status === 'active' && !this.isAssigned(conv, actor.agent)) {
      return forbidden('This chat is live with another agent; reply once it has ended');
    }
    return null;
  }

  async accept(agent: AgentPrincipal, conversationId: string): Promise<ConversationDTO> {
    const conv = await this.visible({ kind: 'agent', agent }, conversationId);
    if (conv.status !== 'queued') {
      if (conv.agentId?.toHexString() === agent.id) return toConversationDTO(conv);
      throw new AppError('CONFLICT', conv.status === 'ended' ? 'This chat has ended' : 'Another agent already took this chat');
    }
    const result = await this.assign(conv, agent);
    if (result === 'full') throw new AppError('CONFLICT', 'You already have as many live chats as you can take; end one before accepting another');
    if (result === 'taken') throw new AppError('CONFLICT', 'Another agent already took this chat');
    return toConversationDTO(result);
  }

  /**
   * Gives a queued chat to an agent (accept, and the router): first one of the agent's capacity
   * slots, then the claim on this assignment, which exactly one agent wins; a loser gives its slot back.
   */
  async assign(conv: ConversationDoc, agent: { id: string; name: string }): Promise<ConversationDoc | 'full' | 'taken'> {
    const id = conv._id.toHexString();
    if (this.routing && !(await this.routing.reserveSlot(agent.id, id))) return 'full';
    const claimId = `assign:${id}:${conv.assignments + 1}`;
    if (!(await this.claims.take(claimId, `${agent.id}|${agent.name}`))) {
      const held = await this.claims.get(claimId);
      const [ownerId, ownerName] = (held?.owner ?? '').split('|');
      if (ownerId !== agent.id) {
        await this.routing?.releaseSlot(agent.id, id);
        // The winner may have crashed before recording the assignment: finish it on their behalf
        // (a transfer's claim names a team, not an agent: nothing to finish).
        if (ownerId && /^[0-9a-f]{24}$/.test(ownerId)) await this.recordAssignment(conv, ownerId, ownerName ?? '');
        return 'taken';
      }
    }
    return this.recordAssignment(conv, agent.id, agent.name);
  }

  /** Ends the live chat. `resolved` (agents only) keeps an unresolved chat from becoming a pending ticket. */
  async end(actor: Actor, conversationId: string, resolved = false): Promise<ConversationDTO> {
    const conv = await this.visible(actor, conversationId);
    if (conv.status === 'ended') return toConversationDTO(conv, audienceOf(actor));
    if (actor.kind === 'agent' && !this.isAssigned(conv, actor.agent)) throw forbidden('Only the assigned agent can end this chat');
    const by = actor.kind;
    // Both sides may end at once; on FerretDB both updates can "win" (STORE.md), so what must
    // happen once, the "ended" line, is guarded by its fixed client id instead.
    await this.updateDoc(conv._id, { $set: { status: 'ended', endedAt: new Date(), endedBy: by } }, { status: { $ne: 'ended' } });
    await this.claims.release(openChatKey(conv.siteKey, conv.visitorId.toHexString(), conv.customerUserId), conv._id.toHexString());
    if (conv.agentId) await this.routing?.releaseSlot(conv.agentId.toHexString(), conv._id.toHexString());
    const endedBy = actor.kind === 'agent' ? { agentId: actor.agent.id, agentName: actor.agent.name } : {};
    const ended = await this.appendSystem(conv._id, { kind: 'chat.ended', by, ...endedBy }, 'end');
    if (ended.created) {
      await this.announce(conv._id, ended.message, true);
      await this.ticketHooks?.afterEnd(await this.load(conv._id), by, resolved);
    }
    return toConversationDTO(await this.load(conv._id), audienceOf(actor));
  }

  /** Leaves the live queue or chat without an "ended" line of its own (the ticket's line says it). */
  async closeLive(conv: ConversationDoc, by: 'visitor' | 'agent'): Promise<void> {
    await this.updateDoc(conv._id, { $set: { status: 'ended', endedAt: new Date(), endedBy: by } }, { status: { $ne: 'ended' } });
    await this.claims.release(openChatKey(conv.siteKey, conv.visitorId.toHexString(), conv.customerUserId), conv._id.toHexString());
    if (conv.agentId) await this.routing?.releaseSlot(conv.agentId.toHexString(), conv._id.toHexString());
  }

  async queue(agent: AgentPrincipal): Promise<QueueSnapshot> {
    const [queued, mine] = await Promise.all([
      this.conversations.find({ status: 'queued' }).sort({ queuedAt: 1 }).limit(500).lean(),
      this.conversations.find({ agentId: new Types.ObjectId(agent.id), status: 'active' }).sort({ acceptedAt: 1 }).lean(),
    ]);
    return { queued: queued.map((c) => toConversationDTO(c)), mine: mine.map((c) => toConversationDTO(c)) };
  }

  /** Loads a conversation the actor may see, or NOT_FOUND (never revealing that another's exists). */
  async visible(actor: Actor, conversationId: string): Promise<ConversationDoc> {
    const conv = Types.ObjectId.isValid(conversationId) ? await this.conversations.findById(conversationId).lean() : null;
    if (!conv) throw notFound('Conversation');
    // Agents and admins see every conversation; customers only their own.
    if (actor.kind === 'visitor' && !customerMaySee(actor.customer, conv)) throw notFound('Conversation');
    return conv;
  }

  isAssigned(conv: ConversationDoc, agent: AgentPrincipal): boolean {
    return conv.status === 'active' && (conv.agentId?.toHexString() === agent.id || agent.role === 'admin');
  }

  /**
   * Records the assignment the claim decided. Idempotent, because the claim's loser may run it for
   * a winner that crashed while the winner runs it too: the same values are set, and the "joined"
   * line has a fixed client id, so the unique index stores it once.
   */
  private async recordAssignment(conv: ConversationDoc, agentId: string, agentName: string): Promise<ConversationDoc> {
    const assignment = conv.assignments + 1;
    await this.updateDoc(
      conv._id,
      { $set: { status: 'active', agentId: new Types.ObjectId(agentId), agentName, acceptedAt: new Date(), assignments: assignment } },
      { status: 'queued', assignments: conv.assignments },
    );
    const joined = await this.appendSystem(conv._id, { kind: 'agent.joined', agentName }, `assign-${assignment}`);
    if (joined.created) await this.announce(conv._id, joined.message, true);
    return this.load(conv._id);
  }

  /** `key` names a one-time event (e.g. the end): storing it twice is refused by the unique index. */
  appendSystem(conversationId: Types.ObjectId, system: SystemEvent, key: string): Promise<{ message: MessageDTO; created: boolean }> {
    return this.append(conversationId, { clientId: `sys-${key}`, body: '', system, attachments: [], authorType: 'system', authorId: null, authorName: null });
  }

  /** Stores a message at the next seq; see the file comment for why this is safe on FerretDB too. */
  async append(
    conversationId: Types.ObjectId,
    m: { clientId: string; body: string; system: SystemEvent | null; attachments: AttachmentDTO[]; authorType: 'visitor' | 'agent' | 'system'; authorId: Types.ObjectId | null; authorName: string | null },
    /** The conversation as the caller just read it, saving the first attempt a read. */
    known?: ConversationDoc,
  ): Promise<{ message: MessageDTO; created: boolean; conversation?: ConversationDoc }> {
    // Chosen up front so that the message's alert jobs, keyed by it, are written alongside.
    const _id = new Types.ObjectId();
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const conv = attempt === 0 && known ? known : await this.load(conversationId);
      const seq = conv.lastSeq + 1;
      const createdAt = new Date();
      try {
        const [doc] = await Promise.all([
          this.messages.create({ _id, conversationId, seq, createdAt, ...m }),
          this.alerts?.record(conv, { id: _id, authorType: m.authorType, system: m.system }),
        ]);
        // From the conversation as read for this seq: message seq-1's update had landed (or the insert would have conflicted).
        const set: Record<string, unknown> = { lastActivityAt: createdAt, recent: withRecent(conv.recent, seq, _id.toHexString()) };
        if (!m.system) Object.assign(set, { lastMessageAt: createdAt, preview: previewOf(m.body, m.attachments) });
        // The conversation as it is now comes back with the update: the announcement needs it, and
        // on FerretDB every lookup costs a scan of the collection (bench/, latency).
        const conversation = await this.locked(conversationId, () =>
          this.conversations.findOneAndUpdate({ _id: conversationId }, { $max: { lastSeq: seq }, $set: set }, { returnDocument: 'after' }).lean(),
        );
        return { message: toMessageDTO(doc.toObject()), created: true, ...(conversation ? { conversation } : {}) };
      } catch (err) {
        if (!isConflict(err)) throw err;
        const dup = await this.messages.findOne({ conversationId, clientId: m.clientId }).lean();
        if (dup) {
          // A resend: if the first write's alert jobs were lost with its ack, write them now.
          await this.alerts?.record(conv, { id: dup._id, authorType: dup.authorType, system: dup.system });
          return { message: toMessageDTO(dup), created: false };
        }
        // seq was taken. Normally its writer raises lastSeq in a moment; if it crashed before
        // that, catch lastSeq up from the messages themselves so nobody waits forever.
        const top = await this.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).lean();
        if (top[0]) await this.updateDoc(conversationId, { $max: { lastSeq: top[0].seq } });
      }
    }
    throw new AppError('UNAVAILABLE', 'The conversation is busy; please try again');
  }

  /** `known`: the conversation as the message's write returned it, saving a read. */
  async announce(conversationId: Types.ObjectId, message: MessageDTO, statusChanged: boolean, known?: ConversationDoc): Promise<void> {
    const conv = known ?? (await this.load(conversationId));
    this.events.messageCreated(conv, message);
    this.events.conversationUpdated(conv, statusChanged || conv.status === 'queued');
    if (statusChanged) this.routing?.changed(conv);
  }

  async page(conv: ConversationDoc, afterSeq: number, audience: Audience): Promise<SyncResult> {
    const conversationId = conv._id.toHexString();
    const [docs, receipts] = await Promise.all([
      this.messagesAfter(conv, afterSeq),
      this.receipts?.get(conversationId) ?? { conversationId, visitorSeq: 0, agentSeq: 0 },
    ]);
    const hasMore = docs.length > SYNC_PAGE_SIZE;
    return { conversation: toConversationDTO(conv, audience), messages: docs.slice(0, SYNC_PAGE_SIZE).map(toMessageDTO), hasMore, receipts };
  }

  /**
   * Up to a page (+1, to tell whether there is more) of messages after `afterSeq`. FerretDB's SQLite
   * backend answers this by reading every message stored (STORE.md), so where lastSeq is exact it is
   * not asked when the conversation says nothing is newer (lastSeq is raised only after its message
   * is stored), and the same question asked again while it runs (a client retrying a slow sync)
   * shares the answer.
   */
  private async messagesAfter(conv: ConversationDoc, afterSeq: number): Promise<MessageDoc[]> {
    if (this.lastSeqExact) {
      if (afterSeq >= conv.lastSeq) return [];
      const recent = await this.recentAfter(conv, afterSeq);
      if (recent) return recent;
    }
    const key = `${conv._id.toHexString()}|${afterSeq}`;
    let pending = this.pendingPages.get(key);
    if (!pending) {
      pending = this.messages
        .find({ conversationId: conv._id, seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .limit(SYNC_PAGE_SIZE + 1)
        .lean<MessageDoc[]>()
        .exec()
        .finally(() => this.pendingPages.delete(key));
      this.pendingPages.set(key, pending);
    }
    return pending;
  }

  /**
   * The messages after `afterSeq` read one by one by _id from the conversation's recent entries, when
   * the gap is that small and each of its seqs has one; null sends the caller to the query.
   */
  private async recentAfter(conv: ConversationDoc, afterSeq: number): Promise<MessageDoc[] | null> {
    if (conv.lastSeq - afterSeq > RECENT_MESSAGES) return null;
    const recent = parseRecent(conv.recent);
    const ids: string[] = [];
    for (let seq = afterSeq + 1; seq <= conv.lastSeq; seq++) {
      const id = recent.get(seq);
      if (!id) return null;
      ids.push(id);
    }
    const docs = await Promise.all(ids.map((id) => this.messages.findById(id).lean<MessageDoc>()));
    if (docs.some((d, k) => !d || d.seq !== afterSeq + 1 + k || !d.conversationId.equals(conv._id))) return null;
    return docs as MessageDoc[];
  }

  async load(id: Types.ObjectId): Promise<ConversationDoc> {
    const conv = await this.conversations.findById(id).lean();
    if (!conv) throw notFound('Conversation');
    return conv;
  }
}

function previewOf(body: string, attachments: AttachmentDTO[]): string {
  if (body) return body.slice(0, PREVIEW_LENGTH);
  return attachments.map((a) => a.name).join(', ').slice(0, PREVIEW_LENGTH);
}
