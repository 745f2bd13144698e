/**
 * Agent session tokens under attack, and what signing out means. Every crafted, stale, revoked or
 * borrowed token is refused by REST (Authorization header) and by the /agent handshake with the
 * same UNAUTHORIZED answer, which tells an attacker nothing about why. Signing out revokes the one
 * session on every node and closes its sockets; "sign out everywhere" revokes them all. Tokens are
 * never read from a query string. Passwords are argon2id with OWASP's memory-hard parameters.
 */
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API, type AgentInviteResult } from '../../shared/api.js';
import type { CustomerSessionDTO, LoginResult, SyncResult } from '../../shared/types.js';
import { loadConfig } from '../../server/config.js';
import { PASSWORD_HASH_OPTIONS } from '../../server/modules/auth/passwords.js';
import { startServer, type RunningServer } from '../../server/server.js';
import {
  call,
  closeAllClients,
  connectAgent,
  connectCustomerPage,
  connectVisitor,
  customerSession,
  guestSignIn,
  login,
  newVisitorToken,
  ok,
  rest,
  signUserToken,
  siteIdentitySecret,
  ticketLinkFor,
  type AgentClient,
} from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

/** Known to the test, so it can forge tokens exactly as an attacker who guessed every claim would. */
const JWT_SECRET = 'auth-tokens-test-secret-auth-tokens-test-secret-0123';
/** CustomerSessions' key: derived from the same secret for that purpose only. */
const CUSTOMER_KEY = createHmac('sha256', JWT_SECRET).update('customer-session').digest('base64url');
/** The one answer for every refused agent token. */
const REFUSED = { code: 'UNAUTHORIZED', message: 'Your session is not valid; please sign in again' };

let server: TestServer;
let node2: RunningServer;
let node2Dir: string;
let redis: TestRedis;
let catcher: MailCatcher;

let agent: { id: string; email: string; password: string };
let adminToken: string;
let customers: { visitor: CustomerSessionDTO; user: CustomerSessionDTO; guest: CustomerSessionDTO };
/** Tokens that were valid once and were then taken back; filled in beforeAll. */
let stale: { deactivated: string; signedOut: string; signedOutEverywhere: string };

let seq = 0;
const cid = () => `tok-${Date.now().toString(36)}-${++seq}`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const jti = () => randomBytes(16).toString('base64url');

