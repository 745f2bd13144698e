/**
 * Who may do what with a ticket. One ticket X (opened by anonymous visitor A), a second ticket Y
 * of someone else, and a ticket Z of a logged-in user U; every principal tries every operation on
 * X, and only the owner, X's guest and agents get through. Refusals of customers are NOT_FOUND,
 * the same answer as for a ticket that does not exist.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResult } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { ConversationDTO, MessageDTO, NoteDTO, SyncResult, TicketListResult } from '../../shared/types.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectAgent,
  connectCustomerPage,
  connectVisitor,
  customerSession,
  guestSignIn,
  login,
  ok,
  record,
  rest,
  signUserToken,
  siteIdentitySecret,
  ticketLinkFor,
  type AgentClient,
  type VisitorClient,
} from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let catcher: MailCatcher;

let clientSeq = 0;
const cid = () => `access-${Date.now().toString(36)}-${++clientSeq}`;
const NOWHERE = '0123456789abcdef01234567';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

type Customer = 'visitorA' | 'visitorB' | 'guestX' | 'guestY' | 'userU';
type Staff = 'agent' | 'admin';
type Principal = Customer | Staff;
const WHO: Record<Principal, string> = {
  visitorA: 'visitor A, who opened ticket X in the widget',
  visitorB: 'visitor B, another widget',
  guestX: "ticket X's guest (link + code)",
  guestY: "ticket Y's guest",
  userU: 'logged-in user U (owner of ticket Z)',
  agent: 'an agent',
  admin: 'an admin',
};

interface Ctx {
  sockets: Record<Customer, VisitorClient> & Record<Staff, AgentClient>;
  /** Bearer tokens for REST: customer sessions and agent sessions. */
  tokens: Record<Principal, string>;
  X: ConversationDTO;
  Y: ConversationDTO;
  Z: ConversationDTO;
  /** An attachment sent in a message of X. */
  attachmentId: string;
  secret: string;
}
let ctx: Ctx;

async function openTicket(socket: VisitorClient, body: string, email?: string): Promise<ConversationDTO> {
  return ok(await call<SyncResult>(socket, 'ticket:create', { clientId: cid(), ...(email ? { email } : {}), category: 'account', body })).conversation;
}

async function upload(token: string | undefined, files: Array<{ name: string; data: Buffer }>, conversationId?: string) {
  const form = new FormData();
  if (conversationId) form.append('conversationId', conversationId);
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.data)]), f.name);
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as UploadResult & { error?: ErrorBody };
  return { status: res.status, body };
}

async function refusal(p: Promise<unknown>): Promise<{ message: string; data?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { message: string; data?: unknown };
  }
  throw new Error('the connection was accepted');
}

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: catcher.url });

  const adminLogin = await login(server.url, ADMIN.email, ADMIN.password);
  const agent = await agentSession(server.url, await server.addAgent('Ada Agent'));
  const admin = await connectAgent(server.url, adminLogin.token);
  const secret = await siteIdentitySecret(server.url, adminLogin.token);

  const visitorA = await connectVisitor(server.url);
  const visitorB = await connectVisitor(server.url);
  const visitorC = await connectVisitor(server.url);
  const userU = await connectVisitor(server.url, undefined, { userToken: signUserToken(secret, { sub: 'user-u', email: 'u@example.test', name: 'Uma User' }) });

  const X = await openTicket(visitorA, 'I cannot sign in to my account', 'owner.x@example.test');
  const Y = await openTicket(visitorC, 'My withdrawal is stuck', 'owner.y@example.test');
  const Z = await openTicket(userU, 'Please change my phone number');

  const sessionA = await customerSession(visitorA);
  const sent = await upload(sessionA.token, [{ name: 'screenshot.png', data: PNG }]);
  expect(sent.status).toBe(201);
  const attachmentId = sent.body.attachments[0]!.id;
  ok(await call<MessageDTO>(visitorA, 'message:send', { conversationId: X.id, clientId: cid(), body: 'Here is a screenshot', attachmentIds: [attachmentId] }));

  const [guestXSession, guestYSession] = await Promise.all([
    ticketLinkFor(catcher, 'owner.x@example.test').then((link) => guestSignIn(server.url, catcher, link, 'owner.x@example.test')),
    ticketLinkFor(catcher, 'owner.y@example.test').then((link) => guestSignIn(server.url, catcher, link, 'owner.y@example.test')),
  ]);
  const guestX = await connectCustomerPage(server.url, guestXSession.token);
  const guestY = await connectCustomerPage(server.url, guestYSession.token);

  ctx = {
    sockets: { visitorA, visitorB, guestX, guestY, userU, agent: agent.socket, admin },
    tokens: {
      visitorA: sessionA.token,
      visitorB: (await customerSession(visitorB)).token,
      guestX: guestXSession.token,
      guestY: guestYSession.token,
      userU: (await customerSession(userU)).token,
      agent: agent.login.token,
      admin: adminLogin.token,
    },
    X,
    Y,
    Z,
    attachmentId,
    secret,
  };
});

afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
});

/** What a customer hears for a conversation that does not exist: refusals must look the same. */
async function notFoundAnswer(socket: VisitorClient): Promise<ErrorBody> {
  const ack = await call(socket, 'conversation:sync', { conversationId: NOWHERE, afterSeq: 0 });
  if (ack.ok) throw new Error('a conversation that does not exist was found');
  return ack.error;
}

type Outcome = 'ok' | 'NOT_FOUND';
const socketTable = (
  [
    ['visitorA', 'ok'],
    ['visitorB', 'NOT_FOUND'],
    ['guestX', 'ok'],
    ['guestY', 'NOT_FOUND'],
    ['userU', 'NOT_FOUND'],
    ['agent', 'ok'],
    ['admin', 'ok'],
  ] as Array<[Principal, Outcome]>
).map(([who, outcome]): [string, Outcome, Principal] => [WHO[who], outcome, who]);

describe('who may open and answer ticket X', () => {
  it.each(socketTable)('%s: conversation:sync of X -> %s', async (_label, outcome, who) => {
    const socket = ctx.sockets[who];
    const ack = await call<SyncResult>(socket, 'conversation:sync', { conversationId: ctx.X.id, afterSeq: 0 });
    if (outcome === 'ok') {
      const page = ok(ack);
      expect(page.conversation.id).toBe(ctx.X.id);
      expect(page.messages.map((m) => m.body)).toContain('I cannot sign in to my account');
    } else {
      expect(ack).toEqual({ ok: false, error: await notFoundAnswer(ctx.sockets[who] as VisitorClient) });
      expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } });
    }
  });

  it.each(socketTable)('%s: message:send on X -> %s', async (_label, outcome, who) => {
    const body = `reply from ${who}`;
    const ack = await call<MessageDTO>(ctx.sockets[who], 'message:send', { conversationId: ctx.X.id, clientId: cid(), body });
    if (outcome === 'ok') {
      expect(ok(ack)).toMatchObject({ conversationId: ctx.X.id, body, author: { type: who === 'agent' || who === 'admin' ? 'agent' : 'visitor' } });
    } else {
      expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } });
    }
    // What the agent sees in the stream: the allowed reply once, the refused one never.
    const stream = ok(await call<SyncResult>(ctx.sockets.agent, 'conversation:sync', { conversationId: ctx.X.id, afterSeq: 0 }));
    expect(stream.messages.filter((m) => m.body === body)).toHaveLength(outcome === 'ok' ? 1 : 0);
  });

  it("'My tickets' shows each customer only their own tickets; agents see them all", async () => {
    const idsOf = async (who: Customer) => ok(await call<ConversationDTO[]>(ctx.sockets[who], 'tickets:list', { filter: 'all' })).map((c) => c.id);
    const expected: Record<Customer, string[]> = {
      visitorA: [ctx.X.id],
      visitorB: [],
      guestX: [ctx.X.id],
      guestY: [ctx.Y.id],
      userU: [ctx.Z.id],
    };
    for (const [who, ids] of Object.entries(expected) as Array<[Customer, string[]]>) {
      expect(await idsOf(who), WHO[who]).toEqual(ids);
    }
    for (const who of ['agent', 'admin'] as const) {
      const list = ok(await call<TicketListResult>(ctx.sockets[who], 'tickets:list', {}));
      expect(list.tickets.map((c) => c.id), WHO[who]).toEqual(expect.arrayContaining([ctx.X.id, ctx.Y.id, ctx.Z.id]));
    }
  });
});

type RestWho = Principal | 'no token' | 'bad token';
const restTable = (
  [
    ['visitorA', 200],
    ['visitorB', 404],
    ['guestX', 200],
    ['guestY', 404],
    ['userU', 404],
    ['agent', 200],
    ['admin', 200],
    ['no token', 401],
    ['bad token', 401],
  ] as Array<[RestWho, number]>
).map(([who, status]): [string, number, RestWho] => [who in WHO ? WHO[who as Principal] : `anonymous (${who})`, status, who]);
const tokenOf = (who: RestWho): string | undefined => (who === 'no token' ? undefined : who === 'bad token' ? 'not-a-session-at-all' : ctx.tokens[who]);

