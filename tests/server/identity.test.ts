/**
 * Host user tokens: the host site signs its logged-in user (HS256, the site's identity secret) and
 * the widget passes the token in its handshake; the customer page trades it for a session. A
 * token that fails any check leaves the widget working, anonymous, and says why.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, CustomerSessionDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectCustomerPage,
  connectVisitor,
  customerSession,
  login,
  newVisitorToken,
  ok,
  record,
  rest,
  signUserToken,
  siteIdentitySecret,
  type AgentClient,
} from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let catcher: MailCatcher;
let secret: string;
let agent: AgentClient;
/** A ticket the user opened while logged in, before any test ran. */
let usersTicket: ConversationDTO;
/** Our own tokens of other kinds, which must not pass for a host's user token. */
let borrowed: { agent: string; visitorSession: string };

const USER = { sub: 'host-user-1001', email: 'Lena.Larsson@Example.test', name: 'Lena Larsson' };

let seq = 0;
const cid = () => `ident-${Date.now().toString(36)}-${++seq}`;
const userToken = (claims: Record<string, unknown> = USER, expiresIn: NonNullable<jwt.SignOptions['expiresIn']> = '1h') =>
  signUserToken(secret, claims as { sub: string }, expiresIn);
const customerPageSession = (token: string) => rest<CustomerSessionDTO>(server.url, 'POST', '/api/customer/session', { body: { siteKey: 'default', userToken: token } });

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: catcher.url });
  const admin = await login(server.url, ADMIN.email, ADMIN.password);
  secret = await siteIdentitySecret(server.url, admin.token);
  borrowed = { agent: admin.token, visitorSession: (await customerSession(await connectVisitor(server.url))).token };
  agent = (await agentSession(server.url, await server.addAgent('Ida Agent'))).socket;
  const laptop = await connectVisitor(server.url, newVisitorToken(), { userToken: userToken() });
  usersTicket = ok(await call<SyncResult>(laptop, 'ticket:create', { clientId: cid(), category: 'security', body: 'Someone tried to reset my password' })).conversation;
  laptop.disconnect();
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
});

describe('a valid user token', () => {
  it("signs the widget's visitor in: session:get says accepted and names the user from the token", async () => {
    const widget = await connectVisitor(server.url, newVisitorToken(), { userToken: userToken() });
    const session = await customerSession(widget);
    expect(session).toMatchObject({ kind: 'user', identity: 'accepted', user: { id: USER.sub, email: 'lena.larsson@example.test', name: USER.name }, conversationId: null });
    expect(session.identityError).toBeUndefined();
    // The ticket was opened without an email in the form: the token's email is where replies go.
    expect(usersTicket.ticket!.requester).toEqual({ email: 'lena.larsson@example.test', name: USER.name, userId: USER.sub });
    await catcher.waitFor((m) => m.to.includes('lena.larsson@example.test') && m.subject === `Your support ticket ${usersTicket.ticket!.number} was created`);
  });

  it("shows 'My tickets' on a second device, and messages reach every device of the user live", async () => {
    const phone = await connectVisitor(server.url, newVisitorToken(), { userToken: userToken() });
    const tablet = await connectVisitor(server.url, newVisitorToken(), { userToken: userToken() });
    expect(ok(await call<ConversationDTO[]>(phone, 'tickets:list', { filter: 'all' })).map((c) => c.id)).toEqual([usersTicket.id]);
    ok(await call<SyncResult>(phone, 'conversation:sync', { conversationId: usersTicket.id, afterSeq: 0 }));

    const atTablet = record<MessageDTO>(tablet, 'message:created');
    const sent = ok(await call<MessageDTO>(phone, 'message:send', { conversationId: usersTicket.id, clientId: cid(), body: 'Writing from my phone' }));
    await atTablet.until((xs) => xs.some((m) => m.id === sent.id));
    const fromAgent = ok(await call<MessageDTO>(agent, 'message:send', { conversationId: usersTicket.id, clientId: cid(), body: 'We locked the account for now' }));
    await atTablet.until((xs) => xs.some((m) => m.id === fromAgent.id));
  });

  it('opens the customer page: POST /api/customer/session gives a session that lists and opens the tickets', async () => {
    const res = await customerPageSession(userToken());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ kind: 'user', identity: 'accepted', user: { id: USER.sub, email: 'lena.larsson@example.test', name: USER.name }, conversationId: null });
    const page = await connectCustomerPage(server.url, res.body.token);
    expect(ok(await call<ConversationDTO[]>(page, 'tickets:list', { filter: 'open' })).map((c) => c.id)).toContain(usersTicket.id);
    const history = ok(await call<SyncResult>(page, 'conversation:sync', { conversationId: usersTicket.id, afterSeq: 0 }));
    expect(history.messages.map((m) => m.body)).toContain('Someone tried to reset my password');
    // A ticket opened on the customer page shows up in the widget too.
    const fromPage = ok(await call<SyncResult>(page, 'ticket:create', { clientId: cid(), category: 'account', body: 'Also: please update my address' })).conversation;
    const widget = await connectVisitor(server.url, newVisitorToken(), { userToken: userToken() });
    expect(ok(await call<ConversationDTO[]>(widget, 'tickets:list', { filter: 'all' })).map((c) => c.id)).toEqual(expect.arrayContaining([usersTicket.id, fromPage.id]));
  });
});

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
let rsaKey: string | undefined;
let ecPrivateKey: string | undefined;
const ecKey = () => (ecPrivateKey ??= generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).privateKey);
/** A JWT put together by hand, HMAC-SHA256 over whatever header it claims. */
const hmacSigned = (header: unknown, claims: unknown, key: string) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};

