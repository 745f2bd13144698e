/**
 * Tickets: a conversation that got a number, a category, a priority and a status. It is the same
 * stream as the chat (DESIGN.md, "The one stream"): nothing is copied, every escalation path only
 * adds ticket fields and a "ticket created" line to the conversation.
 *
 * One ticket per conversation is a claim on the conversation id; one number per ticket is a
 * claim on the number (ticket-numbers.ts). Both hold on FerretDB, where conditional updates can
 * both "win" (STORE.md).
 */
import { Types } from 'mongoose';
import type { AgentTicketListInput, ConvertToTicketInput, CreateTicketInput, LeaveMessageInput, UpdateTicketInput } from '../../../shared/schemas/index.js';
import { CUSTOMER_OPEN_STATUSES, MAX_SUBJECT_LENGTH, type TicketListFilter } from '../../../shared/tickets.js';
import type { ConversationDTO, NoteDTO, SyncResult, TicketChange, TicketListResult, TicketPriority, TicketStatus } from '../../../shared/types.js';
import { AppError, forbidden, isConflict, notFound } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import type { Claims } from '../../store/claims.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import type { AgentModel } from '../auth/agent.model.js';
import { toConversationDTO, type ConversationDoc, type ConversationModel, type StoredChange } from '../conversations/conversation.model.js';
import { customerFilter, type ConversationsService, type TicketHooks } from '../conversations/conversations.service.js';
import type { MessageModel } from '../conversations/message.model.js';
import { customerKey, type CustomerPrincipal } from '../customers/customer-identity.js';
import type { GuestAccess } from '../guests/guest-access.js';
import type { SitesService } from '../sites/sites.service.js';
import { toNoteDTO, type NoteModel } from './note.model.js';
import type { TicketNumbers } from './ticket-numbers.js';

export interface TicketEvents {
  noteCreated(conversation: ConversationDoc, note: NoteDTO): void;
}

type Via = 'form' | 'queue' | 'agent' | 'chat-end';
type ChangeBy = Pick<StoredChange, 'byType' | 'byId' | 'byName'>;

/** A claim of "this conversation is becoming a ticket" older than this belongs to a crashed writer. */
const STALE_CLAIM_MS = 30_000;

export class TicketsService implements TicketHooks {
  constructor(
    private readonly d: {
      conversations: ConversationModel;
      messages: MessageModel;
      notes: NoteModel;
      agents: AgentModel;
      claims: Claims;
      numbers: TicketNumbers;
      chats: ConversationsService;
      sites: SitesService;
      guests: GuestAccess;
      events: TicketEvents;
      log: Logger;
    },
  ) {}

  // ---- escalation ------------------------------------------------------------------------