describe("who may read and add files of ticket X", () => {
  it.each(restTable)('%s: GET an attachment of X -> %i', async (_label, status, who) => {
    const token = tokenOf(who);
    const res = await fetch(`${server.url}/api/attachments/${ctx.attachmentId}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      return;
    }
    const { error } = (await res.json()) as { error: ErrorBody };
    if (status === 404) {
      // The same answer as for an attachment that does not exist.
      const unknown = await rest(server.url, 'GET', `/api/attachments/${NOWHERE}`, { token: token! });
      expect(error).toEqual(unknown.error);
      expect(error).toEqual({ code: 'NOT_FOUND', message: 'Attachment not found' });
    } else {
      expect(error.code).toBe('UNAUTHORIZED');
    }
  });

  it.each(restTable.map(([label, status, who]): [string, number, RestWho] => [label, status === 200 ? 201 : status, who]))('%s: POST /api/uploads into X -> %i', async (_label, status, who) => {
    const before = await server.models.Attachment.countDocuments({ conversationId: ctx.X.id });
    const res = await upload(tokenOf(who), [{ name: `from-${who.replace(/\W/g, '-')}.png`, data: PNG }], ctx.X.id);
    expect(res.status).toBe(status);
    const after = await server.models.Attachment.countDocuments({ conversationId: ctx.X.id });
    if (status === 201) {
      expect(res.body.attachments).toHaveLength(1);
      expect(after).toBe(before + 1);
    } else {
      expect(res.body.error?.code).toBe(status === 404 ? 'NOT_FOUND' : 'UNAUTHORIZED');
      if (status === 404) expect(res.body.error?.message).toBe('Conversation not found');
      expect(after).toBe(before);
    }
  });
});

describe('agent-only and admin-only doors stay shut to customers', () => {
  it('agent commands sent from a widget or a guest page are unknown events and change nothing', async () => {
    const agentView = async () => ok(await call<SyncResult>(ctx.sockets.agent, 'conversation:sync', { conversationId: ctx.X.id, afterSeq: 0 })).conversation;
    const before = await agentView();
    const attempts: Array<[string, unknown]> = [
      ['ticket:update', { conversationId: ctx.X.id, status: 'closed', priority: 'urgent' }],
      ['note:add', { conversationId: ctx.X.id, clientId: cid(), body: 'a note from a customer' }],
      ['notes:list', { conversationId: ctx.X.id }],
      ['ticket:convert', { conversationId: ctx.X.id, category: 'account' }],
      ['queue:list', {}],
      ['agents:list', {}],
      ['conversation:accept', { conversationId: ctx.X.id }],
    ];
    for (const who of ['visitorA', 'guestX'] as const) {
      for (const [event, payload] of attempts) {
        expect(await call(ctx.sockets[who], event, payload), `${event} from ${WHO[who]}`).toEqual({ ok: false, error: { code: 'VALIDATION', message: `Unknown event: ${event}` } });
      }
      // The agents' ticket list takes filters a customer's list does not: they are refused, not obeyed.
      const agentList = await call(ctx.sockets[who], 'tickets:list', { status: 'open', q: 'owner.y@example.test', limit: 100 });
      expect(agentList).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    const after = await agentView();
    expect(after.ticket).toMatchObject({ status: before.ticket!.status, priority: before.ticket!.priority });
    expect(after.ticket!.history).toEqual(before.ticket!.history);
    expect(await server.models.Note.countDocuments({ conversationId: ctx.X.id })).toBe(0);
  });

  it("a site's settings and identity secret are for admins: an agent gets FORBIDDEN, a customer or nobody UNAUTHORIZED", async () => {
    const get = (token?: string) => rest<{ identitySecret?: string }>(server.url, 'GET', '/api/admin/sites/default', token === undefined ? {} : { token });
    const asAdmin = await get(ctx.tokens.admin);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.identitySecret).toBe(ctx.secret);

    const asAgent = await get(ctx.tokens.agent);
    expect(asAgent.status).toBe(403);
    expect(asAgent.error).toEqual({ code: 'FORBIDDEN', message: 'Only admins can do that' });
    const rotate = await rest(server.url, 'PATCH', '/api/admin/sites/default', { token: ctx.tokens.agent, body: { rotateIdentitySecret: true } });
    expect(rotate.status).toBe(403);

    for (const token of [ctx.tokens.visitorA, ctx.tokens.guestX, ctx.tokens.userU, undefined, 'garbage']) {
      const res = await get(token);
      expect(res.status).toBe(401);
      expect(res.error?.code).toBe('UNAUTHORIZED');
      expect(JSON.stringify(res.body)).not.toContain(ctx.secret);
    }
    // Nothing was rotated by the refused PATCH.
    expect((await get(ctx.tokens.admin)).body.identitySecret).toBe(ctx.secret);
  });

  it('a customer session does not open the agent namespace, and an agent token is not a customer session', async () => {
    for (const who of ['visitorA', 'guestX', 'userU'] as const) {
      const err = await refusal(connectAgent(server.url, ctx.tokens[who]));
      expect(err.message, WHO[who]).toBe('UNAUTHORIZED');
      expect(err.data).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    for (const who of ['agent', 'admin'] as const) {
      const err = await refusal(connectCustomerPage(server.url, ctx.tokens[who]));
      expect(err.message, WHO[who]).toBe('UNAUTHORIZED');
      expect(err.data).toEqual({ code: 'UNAUTHORIZED', message: 'Your session has expired; please sign in again' });
    }
  });

  it('nobody gets in without a token: no auth, a short visitor token, a garbage session', async () => {
    for (const namespace of ['/visitor', '/agent']) {
      const bare = io(`${server.url}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await refusal(new Promise<void>((resolve, reject) => {
        bare.once('connect', () => resolve());
        bare.once('connect_error', reject);
      }));
      bare.close();
      expect(err.message, namespace).toBe('UNAUTHORIZED');
    }
    expect((await refusal(connectVisitor(server.url, 'too-short'))).message).toBe('UNAUTHORIZED');
    expect((await refusal(connectCustomerPage(server.url, 'garbage'))).message).toBe('UNAUTHORIZED');
  });
});

