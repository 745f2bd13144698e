/**
 * Alerts for people who are not looking: a real SMTP server and a real (local) Web Push service
 * receive what the outbox sends, and the admin API shows what became of every job.
 */
import { globalAgent } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertJobDTO, AlertJobList, AlertSettingsDTO, PushPayload } from '../../shared/alerts.js';
import type { ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectVisitor,
  login,
  newVisitorToken,
  ok,
  record,
  requestGuestCode,
  rest,
  signUserToken,
  siteIdentitySecret,
  type AgentClient,
  type VisitorClient,
} from '../helpers/clients.js';
import { startMailCatcher, type CapturedMail, type MailCatcher } from '../helpers/mail.js';
import { startPushService, type PushService, type TestSubscription } from '../helpers/push-service.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let catcher: MailCatcher;
let push: PushService;
let adminToken: string;
let identitySecret: string;
let agent: AgentClient;
let agentId: string;

beforeAll(async () => {
  catcher = await startMailCatcher();
  push = await startPushService();
  // web-push always speaks TLS; the local push service's certificate is trusted the way an
  // operator trusts a private CA (NODE_EXTRA_CA_CERTS does the same for a whole process).
  globalAgent.options.ca = push.ca;
  // Three attempts keep "gives up after the bound" within a test's time (0.2 s, then 0.4 s apart).
  server = await startTestServer({ SMTP_URL: catcher.url, OUTBOX_MAX_ATTEMPTS: '3' });
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;
  identitySecret = await siteIdentitySecret(server.url, adminToken);
  const creds = await server.addAgent('Alma Agent');
  agentId = creds.id;
  agent = (await agentSession(server.url, creds)).socket;
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
  await push?.close();
});
afterEach(() => {
  // The shared agent stays; customers come and go per test.
});

let seq = 0;
const cid = () => `alerts-${Date.now().toString(36)}-${++seq}`;
const uniqueEmail = (name: string) => `${name}.${Date.now().toString(36)}${++seq}@example.test`;

async function say(socket: VisitorClient | AgentClient, conversationId: string, body: string): Promise<MessageDTO> {
  return ok(await call<MessageDTO>(socket, 'message:send', { conversationId, clientId: cid(), body }));
}

/** A guest's ticket from the offline form; the guest's widget is still connected. */
async function guestTicket(email: string, locale = 'en', body = 'My withdrawal has not arrived'): Promise<{ visitor: VisitorClient; ticket: ConversationDTO }> {
  const visitor = await connectVisitor(server.url);
  const { conversation } = ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'deposits-withdrawals', body, locale }));
  // The confirmation goes out whoever is looking; wait for it so it is not mistaken for an update.
  await catcher.waitFor((m) => m.to.includes(email) && m.subject.includes(String(conversation.ticket!.number)));
  return { visitor, ticket: conversation };
}

/** The admin's view of the outbox jobs of one conversation. */
async function jobsOf(conversationId: string): Promise<AlertJobDTO[]> {
  const res = await rest<AlertJobList>(server.url, 'GET', '/api/admin/alerts?limit=500', { token: adminToken });
  expect(res.status).toBe(200);
  return res.body.jobs.filter((j) => j.conversationId === conversationId);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const got = await probe();
    if (got) return got;
    last = got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every alert job of the conversation is finished, and returns them. */
function settled(conversationId: string, atLeast = 1): Promise<AlertJobDTO[]> {
  return until(`the alert jobs of ${conversationId} to finish`, async () => {
    const jobs = await jobsOf(conversationId);
    return jobs.length >= atLeast && jobs.every((j) => j.state !== 'pending') && jobs;
  });
}

const updateMails = (email: string, ticketNumber: number) =>
  catcher.messages.filter((m) => m.to.includes(email) && m.subject.includes(String(ticketNumber)) && !/created|erstellt|skapats|vytvořen|已创建/.test(m.subject));

/** A logged-in user of the host site, in a widget connection. */
function userWidget(user: { sub: string; email: string; name: string }): Promise<VisitorClient> {
  return connectVisitor(server.url, newVisitorToken(), { userToken: signUserToken(identitySecret, user) });
}

async function subscribe(socket: VisitorClient | AgentClient): Promise<{ sub: TestSubscription; settings: AlertSettingsDTO }> {
  const sub = push.subscribe();
  const settings = ok(await call<AlertSettingsDTO>(socket, 'push:subscribe', { subscription: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys } }));
  return { sub, settings };
}