  /** The offline form, or a follow-up of a closed ticket: a new conversation that is a ticket from the start. */
  async createFromForm(customer: CustomerPrincipal, input: CreateTicketInput & { body: string; category: string; clientId: string }): Promise<SyncResult> {
    if (customer.guestOf) throw forbidden('Open a new ticket from the chat on the site');
    const email = customer.user?.email ?? input.email ?? null;
    if (!email && !customer.user) throw new AppError('VALIDATION', 'Invalid input: email is required so we can reply', [{ path: 'email', message: 'is required' }]);
    const category = await this.d.sites.checkCategory(customer.siteKey, input.category);
    const followUp = input.followUpOf ? await this.followUpTarget(customer, input.followUpOf) : null;

    // A resend of the same form (same client id) returns the ticket the first one created.
    const formClaim = `ticket-form:${customerKey(customer)}:${input.clientId}`;
    let id = new Types.ObjectId();
    if (!(await this.d.claims.take(formClaim, id.toHexString()))) {
      const held = await this.d.claims.get(formClaim);
      if (!held) throw new AppError('UNAVAILABLE', 'Please try again');
      // The same form again: finish what the first attempt did (every step below is idempotent).
      id = new Types.ObjectId(held.owner);
    }

    const now = new Date();
    try {
      await this.d.conversations.create({
        _id: id,
        siteKey: customer.siteKey,
        status: 'ended',
        // A customer-page session has no widget visitor; the ticket belongs to the user instead.
        visitorId: new Types.ObjectId(customer.visitorId ?? undefined),
        visitorName: customer.user?.name || input.name || null,
        visitorEmail: email,
        customerUserId: customer.user?.id ?? null,
        locale: input.locale ?? 'en',
        pageUrl: input.pageUrl ?? null,
        createdAt: now,
        queuedAt: now,
        lastActivityAt: now,
        followUpOf: followUp ? { conversationId: followUp._id.toHexString(), number: followUp.ticketNumber! } : null,
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    if (followUp) await this.d.chats.appendSystem(id, { kind: 'ticket.follow-up', of: followUp.ticketNumber! }, 'follow-up');
    await this.open(id, { via: 'form', category, priority: 'normal', status: 'open', subject: subjectOf(input.body), by: customerBy(customer) });
    await this.d.chats.send({ kind: 'visitor', customer }, { conversationId: id.toHexString(), clientId: input.clientId, body: input.body, attachmentIds: input.attachmentIds });
    return this.d.chats.page(await this.d.chats.load(id), 0, 'customer');
  }

  /** "Leave a message instead": the queued chat leaves the queue as an open ticket. */
  async leaveMessage(customer: CustomerPrincipal, input: LeaveMessageInput): Promise<ConversationDTO> {
    const conv = await this.d.chats.visible({ kind: 'visitor', customer }, input.conversationId);
    if (conv.ticketNumber != null) return toConversationDTO(conv, 'customer');
    if (conv.status === 'active') throw new AppError('CONFLICT', 'An agent has joined the chat; keep chatting here');
    if (conv.status === 'ended') throw new AppError('CONFLICT', 'This chat has ended');
    const email = input.email ?? conv.visitorEmail ?? customer.user?.email ?? null;
    if (!email && !conv.customerUserId) throw new AppError('VALIDATION', 'Invalid input: email is required so we can reply', [{ path: 'email', message: 'is required' }]);
    const categories = await this.d.sites.categories(conv.siteKey);
    const category = input.category ? await this.d.sites.checkCategory(conv.siteKey, input.category) : (categories.find((c) => c.id === 'other') ?? categories[categories.length - 1]!).id;
    if (email && email !== conv.visitorEmail) await this.d.chats.updateDoc(conv._id, { $set: { visitorEmail: email } });
    await this.d.chats.closeLive(conv, 'visitor');
    const subject = await this.firstCustomerLine(conv);
    const ticket = await this.open(conv._id, { via: 'queue', category, priority: 'normal', status: 'open', subject, by: customerBy(customer) });
    return toConversationDTO(ticket, 'customer');
  }

  /** An agent turns a chat into a ticket for follow-up; the ticket is theirs. */
  async convert(agent: AgentPrincipal, input: ConvertToTicketInput & { category: string; priority: TicketPriority }): Promise<ConversationDTO> {
    const conv = await this.d.chats.visible({ kind: 'agent', agent }, input.conversationId);
    if (conv.ticketNumber != null) return toConversationDTO(conv);
    if (conv.status === 'active' && !this.d.chats.isAssigned(conv, agent)) throw forbidden('Only the agent of this chat can turn it into a ticket');
    const category = await this.d.sites.checkCategory(conv.siteKey, input.category);
    if (conv.status === 'queued') await this.d.chats.closeLive(conv, 'agent');
    const subject = input.subject || (await this.firstCustomerLine(conv));
    const ticket = await this.open(conv._id, {
      via: 'agent',
      category,
      priority: input.priority,
      status: 'open',
      subject,
      by: agentBy(agent),
      assignee: conv.agentId ? null : agent,
    });
    return toConversationDTO(ticket);
  }

  /** TicketHooks: a chat that ended unresolved, with an email to reach the visitor, waits on them as a ticket. */
  async afterEnd(conv: ConversationDoc, _by: 'visitor' | 'agent', resolved: boolean): Promise<void> {
    if (resolved || conv.ticketNumber != null) return;
    if (!conv.visitorEmail && !conv.customerUserId) return;
    // A chat where the visitor said nothing needs no follow-up.
    if (!(await this.d.messages.exists({ conversationId: conv._id, authorType: 'visitor' }))) return;
    const categories = await this.d.sites.categories(conv.siteKey);
    const category = (categories.find((c) => c.id === 'other') ?? categories[categories.length - 1]!).id;
    await this.open(conv._id, { via: 'chat-end', category, priority: 'normal', status: 'pending', subject: await this.firstCustomerLine(conv), by: SYSTEM });
  }

  /** TicketHooks: the customer wrote on a ticket waiting on them, or on a solved one: it is open again. */
  async afterCustomerMessage(conv: ConversationDoc): Promise<void> {
    if (conv.ticketStatus !== 'pending' && conv.ticketStatus !== 'solved') return;
    await this.changeStatus(conv, 'open', { byType: 'visitor', byId: null, byName: conv.visitorName });
  }

  // ---- changes ---------------------------------------------------------------------------

  async update(agent: AgentPrincipal, input: UpdateTicketInput): Promise<ConversationDTO> {
    let conv = await this.d.chats.visible({ kind: 'agent', agent }, input.conversationId);
    if (conv.ticketNumber == null) throw new AppError('CONFLICT', 'This conversation is not a ticket; turn it into one first');
    if (conv.ticketStatus === 'closed') throw new AppError('CONFLICT', `Ticket ${conv.ticketNumber} is closed and cannot change; a follow-up ticket can be opened`);
    // Closed is read-only for everyone, so closing a ticket whose chat is still live would cut the chat off mid-sentence.
    if (input.status === 'closed' && conv.status !== 'ended') throw new AppError('CONFLICT', 'The chat is still live; end it before closing the ticket');
    const by = agentBy(agent);
    const set: Record<string, unknown> = {};
    const changes: StoredChange[] = [];
    const at = new Date();
    const change = (field: TicketChange['field'], from: string | null, to: string | null) => changes.push({ at, ...by, field, from, to });

    if (input.priority && input.priority !== conv.priority) {
      change('priority', conv.priority, input.priority);
      set.priority = input.priority;
    }
    if (input.category && input.category !== conv.category) {
      change('category', conv.category, await this.d.sites.checkCategory(conv.siteKey, input.category));
      set.category = input.category;
    }
    if (input.subject && input.subject !== conv.subject) {
      change('subject', conv.subject, input.subject);
      set.subject = input.subject;
    }
    if (input.assigneeId !== undefined && (input.assigneeId ?? null) !== (conv.agentId?.toHexString() ?? null)) {
      if (conv.status === 'active') throw new AppError('CONFLICT', 'The chat is still live; reassign it after it ends');
      let name: string | null = null;
      if (input.assigneeId) {
        const target = await this.d.agents.findById(input.assigneeId).lean();
        if (!target || !target.active) throw new AppError('VALIDATION', 'Invalid input: assigneeId is not an active agent', [{ path: 'assigneeId', message: 'is not an active agent' }]);
        name = target.name;
      }
      change('assignee', conv.agentName, name);
      Object.assign(set, { agentId: input.assigneeId ? new Types.ObjectId(input.assigneeId) : null, agentName: name });
    }
    if (changes.length) {
      await this.d.chats.updateDoc(conv._id, { $set: { ...set, ticketUpdatedAt: at, lastActivityAt: at }, $push: { history: { $each: changes } } });
      conv = await this.d.chats.load(conv._id);
    }
    if (input.status && input.status !== conv.ticketStatus) {
      conv = await this.changeStatus(conv, input.status, by);
    } else if (changes.length) {
      this.d.chats.events.conversationUpdated(conv, false);
    }
    return toConversationDTO(conv);
  }

  // ---- lists -----------------------------------------------------------------------------

  /** "My tickets": newest activity first. */
  async customerList(customer: CustomerPrincipal, filter: TicketListFilter): Promise<ConversationDTO[]> {
    const query: Record<string, unknown> = { ...customerFilter(customer), ticketNumber: { $ne: null } };
    if (filter === 'open') query.ticketStatus = { $in: CUSTOMER_OPEN_STATUSES };
    if (filter === 'closed') query.ticketStatus = 'closed';
    const docs = await this.d.conversations.find(query).sort({ lastActivityAt: -1, _id: -1 }).limit(200).lean();
    return docs.map((c) => toConversationDTO(c, 'customer'));
  }

  async agentList(agent: AgentPrincipal, input: AgentTicketListInput & { limit: number }): Promise<TicketListResult> {
    const and: Record<string, unknown>[] = [{ ticketNumber: { $ne: null } }];
    if (input.status) and.push({ ticketStatus: input.status });
    if (input.category) and.push({ category: input.category });
    if (input.priority) and.push({ priority: input.priority });
    if (input.assigneeId) and.push({ agentId: input.assigneeId === 'none' ? null : new Types.ObjectId(input.assigneeId) });
    if (input.mine) and.push({ agentId: new Types.ObjectId(agent.id) });
    const q = input.q?.trim();
    if (q) {
      const digits = q.replace(/^#/, '');
      if (/^\d{1,12}$/.test(digits)) and.push({ ticketNumber: Number(digits) });
      else if (q.includes('@')) and.push({ visitorEmail: q.toLowerCase() });
      else and.push({ $or: [{ subject: { $regex: escapeRegex(q), $options: 'i' } }, { visitorName: { $regex: escapeRegex(q), $options: 'i' } }] });
    }
    if (input.before) {
      const m = /^(\d{1,15})_([0-9a-f]{24})$/.exec(input.before);
      if (!m) throw new AppError('VALIDATION', 'Invalid input: before is not a cursor from this list', [{ path: 'before', message: 'is not a cursor' }]);
      const t = new Date(Number(m[1]));
      and.push({ $or: [{ lastActivityAt: { $lt: t } }, { lastActivityAt: t, _id: { $lt: new Types.ObjectId(m[2]) } }] });
    }
    const docs = await this.d.conversations.find({ $and: and }).sort({ lastActivityAt: -1, _id: -1 }).limit(input.limit + 1).lean();
    const page = docs.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      tickets: page.map((c) => toConversationDTO(c)),
      nextCursor: docs.length > input.limit && last ? `${last.lastActivityAt.getTime()}_${last._id.toHexString()}` : null,
    };
  }

  // ---- notes -----------------------------------------------------------------------------

  async notes(agent: AgentPrincipal, conversationId: string): Promise<NoteDTO[]> {
    const conv = await this.d.chats.visible({ kind: 'agent', agent }, conversationId);
    const docs = await this.d.notes.find({ conversationId: conv._id }).sort({ createdAt: 1, _id: 1 }).limit(1000).lean();
    return docs.map(toNoteDTO);
  }

  async addNote(agent: AgentPrincipal, input: { conversationId: string; clientId: string; body: string }): Promise<NoteDTO> {
    const conv = await this.d.chats.visible({ kind: 'agent', agent }, input.conversationId);
    try {
      const doc = await this.d.notes.create({
        conversationId: conv._id,
        clientId: input.clientId,
        authorId: new Types.ObjectId(agent.id),
        authorName: agent.name,
        body: input.body,
        createdAt: new Date(),
      });
      const note = toNoteDTO(doc.toObject());
      this.d.events.noteCreated(conv, note);
      return note;
    } catch (err) {
      if (!isConflict(err)) throw err;
      const first = await this.d.notes.findOne({ conversationId: conv._id, clientId: input.clientId }).lean();
      if (!first) throw err;
      return toNoteDTO(first);
    }
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Makes the conversation a ticket, once. Callers may race (an agent converts while the visitor
   * leaves a message): the claim on the conversation lets one through; the others get its result.
   */
  private async open(
    id: Types.ObjectId,
    o: { via: Via; category: string; priority: TicketPriority; status: 'open' | 'pending'; subject: string; by: ChangeBy; assignee?: AgentPrincipal | null },
  ): Promise<ConversationDoc> {
    const claim = `ticket-of:${id.toHexString()}`;
    for (let attempt = 0; attempt < 40; attempt++) {
      if (await this.d.claims.take(claim, 'opening')) break;
      const conv = await this.d.chats.load(id);
      if (conv.ticketNumber != null) return conv;
      const held = await this.d.claims.get(claim);
      if (held && Date.now() - held.createdAt.getTime() > STALE_CLAIM_MS) await this.d.claims.release(claim, held.owner);
      else await new Promise((r) => setTimeout(r, 50));
      if (attempt === 39) throw new AppError('UNAVAILABLE', 'The ticket is being created; please try again');
    }
    const number = await this.d.numbers.next(id.toHexString());
    const now = new Date();
    await this.d.chats.updateDoc(
      id,
      {
        $set: {
          // The link goes out in the "created" mail (an alert of the ticket.created line); it is written with the ticket, in one update.
          ...this.d.guests.linkFields(id),
          ticketNumber: number,
          ticketStatus: o.status,
          priority: o.priority,
          category: o.category,
          subject: o.subject,
          ticketCreatedAt: now,
          ticketUpdatedAt: now,
          lastActivityAt: now,
          ...(o.assignee ? { agentId: new Types.ObjectId(o.assignee.id), agentName: o.assignee.name } : {}),
        },
        $push: { history: { at: now, ...o.by, field: 'status', from: null, to: o.status } satisfies StoredChange },
      },
    );
    const created = await this.d.chats.appendSystem(id, { kind: 'ticket.created', number, via: o.via }, 'ticket');
    await this.d.chats.announce(id, created.message, true);
    const conv = await this.d.chats.load(id);
    this.d.log.info({ ticket: number, via: o.via }, 'ticket created');
    return conv;
  }

  async changeStatus(conv: ConversationDoc, to: TicketStatus, by: ChangeBy): Promise<ConversationDoc> {
    if (conv.ticketStatus === to) return conv;
    const at = new Date();
    const set: Record<string, unknown> = { ticketStatus: to, ticketUpdatedAt: at, lastActivityAt: at };
    if (to === 'solved') set.solvedAt = at;
    if (to === 'closed') set.closedAt = at;
    if (to === 'open' || to === 'pending') Object.assign(set, { solvedAt: null });
    await this.d.chats.updateDoc(conv._id, { $set: set, $push: { history: { at, ...by, field: 'status', from: conv.ticketStatus, to } satisfies StoredChange } }, { ticketStatus: { $ne: 'closed' } });
    // Two identical transitions at once (two replies reopening a solved ticket) store one line.
    const nth = (conv.history ?? []).filter((h) => h.field === 'status').length;
    const line = await this.d.chats.appendSystem(conv._id, { kind: 'ticket.status', status: to, by: by.byType === 'visitor' ? 'visitor' : 'agent' }, `status-${nth}-${to}`);
    await this.d.chats.announce(conv._id, line.message, false);
    return this.d.chats.load(conv._id);
  }

  private async followUpTarget(customer: CustomerPrincipal, conversationId: string): Promise<ConversationDoc> {
    const target = await this.d.chats.visible({ kind: 'visitor', customer }, conversationId);
    if (target.ticketNumber == null) throw new AppError('VALIDATION', 'Invalid input: followUpOf is not a ticket', [{ path: 'followUpOf', message: 'is not a ticket' }]);
    if (target.ticketStatus !== 'closed') throw new AppError('CONFLICT', `Ticket ${target.ticketNumber} is still open: please reply there instead of opening a new one`);
    return target;
  }

  private async firstCustomerLine(conv: ConversationDoc): Promise<string> {
    const first = await this.d.messages.findOne({ conversationId: conv._id, authorType: 'visitor', body: { $ne: '' } }).sort({ seq: 1 }).lean();
    return first ? subjectOf(first.body) : `Chat with ${conv.visitorName || conv.visitorEmail || 'a visitor'}`;
  }
}

const SYSTEM: ChangeBy = { byType: 'system', byId: null, byName: null };
const agentBy = (a: AgentPrincipal): ChangeBy => ({ byType: 'agent', byId: a.id, byName: a.name });
const customerBy = (c: CustomerPrincipal): ChangeBy => ({ byType: 'visitor', byId: c.user?.id ?? c.visitorId, byName: c.user?.name ?? null });

/** The first line of the first message, as a subject. */
function subjectOf(body: string): string {
  const line = body.split('\n').find((l) => l.trim()) ?? body;
  const s = line.trim();
  const max = Math.min(MAX_SUBJECT_LENGTH, 100);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s || 'Attachment';
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