/** Tokens a host might send, or an attacker might craft; each with what the host developer is told. */
function refusedTokens(): Array<[string, () => string, RegExp]> {
  const now = Math.floor(Date.now() / 1000);
  const privateKey = () =>
    (rsaKey ??= generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).privateKey);
  return [
    ['signed with another key (forged)', () => jwt.sign(USER, 'not-the-identity-secret-of-this-site', { algorithm: 'HS256', expiresIn: '1h' }), /invalid signature/],
    ['expired', () => jwt.sign({ ...USER, iat: now - 7200, exp: now - 600 }, secret, { algorithm: 'HS256' }), /jwt expired/],
    ['alg=none, unsigned', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...USER, iat: now, exp: now + 600 })}.`, /signature is required/],
    ['RS256-signed', () => jwt.sign(USER, privateKey(), { algorithm: 'RS256', expiresIn: '1h' }), /invalid algorithm/],
    ['without exp', () => jwt.sign(USER, secret, { algorithm: 'HS256' }), /no expiry/],
    ['without sub', () => jwt.sign({ email: USER.email, name: USER.name }, secret, { algorithm: 'HS256', expiresIn: '1h' }), /names no user/],
    ['living longer than 24 hours', () => jwt.sign(USER, secret, { algorithm: 'HS256', expiresIn: '25h' }), /at most 24 hours/],
    ['HS512 with the right secret', () => jwt.sign(USER, secret, { algorithm: 'HS512', expiresIn: '1h' }), /invalid algorithm/],
    ['ES256-signed', () => jwt.sign(USER, ecKey(), { algorithm: 'ES256', expiresIn: '1h' }), /invalid algorithm/],
    ['alg RS256 in the header, HMAC-signed with the site secret (algorithm confusion)', () => hmacSigned({ alg: 'RS256', typ: 'JWT' }, { ...USER, iat: now, exp: now + 600 }, secret), /invalid algorithm/],
    ['not yet valid (nbf an hour ahead)', () => jwt.sign({ ...USER, nbf: now + 3600 }, secret, { algorithm: 'HS256', expiresIn: '2h' }), /not active/],
    ['sub as a query object', () => jwt.sign({ ...USER, sub: undefined, user_id: { $ne: null } }, secret, { algorithm: 'HS256', expiresIn: '1h' }), /names no user/],
    ['garbage', () => 'garbage', /malformed/],
    ['10 kB, signed with the right secret', () => jwt.sign({ ...USER, pad: 'x'.repeat(10_240) }, secret, { algorithm: 'HS256', expiresIn: '1h' }), /too long/],
    ["an agent's session token", () => borrowed.agent, /invalid signature/],
    ["a widget visitor's session token", () => borrowed.visitorSession, /invalid signature/],
  ];
}

describe('a refused user token', () => {
  // Built lazily: the site's secret is only known after beforeAll.
  const table = refusedTokens().map(([what, , error], i): [string, number, RegExp] => [what, i, error]);
  const tokenAt = (i: number) => refusedTokens()[i]![1]();

  it.each(table)('%s: the widget still connects, anonymous, and session:get says refused with the reason', async (_what, i, error) => {
    const widget = await connectVisitor(server.url, newVisitorToken(), { userToken: tokenAt(i) });
    const session = await customerSession(widget);
    expect(session).toMatchObject({ kind: 'visitor', user: null, identity: 'refused' });
    expect(session.identityError).toMatch(error);
    // Anonymous: none of the user's tickets, and the widget still works.
    expect(ok(await call<ConversationDTO[]>(widget, 'tickets:list', { filter: 'all' }))).toEqual([]);
    expect(await call(widget, 'conversation:sync', { conversationId: usersTicket.id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const chat = ok(await call<SyncResult>(widget, 'conversation:start', {})).conversation;
    expect(chat).toMatchObject({ status: 'queued', visitor: { email: null, name: null } });
  });

  it.each(table)('%s: the customer page refuses it with 401', async (_what, i) => {
    const res = await customerPageSession(tokenAt(i));
    expect(res.status).toBe(401);
    expect(res.error).toEqual({ code: 'UNAUTHORIZED', message: 'Your sign-in has expired; open this page again from the site' });
  });

  it('a user token that is not a string is refused the same way', async () => {
    const widget = await connectVisitor(server.url, newVisitorToken(), { userToken: { sub: USER.sub } });
    expect(await customerSession(widget)).toMatchObject({ kind: 'visitor', identity: 'refused', identityError: 'userToken must be a string' });
  });
});

describe('a shared computer', () => {
  it("a logged-in user's chat and tickets stay hidden from the next, anonymous user of the same browser", async () => {
    const browser = newVisitorToken();
    const lena = await connectVisitor(server.url, browser, { userToken: userToken() });
    const chat = ok(await call<SyncResult>(lena, 'conversation:start', { locale: 'sv' })).conversation;
    ok(await call<MessageDTO>(lena, 'message:send', { conversationId: chat.id, clientId: cid(), body: 'My IBAN is SE45 5000 0000 0583 9825 7466' }));
    lena.disconnect();

    // Lena logged out of the host site; the next person uses the same browser, so the same visitor token.
    const next = await connectVisitor(server.url, browser);
    expect(await customerSession(next)).toMatchObject({ kind: 'visitor', identity: 'absent', user: null });
    const heard = record<MessageDTO>(next, 'message:created');

    expect(ok(await call<ConversationDTO[]>(next, 'tickets:list', { filter: 'all' }))).toEqual([]);
    expect(ok(await call<ConversationDTO | null>(next, 'conversation:current', {}))?.id).not.toBe(chat.id);
    expect(await call(next, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(next, 'conversation:sync', { conversationId: usersTicket.id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(next, 'message:send', { conversationId: chat.id, clientId: cid(), body: 'hello?' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // Starting a chat must not hand over Lena's chat, which is still open.
    const started = await call<SyncResult>(next, 'conversation:start', {});
    expect(JSON.stringify(started)).not.toContain('SE45 5000');
    const own = ok(started).conversation;
    expect(own.id).not.toBe(chat.id);

    // Lena's chat goes on: the anonymous user hears nothing of it, only their own chat.
    ok(await call(agent, 'conversation:accept', { conversationId: chat.id }));
    const reply = ok(await call<MessageDTO>(agent, 'message:send', { conversationId: chat.id, clientId: cid(), body: 'Thanks Lena, checking your IBAN' }));
    ok(await call(agent, 'conversation:accept', { conversationId: own.id }));
    const barrier = ok(await call<MessageDTO>(agent, 'message:send', { conversationId: own.id, clientId: cid(), body: 'Hello, how can I help?' }));
    await heard.until((xs) => xs.some((m) => m.id === barrier.id));
    expect(heard.items.map((m) => m.id)).not.toContain(reply.id);
    expect(JSON.stringify(heard.items)).not.toMatch(/Lena|IBAN/);
  });
});
