import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO, NoteDTO, SiteConfigDTO, SyncResult, TicketListResult } from '../../shared/types.js';
import { agentSession, call, closeAllClients, connectVisitor, ok, record, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let mail: MailCatcher;
beforeAll(async () => {
  mail = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: mail.url });
});
afterAll(async () => {
  await server?.stop();
  await mail?.close();
});
afterEach(() => closeAllClients());

let seq = 0;
const cid = () => `client-${Date.now().toString(36)}-${++seq}`;

async function newAgent(name: string): Promise<AgentClient> {
  return (await agentSession(server.url, await server.addAgent(name))).socket;
}

async function startChat(visitor: VisitorClient, email?: string): Promise<ConversationDTO> {
  return ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Tove', ...(email ? { email } : {}), locale: 'sv' })).conversation;
}

async function say(socket: VisitorClient | AgentClient, conversationId: string, body: string): Promise<MessageDTO> {
  return ok(await call<MessageDTO>(socket, 'message:send', { conversationId, clientId: cid(), body }));
}

async function formTicket(visitor: VisitorClient, email: string, body = 'My withdrawal has not arrived'): Promise<SyncResult> {
  return ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'deposits-withdrawals', body, locale: 'de' }));
}

describe('escalation: every path turns the same conversation into a ticket', () => {
  it('with no agent online the widget learns it, and the offline form opens a ticket at once with a number and a mail', async () => {
    const visitor = await connectVisitor(server.url);
    const config = ok(await call<SiteConfigDTO>(visitor, 'site:config', {}));
    expect(config.agentsOnline).toBe(false);
    expect(config.categories.map((c) => c.id)).toEqual(['account', 'trading', 'deposits-withdrawals', 'security', 'product-feedback', 'other']);

    const result = await formTicket(visitor, 'form@example.test');
    const ticket = result.conversation.ticket!;
    expect(ticket).toMatchObject({ status: 'open', category: 'deposits-withdrawals', priority: 'normal', subject: 'My withdrawal has not arrived' });
    expect(ticket.number).toBeGreaterThanOrEqual(10001);
    expect(result.messages.map((m) => m.system?.kind ?? m.body)).toEqual(['ticket.created', 'My withdrawal has not arrived']);

    const created = await mail.waitFor((m) => m.to.includes('form@example.test') && m.subject.includes(String(ticket.number)));
    expect(created.text).toMatch(/\/tickets\/#t=[A-Za-z0-9_-]{43}/);
    expect(created.html).toContain('lang="de"');

    const agent = await newAgent('Online');
    expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {})).agentsOnline).toBe(true);
    agent.disconnect();
  });

  it('sending the same form twice (a retry) returns the first ticket', async () => {
    const visitor = await connectVisitor(server.url);
    const form = { clientId: cid(), email: 'twice@example.test', category: 'account', body: 'Locked out' };
    const [a, b] = await Promise.all([call<SyncResult>(visitor, 'ticket:create', form), call<SyncResult>(visitor, 'ticket:create', form)]);
    expect(ok(a).conversation.ticket!.number).toBe(ok(b).conversation.ticket!.number);
    const mine = ok(await call<ConversationDTO[]>(visitor, 'tickets:list', { filter: 'all' }));
    expect(mine).toHaveLength(1);
  });

  it('the form needs an email from an anonymous visitor and a category of the site', async () => {
    const visitor = await connectVisitor(server.url);
    const noEmail = await call(visitor, 'ticket:create', { clientId: cid(), category: 'account', body: 'hi' });
    expect(noEmail).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'email' }] } });
    const badCategory = await call(visitor, 'ticket:create', { clientId: cid(), email: 'x@example.test', category: 'nonsense', body: 'hi' });
    expect(badCategory).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'category' }] } });
  });

  it('a queued visitor who leaves a message instead keeps what they said, and the chat leaves the queue as a ticket', async () => {
    const watcher = await newAgent('Watcher');
    ok(await call(watcher, 'queue:list', {}));
    const updates = record<ConversationDTO>(watcher, 'conversation:updated');
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    await say(visitor, conv.id, 'Is anyone there?');

    const noEmail = await call(visitor, 'conversation:leave-message', { conversationId: conv.id });
    expect(noEmail).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const ticket = ok(await call<ConversationDTO>(visitor, 'conversation:leave-message', { conversationId: conv.id, email: 'queue@example.test', category: 'trading' }));
    expect(ticket).toMatchObject({ id: conv.id, status: 'ended', ticket: { status: 'open', category: 'trading', subject: 'Is anyone there?' } });

    await updates.until((xs) => xs.some((c) => c.id === conv.id && c.status === 'ended' && c.ticket));
    const queue = ok(await call<{ queued: ConversationDTO[] }>(watcher, 'queue:list', {}));
    expect(queue.queued.map((c) => c.id)).not.toContain(conv.id);
    const history = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(history.messages.map((m) => m.system?.kind ?? m.body)).toEqual(['chat.started', 'Is anyone there?', 'ticket.created']);
    expect(history.messages.at(-1)!.system).toMatchObject({ kind: 'ticket.created', via: 'queue' });
    await mail.waitFor((m) => m.to.includes('queue@example.test'));
  });

  it('an agent turns an active chat into a ticket with category and priority, and the chat goes on', async () => {
    const agent = await newAgent('Converter');
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));
    await say(visitor, conv.id, 'I need a statement for 2025');
    const seen = record<ConversationDTO>(visitor, 'conversation:updated');

    const ticket = ok(await call<ConversationDTO>(agent, 'ticket:convert', { conversationId: conv.id, category: 'account', priority: 'high' }));
    expect(await call(agent, 'ticket:update', { conversationId: conv.id, status: 'closed' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(ticket).toMatchObject({ status: 'active', ticket: { status: 'open', category: 'account', priority: 'high', subject: 'I need a statement for 2025' } });
    await seen.until((xs) => xs.some((c) => c.ticket?.number === ticket.ticket!.number));
    // The live chat continues in the same stream.
    await say(agent, conv.id, 'I will send it by Friday');
    // Converting twice is harmless.
    expect(ok(await call<ConversationDTO>(agent, 'ticket:convert', { conversationId: conv.id, category: 'other' })).ticket!.number).toBe(ticket.ticket!.number);
  });

  it('a chat that ends unresolved with an email becomes a pending ticket; a resolved one or one without email does not', async () => {
    const agent = await newAgent('Ender');
    const endChat = async (email: string | undefined, resolved: boolean) => {
      const visitor = await connectVisitor(server.url);
      const conv = await startChat(visitor, email);
      ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));
      await say(visitor, conv.id, 'How do I enable 2FA?');
      return ok(await call<ConversationDTO>(agent, 'conversation:end', { conversationId: conv.id, resolved }));
    };
    const unresolved = await endChat('pending@example.test', false);
    expect(unresolved.ticket).toMatchObject({ status: 'pending', subject: 'How do I enable 2FA?' });
    expect((await endChat('resolved@example.test', true)).ticket).toBeNull();
    expect((await endChat(undefined, false)).ticket).toBeNull();
  });
});