/** A JWT put together by hand: any header, any claims, any signature. */
function craft(header: Record<string, unknown>, claims: Record<string, unknown>, sign: (input: string) => string = () => ''): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(input)}`;
}
const hmac = (key: string | Buffer) => (input: string) => createHmac('sha256', key).update(input).digest('base64url');

/** What a well-formed session of `agent` carries; each row of the table breaks one thing. */
const goodClaims = (over: Record<string, unknown> = {}) => ({ sub: agent.id, aud: 'agent', jti: jti(), ver: 0, iat: now(), exp: now() + 3600, ...over });
const without = (key: string) => {
  const c: Record<string, unknown> = goodClaims();
  delete c[key];
  return c;
};
const signed = (claims: Record<string, unknown>, key: string = JWT_SECRET, algorithm: jwt.Algorithm = 'HS256') => jwt.sign(claims, key, { algorithm });

let keys: { rsa: { privateKey: string; publicKey: string }; ec: { privateKey: string } } | undefined;
const keyPairs = () =>
  (keys ??= {
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }),
    ec: generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }),
  });

/** Every token that must not open an agent session: [what it is, how to make it]. Built after beforeAll. */
const refusedTokens: Array<[string, () => string]> = [
  ['alg "none", unsigned, with perfect claims', () => craft({ alg: 'none', typ: 'JWT' }, goodClaims())],
  ['alg "None" (other spelling), unsigned', () => craft({ alg: 'None', typ: 'JWT' }, goodClaims())],
  ['alg "none" carrying the signature of a real token', () => `${craft({ alg: 'none', typ: 'JWT' }, goodClaims()).slice(0, -1)}.${stale.signedOut.split('.')[2]}`],
  ['HS256 signed with a wrong key', () => signed(goodClaims(), 'not-the-server-secret-not-the-server-secret')],
  ['HS256 signed with the customer-session key', () => signed(goodClaims(), CUSTOMER_KEY)],
  ['HS512 signed with the right key', () => signed(goodClaims(), JWT_SECRET, 'HS512')],
  ['RS256 signed with an attacker key pair', () => signed(goodClaims(), keyPairs().rsa.privateKey, 'RS256')],
  ['ES256 signed with an attacker key pair', () => signed(goodClaims(), keyPairs().ec.privateKey, 'ES256')],
  ['alg RS256 in the header, HMAC-signed with the server secret (algorithm confusion)', () => craft({ alg: 'RS256', typ: 'JWT' }, goodClaims(), hmac(JWT_SECRET))],
  ['alg ES256 in the header, HMAC-signed with the server secret', () => craft({ alg: 'ES256', typ: 'JWT' }, goodClaims(), hmac(JWT_SECRET))],
  ['HS256 keyed with an RSA public key (the classic confusion)', () => craft({ alg: 'HS256', typ: 'JWT' }, goodClaims(), hmac(keyPairs().rsa.publicKey))],
  ['an embedded jwk header naming the attacker key', () => craft({ alg: 'HS256', typ: 'JWT', jwk: { kty: 'oct', k: Buffer.from('attacker-key').toString('base64url') } }, goodClaims(), hmac('attacker-key'))],
  ['expired', () => signed(goodClaims({ iat: now() - 7200, exp: now() - 60 }))],
  ['not yet valid (nbf an hour ahead)', () => signed(goodClaims({ nbf: now() + 3600 }))],
  ['issued an hour in the future', () => signed(goodClaims({ iat: now() + 3600, exp: now() + 7200 }))],
  ['without exp', () => signed(without('exp'))],
  ['without sub', () => signed(without('sub'))],
  ['without jti', () => signed(without('jti'))],
  ['without ver', () => signed(without('ver'))],
  ['without aud', () => signed(without('aud'))],
  ['for another audience', () => signed(goodClaims({ aud: 'customer' }))],
  ['ver as a string', () => signed(goodClaims({ ver: '0' }))],
  ['an older ver', () => signed(goodClaims({ ver: -1 }))],
  ['a jti of one character', () => signed(goodClaims({ jti: 'x' }))],
  ['sub not an agent id', () => signed(goodClaims({ sub: 'admin' }))],
  ['sub of no agent', () => signed(goodClaims({ sub: '0123456789abcdef01234567' }))],
  ['sub as a query object', () => signed(goodClaims({ sub: { $ne: null } }))],
  ['of a deactivated agent', () => stale.deactivated],
  ['signed out (revoked)', () => stale.signedOut],
  ['signed out everywhere', () => stale.signedOutEverywhere],
  ["a widget visitor's session", () => customers.visitor.token],
  ["a logged-in user's session", () => customers.user.token],
  ["a guest's session", () => customers.guest.token],
  ['customer claims signed with the agent key', () => signed({ k: 'guest', site: 'default', cid: agent.id, iat: now(), exp: now() + 3600 })],
  ['agent claims and customer claims together, signed with the customer key', () => signed({ ...goodClaims(), k: 'visitor', site: 'default', vid: agent.id }, CUSTOMER_KEY)],
  ['garbage', () => 'garbage'],
  ['three empty parts', () => '..'],
  ['JSON instead of a JWT', () => JSON.stringify(goodClaims())],
  ['base64 noise with dots', () => `${randomBytes(30).toString('base64url')}.${randomBytes(60).toString('base64url')}.${randomBytes(32).toString('base64url')}`],
  // Latin-1 only: an HTTP header cannot carry more (the handshake test below sends wider text).
  ['non-ASCII', () => 'ünïcödé.tökén.ßïgñätürê'],
  ['10 kB of garbage', () => 'A'.repeat(10_240)],
  ['10 kB, properly signed with the right key (padding claim)', () => signed(goodClaims({ pad: 'x'.repeat(10_240) }))],
];

/** Resolves when the socket connects, rejects with the handshake's refusal. */
function connection(socket: ReturnType<typeof io>): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

async function refusal(p: Promise<unknown>): Promise<{ message: string; data?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { message: string; data?: unknown };
  }
  throw new Error('the connection was accepted');
}

function disconnected(socket: AgentClient): Promise<string> {
  return new Promise((resolve) => {
    if (!socket.connected) resolve('already');
    socket.once('disconnect', (reason) => resolve(reason));
  });
}

beforeAll(async () => {
  catcher = await startMailCatcher();
  redis = await startTestRedis();
  server = await startTestServer({ JWT_SECRET, SMTP_URL: catcher.url, REDIS_URL: redis.url });
  // A second node of the same deployment: same store, same secret, joined through Redis.
  node2Dir = await mkdtemp(join(tmpdir(), 'chat-node2-'));
  node2 = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: server.testStore.uri, DATA_DIR: node2Dir, LOG_LEVEL: 'silent', JWT_SECRET, REDIS_URL: redis.url, SMTP_URL: catcher.url }),
  );

  agent = await server.addAgent('Tova Token');
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;

  const widget = await connectVisitor(server.url);
  const secret = await siteIdentitySecret(server.url, adminToken);
  const userRes = await rest<CustomerSessionDTO>(server.url, 'POST', '/api/customer/session', { body: { siteKey: 'default', userToken: signUserToken(secret, { sub: 'host-user-7', email: 'host.user@example.test' }) } });
  const ticket = ok(await call<SyncResult>(widget, 'ticket:create', { clientId: cid(), email: 'guest.owner@example.test', category: 'other', body: 'Where is my parcel?' }));
  expect(ticket.conversation.ticket).toBeTruthy();
  const link = await ticketLinkFor(catcher, 'guest.owner@example.test');
  customers = { visitor: await customerSession(widget), user: userRes.body, guest: await guestSignIn(server.url, catcher, link, 'guest.owner@example.test') };

  // Stale tokens: each was a working session before it was taken back.
  const doomed = await server.addAgent('Dora Deactivated');
  const deactivated = await login(server.url, doomed.email, doomed.password);
  expect((await rest(server.url, 'PATCH', `/api/admin/agents/${doomed.id}`, { token: adminToken, body: { active: false } })).status).toBe(200);
  const signedOut = await login(server.url, agent.email, agent.password);
  expect((await rest(server.url, 'POST', '/api/auth/logout', { token: signedOut.token })).status).toBe(204);
  const everywhere = await server.addAgent('Eve Everywhere');
  const beforeAll = await login(server.url, everywhere.email, everywhere.password);
  const other = await login(server.url, everywhere.email, everywhere.password);
  expect((await rest(server.url, 'POST', '/api/auth/logout-all', { token: other.token })).status).toBe(204);
  stale = { deactivated: deactivated.token, signedOut: signedOut.token, signedOutEverywhere: beforeAll.token };
});

afterAll(async () => {
  closeAllClients();
  await node2?.stop();
  await server?.stop();
  await redis?.stop();
  await catcher?.close();
  if (node2Dir) await rm(node2Dir, { recursive: true, force: true });
});

describe('a forged, stale or borrowed agent token is refused, with nothing learnt', () => {
  it('a token made the way the server makes them is accepted (so the refusals below are about what each one breaks)', async () => {
    const token = signed(goodClaims());
    expect((await rest(server.url, 'GET', '/api/auth/me', { token })).status).toBe(200);
    const socket = await connectAgent(server.url, token);
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });

  it.each(refusedTokens)('%s: REST answers 401 UNAUTHORIZED with the one message', async (_what, make) => {
    const token = make();
    for (const path of ['/api/auth/me', '/api/admin/sites']) {
      const res = await rest(server.url, 'GET', path, { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: REFUSED });
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    // Uploads take customer sessions too: this token is none of either.
    if (!Object.values(customers).some((c) => c.token === token)) {
      const upload = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new FormData() });
      expect(upload.status).toBe(401);
    }
  });

  it.each(refusedTokens)('%s: the /agent handshake is refused with the same answer', async (_what, make) => {
    const err = await refusal(connectAgent(server.url, make()));
    expect(err.message).toBe('UNAUTHORIZED');
    expect(err.data).toEqual(REFUSED);
  });

  it('a token that is not a string, or no token at all, is refused at the handshake', async () => {
    for (const token of [undefined, null, 42, { $gt: '' }, ['a', 'b'], '', 'тест.令牌.💥']) {
      const socket = io(`${server.url}/agent`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await refusal(connection(socket));
      socket.close();
      expect(err.message, JSON.stringify(token)).toBe('UNAUTHORIZED');
    }
  });
});

describe('an agent token is not a customer token either', () => {
  it('the customer page refuses it as a session, and the widget as a visitor token', async () => {
    const { token } = await login(server.url, agent.email, agent.password);
    const asSession = await refusal(connectCustomerPage(server.url, token));
    expect(asSession.message).toBe('UNAUTHORIZED');
    expect(asSession.data).toEqual({ code: 'UNAUTHORIZED', message: 'Your session has expired; please sign in again' });
    expect((await refusal(connectVisitor(server.url, token))).message).toBe('UNAUTHORIZED');
  });

  it('as a host user token it signs nobody in: the widget stays anonymous and the customer page refuses it', async () => {
    const { token } = await login(server.url, agent.email, agent.password);
    const widget = await connectVisitor(server.url, newVisitorToken(), { userToken: token });
    expect(await customerSession(widget)).toMatchObject({ kind: 'visitor', user: null, identity: 'refused' });
    const page = await rest(server.url, 'POST', '/api/customer/session', { body: { siteKey: 'default', userToken: token } });
    expect(page.status).toBe(401);
  });

  it('a customer-key token whose claims do not make a customer session is refused', async () => {
    const base = { site: 'default', iat: now(), exp: now() + 3600 };
    for (const claims of [
      { ...base },
      { ...base, k: 'guest' },
      { ...base, k: 'user' },
      { ...base, k: 'agent', vid: agent.id },
      { ...base, k: 'visitor', vid: agent.id, aud: 'agent' },
    ]) {
      const err = await refusal(connectCustomerPage(server.url, signed(claims, CUSTOMER_KEY)));
      expect(err.message, JSON.stringify(claims)).toBe('UNAUTHORIZED');
    }
    // The same key and well-formed claims do open it: the refusals are about the claims.
    const page = await connectCustomerPage(server.url, signed({ ...base, k: 'visitor', vid: agent.id }, CUSTOMER_KEY));
    expect(page.connected).toBe(true);
  });
});

describe('signing out', () => {
  it("revokes that session alone: its sockets close on every node, the agent's other sessions go on", async () => {
    const a = await login(server.url, agent.email, agent.password);
    const b = await login(server.url, agent.email, agent.password);
    const [aHere, aThere, bThere] = await Promise.all([connectAgent(server.url, a.token), connectAgent(node2.url, a.token), connectAgent(node2.url, b.token)]);
    const closed = [disconnected(aHere), disconnected(aThere)];

    expect((await rest(server.url, 'POST', '/api/auth/logout', { token: a.token })).status).toBe(204);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);

    for (const url of [server.url, node2.url]) {
      expect((await rest(url, 'GET', '/api/auth/me', { token: a.token })).body).toEqual({ error: REFUSED });
      expect((await refusal(connectAgent(url, a.token))).data).toEqual(REFUSED);
      expect((await rest(url, 'GET', '/api/auth/me', { token: b.token })).status).toBe(200);
    }
    expect(bThere.connected).toBe(true);
    expect(ok(await call(bThere, 'queue:list', {}))).toBeTruthy();
    // Signing out again with the revoked token is refused like any other use of it.
    expect((await rest(server.url, 'POST', '/api/auth/logout', { token: a.token })).body).toEqual({ error: REFUSED });
  });

  it('everywhere revokes every session of the agent and closes all their sockets, on every node; signing in again works', async () => {
    const who = await server.addAgent('Wim Wherever');
    const sessions = await Promise.all([1, 2, 3].map(() => login(server.url, who.email, who.password)));
    const sockets = await Promise.all(sessions.map((s, i) => connectAgent(i % 2 ? node2.url : server.url, s.token)));
    const closed = sockets.map(disconnected);
    // Another agent's session is not touched.
    const bystander = await connectAgent(node2.url, (await login(server.url, agent.email, agent.password)).token);

    expect((await rest(node2.url, 'POST', '/api/auth/logout-all', { token: sessions[0]!.token })).status).toBe(204);
    expect(await Promise.all(closed)).toEqual(sockets.map(() => 'io server disconnect'));
    for (const s of sessions) expect((await rest(server.url, 'GET', '/api/auth/me', { token: s.token })).status).toBe(401);
    expect(bystander.connected).toBe(true);

    const fresh = await login(server.url, who.email, who.password);
    expect((await rest(node2.url, 'GET', '/api/auth/me', { token: fresh.token })).status).toBe(200);
  });

  it('deactivating an agent closes their sockets and refuses their token from then on', async () => {
    const who = await server.addAgent('Dag Deactivated');
    const session = await login(server.url, who.email, who.password);
    const socket = await connectAgent(node2.url, session.token);
    const closed = disconnected(socket);
    expect((await rest(server.url, 'PATCH', `/api/admin/agents/${who.id}`, { token: adminToken, body: { active: false } })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect((await rest(node2.url, 'GET', '/api/auth/me', { token: session.token })).body).toEqual({ error: REFUSED });
  });

  it('nobody signs out without a session', async () => {
    for (const path of ['/api/auth/logout', '/api/auth/logout-all']) {
      expect((await rest(server.url, 'POST', path)).status).toBe(401);
      expect((await rest(server.url, 'POST', path, { token: customers.guest.token })).body).toEqual({ error: REFUSED });
    }
  });

  it('only rows of tokens that have not expired yet are kept', async () => {
    const row = await server.models.RevokedSession.findById(jwt.decode(stale.signedOut, { json: true })!.jti).lean();
    expect(row?.expiresAt.getTime()).toBe(jwt.decode(stale.signedOut, { json: true })!.exp! * 1000);
    await server.models.RevokedSession.create({ _id: 'an-expired-session-id', agentId: agent.id, expiresAt: new Date(Date.now() - 1000) });
    const s = await login(server.url, agent.email, agent.password);
    expect((await rest(server.url, 'POST', '/api/auth/logout', { token: s.token })).status).toBe(204);
    await expect.poll(() => server.models.RevokedSession.exists({ _id: 'an-expired-session-id' })).toBeNull();
    expect(await server.models.RevokedSession.exists({ _id: jwt.decode(s.token, { json: true })!.jti! })).toBeTruthy();
  });
});

describe('tokens never come from a query string', () => {
  it('REST ignores ?token= and ?access_token=, even holding a valid session', async () => {
    const { token } = await login(server.url, agent.email, agent.password);
    for (const [path, t] of [
      ['/api/auth/me', token],
      ['/api/admin/sites', adminToken],
      ['/api/uploads', customers.visitor.token],
    ] as const) {
      for (const param of ['token', 'access_token', 'authorization', 'jwt']) {
        const method = path === '/api/uploads' ? 'POST' : 'GET';
        const res = await fetch(`${server.url}${path}?${param}=${encodeURIComponent(t)}`, { method, ...(method === 'POST' ? { body: new FormData() } : {}) });
        expect(res.status, `${method} ${path}?${param}=`).toBe(401);
      }
    }
  });

  it('the socket handshakes ignore tokens in the query', async () => {
    const { token } = await login(server.url, agent.email, agent.password);
    const attempts = [
      ['/agent', { token }],
      ['/agent', { access_token: token }],
      ['/visitor', { visitorToken: newVisitorToken() }],
      ['/visitor', { session: customers.visitor.token }],
    ] as const;
    for (const [namespace, query] of attempts) {
      const socket = io(`${server.url}${namespace}`, { query, transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await refusal(connection(socket));
      socket.close();
      expect(err.message, `${namespace} ${Object.keys(query).join()}`).toBe('UNAUTHORIZED');
    }
  });
});

describe('passwords', () => {
  const PHC = `$argon2id$v=19$m=${PASSWORD_HASH_OPTIONS.memoryCost},t=${PASSWORD_HASH_OPTIONS.timeCost},p=${PASSWORD_HASH_OPTIONS.parallelism}$`;

  it("are hashed with argon2id at OWASP's memory-hard minimum or above (19 MiB, 2 passes, 1 lane)", () => {
    expect(PASSWORD_HASH_OPTIONS.memoryCost).toBeGreaterThanOrEqual(19 * 1024);
    expect(PASSWORD_HASH_OPTIONS.timeCost).toBeGreaterThanOrEqual(2);
    expect(PASSWORD_HASH_OPTIONS.parallelism).toBeGreaterThanOrEqual(1);
    expect(PHC).toBe('$argon2id$v=19$m=19456,t=2,p=1$');
  });

  it('every stored hash is $argon2id$ with those parameters: the first admin, a created agent, an invited agent who chose a password', async () => {
    const invited = await rest<AgentInviteResult>(server.url, 'POST', ADMIN_API.agents, { token: adminToken, body: { email: 'ingrid.invited@example.test', name: 'Ingrid Invited', role: 'agent' } });
    expect(invited.status).toBe(201);
    const mail = await catcher.waitFor((m) => m.to.includes('ingrid.invited@example.test'));
    const inviteToken = /#\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    const accepted = await rest<LoginResult>(server.url, 'POST', ADMIN_API.acceptInvite, { body: { token: inviteToken, password: 'a password Ingrid chose' } });
    expect(accepted.status).toBe(200);

    for (const email of [ADMIN.email, agent.email, 'ingrid.invited@example.test']) {
      const stored = await server.models.Agent.findOne({ email }).lean();
      expect(stored?.passwordHash.startsWith(PHC), `${email}: ${stored?.passwordHash.slice(0, 40)}`).toBe(true);
      // Salted: the hash says nothing of the password, and no two are alike.
      expect(stored?.passwordHash).not.toContain('password');
    }
    const hashes = await server.models.Agent.find({}, { passwordHash: 1 }).lean();
    expect(new Set(hashes.map((h) => h.passwordHash)).size).toBe(hashes.length);
    // And the password works.
    expect((await login(server.url, 'ingrid.invited@example.test', 'a password Ingrid chose')).agent.email).toBe('ingrid.invited@example.test');
  });
});
