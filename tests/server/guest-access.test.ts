/**
 * A guest reaches their ticket from the email: the link from the "ticket created" mail, a code
 * from a second mail, a session for that one ticket. All by REST and real SMTP, as the customer
 * page does it. Each test poses as its own network (X-Forwarded-For through the trusted loopback
 * proxy), so per-IP limits of one test do not leak into the next.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestCodeErrorDetails, GuestCodeSent, GuestLinkInfo, UploadResult } from '../../shared/api.js';
import type { ConversationDTO, CustomerSessionDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectCustomerPage,
  connectVisitor,
  ok,
  record,
  requestGuestCode,
  rest,
  ticketLinkFor,
  type AgentClient,
} from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let catcher: MailCatcher;
let agent: AgentClient;

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: catcher.url });
  agent = (await agentSession(server.url, await server.addAgent('Gus Agent'))).socket;
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
});

let seq = 0;
const cid = () => `guest-${Date.now().toString(36)}-${++seq}`;
let networks = 0;
/** A network of its own for each caller. */
const newIp = () => `10.20.${++networks}.9`;

interface Ticket {
  conversation: ConversationDTO;
  email: string;
  link: string;
}

/** A visitor opens a ticket from the widget's form; the link comes from the real "ticket created" mail. */
async function newTicket(local = 'jane.doe', body = 'My deposit has not arrived'): Promise<Ticket> {
  const email = `${local}.${++seq}@example.test`;
  const visitor = await connectVisitor(server.url);
  const conversation = ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'deposits-withdrawals', body })).conversation;
  visitor.disconnect();
  return { conversation, email, link: await ticketLinkFor(catcher, email) };
}

const post = <T>(path: string, body: unknown, ip: string) => rest<T>(server.url, 'POST', path, { body, ip });
const verify = (link: string, code: string, ip: string) => post<CustomerSessionDTO>('/api/guest/verify', { link, code }, ip);
/** A code that is surely not `code`. */
const wrongFor = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');

describe('a guest opens their ticket from the email', () => {
  it('link from the mail, masked email, code by mail, session: the guest sees the whole history and a reply reopens the ticket live for the agent', async () => {
    const ip = newIp();
    const t = await newTicket('jane.doe');
    const agentReply = ok(await call<MessageDTO>(agent, 'message:send', { conversationId: t.conversation.id, clientId: cid(), body: 'Which bank did you send it from?' }));
    ok(await call(agent, 'ticket:update', { conversationId: t.conversation.id, status: 'pending' }));

    const info = await post<GuestLinkInfo>('/api/guest/link', { link: t.link }, ip);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ maskedEmail: 'j•••@example.test' });
    expect(info.headers.get('cache-control')).toBe('no-store');

    const before = catcher.messages.length;
    const sent = await post<GuestCodeSent>('/api/guest/code', { link: t.link }, ip);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ maskedEmail: 'j•••@example.test', expiresInSeconds: 600, resendAfterSeconds: 60 });
    const codeMail = await catcher.waitFor((m) => catcher.messages.indexOf(m) >= before && m.to.includes(t.email));
    expect(codeMail.subject).toBe(`Your code for support ticket ${t.conversation.ticket!.number}`);
    const code = /^\s*(\d{6})\s*$/m.exec(codeMail.text)![1]!;
    // The code mail carries no link: the code alone, without the link, opens nothing.
    expect(codeMail.text).not.toContain(t.link);

    const session = await verify(t.link, code, ip);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ kind: 'guest', conversationId: t.conversation.id, user: null });

    const page = await connectCustomerPage(server.url, session.body.token);
    const history = ok(await call<SyncResult>(page, 'conversation:sync', { conversationId: t.conversation.id, afterSeq: 0 }));
    expect(history.conversation.ticket).toMatchObject({ number: t.conversation.ticket!.number, status: 'pending', history: [] });
    expect(history.messages.map((m) => m.seq)).toEqual(history.messages.map((_, i) => i + 1));
    expect(history.messages.map((m) => m.system?.kind ?? m.body)).toEqual(['ticket.created', 'My deposit has not arrived', agentReply.body, 'ticket.status']);

    // The agent watches the ticket list; the guest's replies and the reopening arrive live.
    const atAgent = record<MessageDTO>(agent, 'message:created');
    const updates = record<ConversationDTO>(agent, 'conversation:updated');
    ok(await call(agent, 'tickets:list', {}));
    for (const [i, status] of (['pending', 'solved'] as const).entries()) {
      if (status === 'solved') ok(await call(agent, 'ticket:update', { conversationId: t.conversation.id, status: 'solved' }));
      const reply = ok(await call<MessageDTO>(page, 'message:send', { conversationId: t.conversation.id, clientId: cid(), body: `From Nordbank, reply ${i + 1}` }));
      expect(reply.author.type).toBe('visitor');
      await atAgent.until((xs) => xs.some((m) => m.id === reply.id));
      await updates.until((xs) => xs.some((c) => c.id === t.conversation.id && c.ticket?.status === 'open' && c.lastSeq >= reply.seq));
      const now = ok(await call<SyncResult>(page, 'conversation:sync', { conversationId: t.conversation.id, afterSeq: reply.seq - 1 }));
      expect(now.conversation.ticket!.status, `a reply to a ${status} ticket`).toBe('open');
      expect(now.messages.map((m) => m.system ?? m.body)).toEqual([reply.body, { kind: 'ticket.status', status: 'open', by: 'visitor' }]);
    }
  });

  it("every ticket's emailed link works, also when many tickets are opened at the same time", async () => {
    const ip = newIp();
    const tickets = await Promise.all(Array.from({ length: 24 }, () => newTicket('busy.day', 'Opened in a rush')));
    const broken: string[] = [];
    for (const t of tickets) {
      const res = await post<GuestLinkInfo>('/api/guest/link', { link: t.link }, ip);
      if (res.status !== 200) broken.push(`ticket ${t.conversation.ticket!.number}: ${res.status}`);
    }
    expect(broken, 'links from "ticket created" mails that lead nowhere').toEqual([]);
  });

  it('a wrong, unknown, garbage or expired link gets 404 with one and the same message', async () => {
    const ip = newIp();
    const real = await newTicket('link.owner');
    const expired = await newTicket('expired.link');
    await server.models.Conversation.updateOne({ _id: expired.conversation.id }, { $set: { guestLinkExpiresAt: new Date(Date.now() - 1000) } });
    const tampered = real.link.slice(0, 10) + (real.link[10] === 'A' ? 'B' : 'A') + real.link.slice(11);
    const links = {
      tampered,
      unknown: randomBytes(32).toString('base64url'),
      garbage: 'AAAAAAAAAAAAAAAAAAAAAA',
      expired: expired.link,
    };
    const answers: unknown[] = [];
    for (const [what, link] of Object.entries(links)) {
      for (const [path, body] of [
        ['/api/guest/link', { link }],
        ['/api/guest/code', { link }],
        ['/api/guest/verify', { link, code: '123456' }],
      ] as const) {
        const res = await post(path, body, ip);
        expect(res.status, `${what} link on ${path}`).toBe(404);
        answers.push(res.body);
      }
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({
      error: { code: 'NOT_FOUND', message: 'This link does not work. It may be mistyped or expired; open the link in the latest email about your ticket.' },
    });
    // No code went out for any of them.
    expect(catcher.messages.filter((m) => [real.email, expired.email].some((e) => m.to.includes(e)) && /^\s*\d{6}\s*$/m.test(m.text))).toHaveLength(0);
    // Something that cannot be a link at all is a malformed request, which reveals nothing either.
    const malformed = await post('/api/guest/link', { link: '../../etc/passwd' }, ip);
    expect(malformed.status).toBe(400);
    expect(malformed.error).toMatchObject({ code: 'VALIDATION', message: 'Invalid input: link is not a ticket link' });
  });
});