function linkIn(mail: CapturedMail): string {
  const link = /\/tickets\/#t=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  expect(link, 'a guest link in the mail').toBeTruthy();
  return link!;
}

describe('email alerts to guests', () => {
  it('a guest who is not connected gets an alert: the number in the subject, their language, their link, an excerpt and nothing more', async () => {
    const email = uniqueEmail('guest.de');
    const secret = 'Meine Kontonummer ist DE89370400440532013000';
    const later = 'Mein Passwort lautet Sommer2026';
    const firstLine = 'Meine Auszahlung vom Montag ist nicht angekommen, bitte prüfen Sie das dringend';
    const { visitor, ticket } = await guestTicket(email, 'de', `${firstLine}\n${secret}`);
    const number = ticket.ticket!.number;
    await say(visitor, ticket.id, later);
    visitor.disconnect();

    const reply = `Wir haben Ihre Auszahlung geprüft und an die Bank weitergeleitet. ${'Weitere Einzelheiten folgen in Kürze. '.repeat(10)}ENDE-DER-ANTWORT`;
    await say(agent, ticket.id, reply);

    const mail = await catcher.waitFor((m) => m.to.includes(email) && m.subject === `Ihr Support-Ticket ${number} wurde aktualisiert`);
    expect(mail.to).toEqual([email]);
    expect(mail.html).toContain('lang="de"');
    // An alert, not the conversation: the start of the reply, never the customer's own words or the whole reply.
    expect(mail.text).toContain('Wir haben Ihre Auszahlung geprüft');
    expect(mail.text).not.toContain('ENDE-DER-ANTWORT');
    for (const words of [secret, later, firstLine]) {
      expect(mail.text).not.toContain(words);
      expect(mail.html).not.toContain(words);
    }
    // The ticket is named by its number and the start of its subject.
    expect(mail.text).toContain('Meine Auszahlung vom Montag');
    // Replying to the mail does nothing, and the mail says so.
    expect(mail.text).toContain('Bitte antworten Sie nicht auf diese E-Mail');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.headers['message-id']).toMatch(/^<[\w-]+@127\.0\.0\.1>$/);

    // The link is the guest's way in: it asks for a code, which arrives, and then the ticket opens.
    const link = linkIn(mail);
    const code = await requestGuestCode(server.url, catcher, link, email);
    const verified = await rest<{ conversationId: string }>(server.url, 'POST', '/api/guest/verify', { body: { link, code } });
    expect(verified.status).toBe(200);
    expect(verified.body.conversationId).toBe(ticket.id);

    const jobs = await settled(ticket.id, 4);
    expect(jobs.find((j) => j.kind === 'email' && j.state === 'sent' && j.recipient === email && j.outcome === 'accepted by the SMTP server')).toBeTruthy();
  });

  it('presence decides the channel: a connected guest sees the reply in the page and gets no mail; once gone, a mail', async () => {
    const email = uniqueEmail('guest.present');
    const { visitor, ticket } = await guestTicket(email);
    const number = ticket.ticket!.number;
    const live = record<MessageDTO>(visitor, 'message:created');

    const seen = await say(agent, ticket.id, 'Looking into it now');
    await live.until((xs) => xs.some((m) => m.id === seen.id));
    const quiet = await until('the reply alert to be decided', async () => (await jobsOf(ticket.id)).find((j) => j.kind === 'event' && j.state === 'done' && j.outcome === 'in-page'));
    expect(quiet.outcome).toBe('in-page');
    expect(updateMails(email, number)).toEqual([]);

    visitor.disconnect();
    await say(agent, ticket.id, 'Found it: the bank returned the transfer');
    const mail = await catcher.waitFor((m) => m.to.includes(email) && m.subject === `Your support ticket ${number} was updated`);
    expect(mail.text).toContain('Found it: the bank returned the transfer');
    expect(mail.text).not.toContain('Looking into it now');
    expect(updateMails(email, number)).toHaveLength(1);
  });

  it('several updates close together become one alert that counts them and carries the latest', async () => {
    const email = uniqueEmail('guest.burst');
    const { visitor, ticket } = await guestTicket(email);
    const number = ticket.ticket!.number;
    visitor.disconnect();

    await Promise.all([say(agent, ticket.id, 'First: we got your request'), say(agent, ticket.id, 'Second: checking with the bank')]);
    await say(agent, ticket.id, 'Third: the money is on its way');
    ok(await call(agent, 'ticket:update', { conversationId: ticket.id, status: 'solved' }));

    const mail = await catcher.waitFor((m) => m.to.includes(email) && m.subject === `Your support ticket ${number} was updated`);
    expect(mail.text).toMatch(/There are \d new updates on your support ticket/);
    expect(mail.text).toContain('Third: the money is on its way');
    expect(mail.text).not.toContain('First: we got your request');
    expect(mail.text).toContain('marked the ticket as solved');
    // Let the outbox finish everything it was given, then count: one mail for the burst.
    const jobs = await settled(ticket.id, 5);
    expect(jobs.filter((j) => j.kind === 'event' && j.outcome?.startsWith('coalesced into')).length).toBeGreaterThanOrEqual(2);
    expect(updateMails(email, number)).toHaveLength(1);
  });

  it('guests have no alert settings: they are reached by their ticket address', async () => {
    const visitor = await connectVisitor(server.url);
    expect(await call(visitor, 'alerts:get', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call(visitor, 'push:subscribe', { subscription: { endpoint: `${push.url}/push/x`, keys: push.subscribe().keys } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('logged-in customers: web push and email to the account', () => {
  const user = () => ({ sub: `user-${++seq}`, email: uniqueEmail('lena'), name: 'Lena Larsson' });

  it('a disconnected user gets an encrypted, VAPID-signed push and an email with the ticket page link; each can be turned off', async () => {
    const u = user();
    const widget = await userWidget(u);
    const { conversation: ticket } = ok(await call<SyncResult>(widget, 'ticket:create', { clientId: cid(), category: 'security', body: 'Someone changed my phone number', locale: 'sv' }));
    const number = ticket.ticket!.number;
    const { sub, settings } = await subscribe(widget);
    expect(settings).toMatchObject({ email: true, push: true, pushSubscriptions: 1 });
    expect(settings.vapidPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    widget.disconnect();

    await say(agent, ticket.id, 'We reset the number and locked the account');
    const got = await push.waitFor((p) => p.subscriptionId === sub.id);
    expect(got.vapidPublicKey).toBe(settings.vapidPublicKey);
    expect(got.jwtClaims.aud).toBe(push.url);
    expect(got.jwtClaims.sub).toMatch(/^mailto:/);
    expect(got.ttl).toBe(24 * 3600);
    const payload = got.json as PushPayload;
    expect(payload).toMatchObject({ v: 1, kind: 'ticket-update', url: `${server.url}/tickets/${ticket.id}`, tag: `ticket-${ticket.id}` });
    expect(payload.title).toContain(String(number));
    expect(payload.body).toContain('We reset the number');

    const mail = await catcher.waitFor((m) => m.to.includes(u.email) && m.subject === `Ditt supportärende ${number} har uppdaterats`);
    expect(mail.text).toContain(`${server.url}/tickets/${ticket.id}`);
    expect(mail.text).not.toContain('#t=');
    expect(mail.html).toContain('lang="sv"');

    // Email off: the next update is a push only.
    const again = await userWidget(u);
    expect(ok(await call<AlertSettingsDTO>(again, 'alerts:set', { email: false }))).toMatchObject({ email: false, push: true, pushSubscriptions: 1 });
    again.disconnect();
    await say(agent, ticket.id, 'Please confirm the new number works');
    await push.waitFor((p) => p.subscriptionId === sub.id && (p.json as PushPayload).body.includes('Please confirm'));
    await settled(ticket.id, 6);
    expect(updateMails(u.email, number)).toHaveLength(1);

    // Both off: nothing goes out, and the outbox says why.
    const third = await userWidget(u);
    ok(await call(third, 'alerts:set', { push: false }));
    third.disconnect();
    const before = push.received.length;
    await say(agent, ticket.id, 'Closing the loop');
    const jobs = await settled(ticket.id, 7);
    expect(jobs.filter((j) => j.kind === 'event' && j.outcome === 'nobody to alert')).toHaveLength(1);
    expect(push.received.slice(before).filter((p) => p.subscriptionId === sub.id)).toEqual([]);
    expect(updateMails(u.email, number)).toHaveLength(1);
  });

  it('a subscription whose endpoint answers 410 Gone is removed; email still goes out', async () => {
    const u = user();
    const widget = await userWidget(u);
    const { conversation: ticket } = ok(await call<SyncResult>(widget, 'ticket:create', { clientId: cid(), category: 'account', body: 'Locked out' }));
    const { sub } = await subscribe(widget);
    widget.disconnect();
    push.gone(sub.endpoint);

    await say(agent, ticket.id, 'Unlocked');
    await catcher.waitFor((m) => m.to.includes(u.email) && m.subject === `Your support ticket ${ticket.ticket!.number} was updated`);
    const pushJob = await until('the push delivery to finish', async () => (await jobsOf(ticket.id)).find((j) => j.kind === 'push' && j.state !== 'pending'));
    expect(pushJob).toMatchObject({ state: 'void', outcome: 'subscription gone (410); removed' });
    const later = await userWidget(u);
    expect(ok(await call<AlertSettingsDTO>(later, 'alerts:get', {})).pushSubscriptions).toBe(0);
    expect(push.rejected.filter((r) => r.endpoint === sub.endpoint).map((r) => r.status)).toEqual([410]);
  });

  it('rejects a subscription that is not a browser push subscription, with a clear error', async () => {
    const widget = await userWidget(user());
    const bad = await call(widget, 'push:subscribe', { subscription: { endpoint: 'javascript:alert(1)', keys: { p256dh: 'x', auth: 'y' } } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(ok(await call<AlertSettingsDTO>(widget, 'alerts:get', {})).pushSubscriptions).toBe(0);
  });
});

describe('agents who are not in the agent UI get a web push', () => {
  it('for a new chat in the queue, and for a customer reply on their ticket; an agent with the UI open gets none', async () => {
    const awayCreds = await server.addAgent('Away Agent');
    const away = (await agentSession(server.url, awayCreds)).socket;
    const { sub: awaySub } = await subscribe(away);
    away.disconnect();
    const { sub: hereSub } = await subscribe(agent);

    const visitor = await connectVisitor(server.url);
    const { conversation } = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Petra', locale: 'cs' }));
    const newChat = await push.waitFor((p) => p.subscriptionId === awaySub.id && (p.json as PushPayload).kind === 'new-chat');
    expect(newChat.json).toMatchObject({ v: 1, kind: 'new-chat', url: `${server.url}/agent/#/chats`, tag: `chat-${conversation.id}` });
    expect((newChat.json as PushPayload).title).toContain('Petra');
    expect(newChat.urgency).toBe('high');

    // A ticket assigned to the away agent: the customer's reply reaches them.
    const email = uniqueEmail('guest.toagent');
    const { visitor: guest, ticket } = await guestTicket(email);
    ok(await call(agent, 'ticket:update', { conversationId: ticket.id, assigneeId: awayCreds.id }));
    await say(guest, ticket.id, 'Any news about my withdrawal?');
    const reply = await push.waitFor((p) => p.subscriptionId === awaySub.id && (p.json as PushPayload).kind === 'ticket-reply');
    expect(reply.json).toMatchObject({ url: `${server.url}/agent/#/tickets/${ticket.id}`, body: 'Any news about my withdrawal?' });
    expect((reply.json as PushPayload).title).toContain(String(ticket.ticket!.number));

    await settled(conversation.id, 1);
    await settled(ticket.id, 3);
    expect(push.received.filter((p) => p.subscriptionId === hereSub.id)).toEqual([]);
    ok(await call(agent, 'push:unsubscribe', { endpoint: hereSub.endpoint }));
  });
});

describe('failures: retried with backoff, bounded, visible to admins, and retried on request', () => {
  it('a push service that fails twice gets the third attempt, and the push arrives once', async () => {
    const u = { sub: `user-retry-${++seq}`, email: uniqueEmail('retry'), name: 'Retry' };
    const widget = await userWidget(u);
    const { conversation: ticket } = ok(await call<SyncResult>(widget, 'ticket:create', { clientId: cid(), category: 'other', body: 'Hello' }));
    const { sub } = await subscribe(widget);
    ok(await call(widget, 'alerts:set', { email: false }));
    widget.disconnect();
    push.fail(sub.endpoint, 503, 2);

    await say(agent, ticket.id, 'Hello back');
    await push.waitFor((p) => p.subscriptionId === sub.id);
    const job = await until('the push job to finish', async () => (await jobsOf(ticket.id)).find((j) => j.kind === 'push' && j.state !== 'pending'));
    expect(job).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
    expect(push.received.filter((p) => p.subscriptionId === sub.id)).toHaveLength(1);
  });

  it('a refused address fails at once, a server that keeps deferring fails after the bound; admins see both and can retry', async () => {
    const refusedEmail = uniqueEmail('nobody');
    const deferredEmail = uniqueEmail('greylisted');
    const a = await guestTicket(refusedEmail);
    const b = await guestTicket(deferredEmail);
    a.visitor.disconnect();
    b.visitor.disconnect();
    catcher.refuse(refusedEmail, 550);
    catcher.refuse(deferredEmail, 451);

    await say(agent, a.ticket.id, 'Reply to a mailbox that does not exist');
    await say(agent, b.ticket.id, 'Reply to a server that says later');
    const failedA = await until('the refused mail to fail', async () => (await jobsOf(a.ticket.id)).find((j) => j.kind === 'email' && j.state === 'failed'));
    expect(failedA.attempts).toBe(1);
    expect(failedA.lastError).toMatch(/refused/);
    const failedB = await until('the deferred mail to fail', async () => (await jobsOf(b.ticket.id)).find((j) => j.kind === 'email' && j.state === 'failed'));
    expect(failedB.attempts).toBe(3);
    expect(failedB.lastError).toMatch(/451/);

    const list = await rest<AlertJobList>(server.url, 'GET', '/api/admin/alerts?state=failed', { token: adminToken });
    expect(list.body.jobs.map((j) => j.id)).toEqual(expect.arrayContaining([failedA.id, failedB.id]));
    expect(list.body.counts.failed).toBeGreaterThanOrEqual(2);
    // Agents who are not admins see nothing of it.
    const plain = await login(server.url, (await server.addAgent('Plain')).email, 'pw-Plain-long-enough');
    expect((await rest(server.url, 'GET', '/api/admin/alerts', { token: plain.token })).status).toBe(403);
    expect((await rest(server.url, 'POST', `/api/admin/alerts/${encodeURIComponent(failedA.id)}/retry`, { token: plain.token })).status).toBe(403);

    // The mailbox exists now: the admin retries, and the mail goes out.
    catcher.accept(refusedEmail);
    const retried = await rest<AlertJobDTO>(server.url, 'POST', `/api/admin/alerts/${encodeURIComponent(failedA.id)}/retry`, { token: adminToken });
    expect(retried.status).toBe(200);
    expect(retried.body.state).toBe('pending');
    await catcher.waitFor((m) => m.to.includes(refusedEmail) && m.subject === `Your support ticket ${a.ticket.ticket!.number} was updated`);
    const sent = await until('the retried job to be sent', async () => (await jobsOf(a.ticket.id)).find((j) => j.id === failedA.id && j.state === 'sent'));
    expect(sent.attempts).toBe(2);

    // Only failed jobs can be retried; unknown ids are a clear 404.
    expect((await rest(server.url, 'POST', `/api/admin/alerts/${encodeURIComponent(failedA.id)}/retry`, { token: adminToken })).status).toBe(409);
    expect((await rest(server.url, 'POST', '/api/admin/alerts/no-such-job/retry', { token: adminToken })).status).toBe(404);
    expect((await rest(server.url, 'GET', '/api/admin/alerts?state=bogus', { token: adminToken })).status).toBe(400);
  });
});