describe('what stays internal', () => {
  it("an agent's internal note never reaches the customer: not live, not in the history", async () => {
    const secretText = `internal: check ${cid()} for fraud before replying`;
    const customers = [ctx.sockets.visitorA, ctx.sockets.guestX];
    // Everything each customer socket hears, whatever the event.
    const heard = customers.map((s) => {
      const events: Array<{ event: string; payload: unknown }> = [];
      s.onAny((event: string, payload: unknown) => events.push({ event, payload }));
      return events;
    });
    const barrierSeen = customers.map((s) => record<MessageDTO>(s, 'message:created'));
    const notesAtAgent = record<NoteDTO>(ctx.sockets.agent, 'note:created');
    ok(await call(ctx.sockets.agent, 'notes:list', { conversationId: ctx.X.id }));

    const note = ok(await call<NoteDTO>(ctx.sockets.agent, 'note:add', { conversationId: ctx.X.id, clientId: cid(), body: secretText }));
    await notesAtAgent.until((xs) => xs.some((n) => n.id === note.id));
    // A message sent after the note: once the customers hear it, they would have heard the note too.
    const barrier = ok(await call<MessageDTO>(ctx.sockets.agent, 'message:send', { conversationId: ctx.X.id, clientId: cid(), body: 'We are looking into it' }));
    for (const seen of barrierSeen) await seen.until((xs) => xs.some((m) => m.id === barrier.id));

    for (const events of heard) {
      expect(events.map((e) => e.event)).not.toContain('note:created');
      expect(JSON.stringify(events)).not.toContain(secretText);
    }
    for (const s of customers) {
      const page = ok(await call<SyncResult>(s, 'conversation:sync', { conversationId: ctx.X.id, afterSeq: 0 }));
      expect(JSON.stringify(page)).not.toContain(secretText);
      expect(page.messages.map((m) => m.id)).toContain(barrier.id);
    }
    expect(ok(await call<NoteDTO[]>(ctx.sockets.admin, 'notes:list', { conversationId: ctx.X.id })).map((n) => n.body)).toContain(secretText);
  });

  it("customers get the ticket without its change history; agents get every change", async () => {
    const customerUpdates = record<ConversationDTO>(ctx.sockets.visitorA, 'conversation:updated');
    const updated = ok(await call<ConversationDTO>(ctx.sockets.agent, 'ticket:update', { conversationId: ctx.X.id, priority: 'high', subject: 'Sign-in problem' }));
    expect(updated.ticket!.history.map((h) => [h.field, h.from, h.to])).toEqual([
      ['status', null, 'open'],
      ['priority', 'normal', 'high'],
      ['subject', 'I cannot sign in to my account', 'Sign-in problem'],
    ]);
    expect(updated.ticket!.history[1]!.by).toMatchObject({ type: 'agent', name: 'Ada Agent' });

    const [pushed] = await customerUpdates.until((xs) => xs.some((c) => c.ticket?.priority === 'high'));
    expect(pushed!.ticket).toMatchObject({ priority: 'high', subject: 'Sign-in problem', history: [] });
    for (const who of ['visitorA', 'guestX'] as const) {
      const page = ok(await call<SyncResult>(ctx.sockets[who], 'conversation:sync', { conversationId: ctx.X.id, afterSeq: 0 }));
      expect(page.conversation.ticket, WHO[who]).toMatchObject({ priority: 'high', history: [] });
      const [listed] = ok(await call<ConversationDTO[]>(ctx.sockets[who], 'tickets:list', { filter: 'all' }));
      expect(listed!.ticket!.history).toEqual([]);
    }
    const agentPage = ok(await call<SyncResult>(ctx.sockets.admin, 'conversation:sync', { conversationId: ctx.X.id, afterSeq: 0 }));
    expect(agentPage.conversation.ticket!.history).toHaveLength(3);
  });
});