describe('ticket numbers and lifecycle', () => {
  it('tickets created at the same moment all get different numbers', async () => {
    const visitors = await Promise.all(Array.from({ length: 12 }, () => connectVisitor(server.url)));
    const results = await Promise.all(visitors.map((v, i) => formTicket(v, `many${i}@example.test`, `Question ${i}`)));
    const numbers = results.map((r) => r.conversation.ticket!.number);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('a customer reply reopens a pending or solved ticket, with the change in the history', async () => {
    const agent = await newAgent('Solver');
    const visitor = await connectVisitor(server.url);
    const { conversation } = await formTicket(visitor, 'reopen@example.test');
    const id = conversation.id;
    await say(agent, id, 'Please send a screenshot');
    expect(ok(await call<ConversationDTO>(agent, 'ticket:update', { conversationId: id, status: 'pending' })).ticket!.status).toBe('pending');
    await say(visitor, id, 'Here it is');
    let view = ok(await call<SyncResult>(agent, 'conversation:sync', { conversationId: id, afterSeq: 0 }));
    expect(view.conversation.ticket!.status).toBe('open');

    ok(await call(agent, 'ticket:update', { conversationId: id, status: 'solved' }));
    await say(visitor, id, 'Actually, one more thing');
    view = ok(await call<SyncResult>(agent, 'conversation:sync', { conversationId: id, afterSeq: 0 }));
    expect(view.conversation.ticket!.status).toBe('open');
    expect(view.conversation.ticket!.history.filter((h) => h.field === 'status').map((h) => `${h.by.type}:${h.to}`)).toEqual([
      'visitor:open',
      'agent:pending',
      'visitor:open',
      'agent:solved',
      'visitor:open',
    ]);
    const customer = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: id, afterSeq: 0 }));
    expect(customer.messages.filter((m) => m.system?.kind === 'ticket.status').map((m) => (m.system as { status: string }).status)).toEqual([
      'pending',
      'open',
      'solved',
      'open',
    ]);
  });

  it('a closed ticket is read-only for everyone and offers a follow-up linked to it; an open one steers back to itself', async () => {
    const agent = await newAgent('Closer');
    const visitor = await connectVisitor(server.url);
    const { conversation } = await formTicket(visitor, 'closed@example.test');
    const follow = { clientId: cid(), category: 'other', body: 'Same problem again', email: 'closed@example.test', followUpOf: conversation.id };
    expect(await call(visitor, 'ticket:create', follow)).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('reply there') } });

    ok(await call(agent, 'ticket:update', { conversationId: conversation.id, status: 'closed' }));
    for (const socket of [visitor, agent]) {
      expect(await call(socket, 'message:send', { conversationId: conversation.id, clientId: cid(), body: 'hello?' })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', message: expect.stringContaining('read-only') },
      });
    }
    expect(await call(agent, 'ticket:update', { conversationId: conversation.id, status: 'open' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const next = ok(await call<SyncResult>(visitor, 'ticket:create', { ...follow, clientId: cid() }));
    expect(next.conversation.ticket!.followUpOf).toEqual({ conversationId: conversation.id, number: conversation.ticket!.number });
    expect(next.messages[0]!.system).toEqual({ kind: 'ticket.follow-up', of: conversation.ticket!.number });
    const lists = {
      open: ok(await call<ConversationDTO[]>(visitor, 'tickets:list', { filter: 'open' })).map((c) => c.id),
      closed: ok(await call<ConversationDTO[]>(visitor, 'tickets:list', { filter: 'closed' })).map((c) => c.id),
    };
    expect(lists).toEqual({ open: [next.conversation.id], closed: [conversation.id] });
  });
});