describe('the one-time code', () => {
  it('a wrong code says how many tries are left; after five wrong tries even the right code is refused', async () => {
    const ip = newIp();
    const t = await newTicket('five.tries');
    const code = await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    for (let left = 4; left >= 0; left--) {
      const res = await verify(t.link, wrongFor(code, left + 1), ip);
      expect(res.status).toBe(401);
      expect(res.error).toEqual({
        code: 'UNAUTHORIZED',
        message: left > 0 ? `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'That code is not right, and no tries are left. Ask for a new code.',
        details: { reason: 'wrong', triesLeft: left },
      });
    }
    const right = await verify(t.link, code, ip);
    expect(right.status).toBe(429);
    expect(right.error).toEqual({ code: 'RATE_LIMITED', message: 'Too many wrong codes. Ask for a new code.', details: { reason: 'exhausted' } });

    // A new code (once the minute between codes has passed) comes with fresh tries.
    await server.models.GuestCode.updateOne({ _id: t.conversation.id }, { $set: { createdAt: new Date(Date.now() - 61_000) } });
    const fresh = await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    expect((await verify(t.link, fresh, ip)).status).toBe(200);
  });

  it('six guesses sent at once: at most five are evaluated, and the right code is refused afterwards', async () => {
    const ip = newIp();
    const t = await newTicket('racing.guesses');
    const code = await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => verify(t.link, wrongFor(code, i + 1), ip)));
    const evaluated = results.filter((r) => r.status === 401);
    expect(evaluated).toHaveLength(5);
    expect(evaluated.map((r) => (r.error!.details as GuestCodeErrorDetails).triesLeft).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.filter((r) => r.status === 429).map((r) => r.error!.code)).toEqual(['RATE_LIMITED']);
    const right = await verify(t.link, code, ip);
    expect(right.status).toBe(429);
    expect(right.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'exhausted' } });
  });

  it('asking for another code within the minute is answered 429 with the seconds to wait, and sends nothing', async () => {
    const ip = newIp();
    const t = await newTicket('impatient');
    await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    const mailsBefore = catcher.messages.filter((m) => m.to.includes(t.email)).length;
    const again = await post('/api/guest/code', { link: t.link }, ip);
    expect(again.status).toBe(429);
    expect(again.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'just-sent' } });
    const wait = (again.error!.details as GuestCodeErrorDetails).retryAfterSeconds!;
    expect(Number.isInteger(wait) && wait > 0 && wait <= 60).toBe(true);
    expect(again.error!.message).toBe(`A code was just sent. You can ask for another in ${wait} seconds.`);
    await new Promise((r) => setTimeout(r, 300));
    expect(catcher.messages.filter((m) => m.to.includes(t.email))).toHaveLength(mailsBefore);
  });

  it('a code works once, also when it is sent twice at the same moment', async () => {
    const ip = newIp();
    const t = await newTicket('single.use');
    const code = await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    expect((await verify(t.link, code, ip)).status).toBe(200);
    const reuse = await verify(t.link, code, ip);
    expect(reuse.status).toBe(401);
    expect(reuse.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Ask for a new code/) });
    expect(JSON.stringify(reuse.body)).not.toContain('token');

    // Racing: two tabs submit the same code at once; one session, not two.
    const second = await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    const raced = await Promise.all([verify(t.link, second, ip), verify(t.link, second, ip)]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('an expired code is refused', async () => {
    const ip = newIp();
    const t = await newTicket('too.late');
    const code = await requestGuestCode(server.url, catcher, t.link, t.email, ip);
    // Ten minutes pass.
    const moved = await server.models.GuestCode.updateOne({ _id: t.conversation.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect(moved.matchedCount).toBe(1);
    const res = await verify(t.link, code, ip);
    expect(res.status).toBe(401);
    expect(res.error).toEqual({ code: 'UNAUTHORIZED', message: 'This code has expired. Ask for a new code.', details: { reason: 'expired' } });
  });

  it('code requests from one network are limited: after ten in the window the answer is 429, other networks are unaffected', async () => {
    const ip = newIp();
    const t = await newTicket('busy.network');
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const res = await post('/api/guest/code', { link: randomBytes(32).toString('base64url') }, ip);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited, `statuses: ${statuses.join(',')}`).toBeDefined();
    expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
    expect(statuses.length).toBeGreaterThanOrEqual(11);
    expect(limited!.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/^Too many code requests from your network; please try again in \d+ (seconds|minutes)$/), details: { reason: 'throttled' } });
    expect((limited!.error!.details as GuestCodeErrorDetails).retryAfterSeconds).toBeGreaterThan(0);

    // Even a real link is refused from that network, and no mail goes out.
    expect((await post('/api/guest/code', { link: t.link }, ip)).status).toBe(429);
    // Another network asks for the same ticket and gets its code.
    await requestGuestCode(server.url, catcher, t.link, t.email, newIp());
  });
});

describe("a guest's session", () => {
  it('opens only its own ticket: another ticket is NOT_FOUND, and a new ticket or chat is FORBIDDEN', async () => {
    const ip = newIp();
    const mine = await newTicket('own.ticket');
    const other = await newTicket('someone.else', 'Not for your eyes');
    const code = await requestGuestCode(server.url, catcher, mine.link, mine.email, ip);
    const session = (await verify(mine.link, code, ip)).body;
    const page = await connectCustomerPage(server.url, session.token);

    ok(await call(page, 'conversation:sync', { conversationId: mine.conversation.id, afterSeq: 0 }));
    const notFound = { ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } };
    expect(await call(page, 'conversation:sync', { conversationId: other.conversation.id, afterSeq: 0 })).toEqual(notFound);
    expect(await call(page, 'message:send', { conversationId: other.conversation.id, clientId: cid(), body: 'hello?' })).toEqual(notFound);
    expect(ok(await call<ConversationDTO[]>(page, 'tickets:list', { filter: 'all' })).map((c) => c.id)).toEqual([mine.conversation.id]);
    expect(ok(await call<ConversationDTO | null>(page, 'conversation:current', {}))?.id).toBe(mine.conversation.id);

    expect(await call(page, 'ticket:create', { clientId: cid(), email: mine.email, category: 'other', body: 'A second ticket' })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Open a new ticket from the chat on the site' },
    });
    expect(await call(page, 'conversation:start', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // REST with the same session: no upload into the other ticket.
    const form = new FormData();
    form.append('conversationId', other.conversation.id);
    form.append('files', new Blob(['hello']), 'note.txt');
    const upload = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${session.token}` } });
    expect(upload.status).toBe(404);
    expect(((await upload.json()) as UploadResult & { error: { code: string } }).error.code).toBe('NOT_FOUND');

    const otherStream = ok(await call<SyncResult>(agent, 'conversation:sync', { conversationId: other.conversation.id, afterSeq: 0 }));
    expect(otherStream.messages.map((m) => m.body)).not.toContain('hello?');
  });
});