describe('the agents’ ticket workspace', () => {
  it('filters, searches and pages tickets, newest activity first, and hears changes live', async () => {
    const agent = await newAgent('Lister');
    const other = await newAgent('Other');
    const visitor = await connectVisitor(server.url);
    const a = (await formTicket(visitor, 'list-a@example.test', 'Card payment failed')).conversation;
    const b = (await formTicket(visitor, 'list-b@example.test', 'Cannot log in on mobile')).conversation;
    ok(await call(agent, 'ticket:update', { conversationId: a.id, priority: 'urgent', assigneeId: (await server.models.Agent.findOne({ name: 'Lister' }).lean())!._id.toHexString() }));

    const all = ok(await call<TicketListResult>(agent, 'tickets:list', {}));
    expect(all.tickets[0]!.id).toBe(a.id); // just changed, so newest activity
    expect(ok(await call<TicketListResult>(agent, 'tickets:list', { mine: true })).tickets.map((t) => t.id)).toEqual([a.id]);
    expect(ok(await call<TicketListResult>(agent, 'tickets:list', { priority: 'urgent' })).tickets.map((t) => t.id)).toEqual([a.id]);
    const unassigned = ok(await call<TicketListResult>(agent, 'tickets:list', { assigneeId: 'none' })).tickets.map((t) => t.id);
    expect(unassigned).toContain(b.id);
    expect(unassigned).not.toContain(a.id);
    expect(ok(await call<TicketListResult>(agent, 'tickets:list', { q: 'list-b@example.test' })).tickets.map((t) => t.id)).toEqual([b.id]);
    expect(ok(await call<TicketListResult>(agent, 'tickets:list', { q: `#${b.ticket!.number}` })).tickets.map((t) => t.id)).toEqual([b.id]);
    expect(ok(await call<TicketListResult>(agent, 'tickets:list', { q: 'LOG IN' })).tickets.map((t) => t.id)).toEqual([b.id]);

    const page1 = ok(await call<TicketListResult>(agent, 'tickets:list', { limit: 1 }));
    const page2 = ok(await call<TicketListResult>(agent, 'tickets:list', { limit: 1, before: page1.nextCursor }));
    expect(page2.tickets[0]!.id).not.toBe(page1.tickets[0]!.id);

    const live = record<ConversationDTO>(agent, 'conversation:updated');
    ok(await call(other, 'ticket:update', { conversationId: b.id, category: 'security' }));
    const [change] = await live.until((xs) => xs.some((c) => c.id === b.id && c.ticket?.category === 'security'));
    expect(change!.ticket!.history.at(-1)).toMatchObject({ field: 'category', from: 'deposits-withdrawals', to: 'security', by: { type: 'agent', name: 'Other' } });
  });

  it('internal notes reach agents live and never the customer', async () => {
    const [writer, reader] = [await newAgent('Writer'), await newAgent('Reader')];
    const visitor = await connectVisitor(server.url);
    const { conversation } = await formTicket(visitor, 'notes@example.test');
    const visitorEvents = record<unknown>(visitor, 'note:created');
    ok(await call(reader, 'notes:list', { conversationId: conversation.id }));
    const heard = record<NoteDTO>(reader, 'note:created');
    const note = { conversationId: conversation.id, clientId: cid(), body: 'Customer is VIP, be quick' };
    const first = ok(await call<NoteDTO>(writer, 'note:add', note));
    expect(ok(await call<NoteDTO>(writer, 'note:add', note)).id).toBe(first.id);
    await heard.until((xs) => xs.some((n) => n.id === first.id));
    expect(ok(await call<NoteDTO[]>(reader, 'notes:list', { conversationId: conversation.id })).map((n) => n.body)).toEqual(['Customer is VIP, be quick']);
    const customer = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conversation.id, afterSeq: 0 }));
    expect(JSON.stringify(customer)).not.toContain('VIP');
    expect(visitorEvents.items).toEqual([]);
  });
});

describe('limits on new tickets', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ SMTP_URL: mail.url, TICKETS_PER_IP_PER_HOUR: '3', TICKETS_PER_EMAIL_PER_HOUR: '2' });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('one address gets only so many new tickets an hour, and so does one network; the refusal says when to try again', async () => {
    const visitor = await connectVisitor(limited.url);
    const open = (email: string) => call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'other', body: `to ${email}` });
    ok(await open('victim@example.test'));
    ok(await open('victim@example.test'));
    const third = await open('victim@example.test');
    expect(third).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } } });
    // The network has now asked three times; a fourth new ticket, to anyone, waits.
    expect(await open('someone-else@example.test')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await limited.models.Conversation.countDocuments({ ticketNumber: { $ne: null } })).toBe(2);
  });
});
