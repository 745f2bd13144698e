/**
 * Every abuse limit, configured small: each one is hit and answers a clear error that says what
 * was limited and when to try again (or, for sizes, how big is allowed).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import type { Ack } from '../../shared/events.js';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits.js';
import type { ConversationDTO, SyncResult } from '../../shared/types.js';
import { agentSession, call, closeAllClients, connectVisitor, newVisitorToken, ok, rest, type VisitorClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const LIMITS = {
  SOCKET_EVENTS_PER_SECOND: '5',
  SOCKET_EVENTS_BURST: '10',
  CONVERSATIONS_PER_IP_PER_HOUR: '3',
  LOGIN_ATTEMPTS_PER_15_MIN: '3',
  GUEST_CODES_PER_IP_PER_15_MIN: '2',
  GUEST_LINK_CHECKS_PER_IP_PER_15_MIN: '2',
  GUEST_CODE_CHECKS_PER_IP_PER_15_MIN: '2',
  MAX_PAYLOAD_BYTES: '16384',
};

/** What the server logged at warn and above, as parsed lines. */
const logged: Array<{ msg: string; [k: string]: unknown }> = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line) as { msg: string });
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(LIMITS, { log: pino({ level: 'warn' }, logSink) });
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

let ipSeq = 0;
/** A network of its own for each test (the server trusts X-Forwarded-For from loopback, TRUST_PROXY's default). */
const newIp = () => `198.51.100.${++ipSeq}`;
let seq = 0;
const cid = () => `limits-${Date.now().toString(36)}-${++seq}`;

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

/** A widget connection from the given network. */
function visitorFrom(ip: string): Promise<VisitorClient> {
  const socket = io(`${server.url}/visitor`, {
    auth: { visitorToken: newVisitorToken() },
    extraHeaders: { 'x-forwarded-for': ip },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket as unknown as VisitorClient));
    socket.once('connect_error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('events per second on one socket', () => {
  it('a visitor sending faster than allowed gets RATE_LIMITED at once for the excess, and those messages are not stored', async () => {
    const visitor = await connectVisitor(server.url);
    const conv = ok(await call<SyncResult>(visitor, 'conversation:start', {})).conversation;
    await sleep(1100); // a full bucket again

    const t0 = Date.now();
    const pending = Array.from({ length: 30 }, (_, i) => call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: `burst ${i}` }));
    // Events without an ack, right behind the burst, are dropped the same way.
    for (let i = 0; i < 5; i++) (visitor as unknown as Socket).emit('message:send', { conversationId: conv.id, clientId: cid(), body: `no ack ${i}` });
    const acks = await Promise.all(pending);
    const accepted = acks.filter((a) => a.ok).length;
    const refused = acks.filter((a): a is Extract<Ack<unknown>, { ok: false }> => !a.ok);
    // The burst (10), and the tokens that dripped in (5 a second) while they were sent.
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(10 + Math.ceil(((Date.now() - t0) / 1000) * 5));
    expect(refused.length).toBe(30 - accepted);
    for (const r of refused) {
      expect(r.error).toEqual({
        code: 'RATE_LIMITED',
        message: 'Too many requests on this connection (more than 5 a second); wait a moment and try again',
        details: { reason: 'throttled', retryAfterSeconds: 1 },
      });
    }

    await sleep(1100);
    const history = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    const bodies = history.messages.filter((m) => m.author.type === 'visitor').map((m) => m.body);
    // Every acknowledged message is stored, no refused one; of those without an ack, at most one that met a token dripping in.
    expect(bodies.filter((b) => b.startsWith('burst'))).toHaveLength(accepted);
    expect(bodies.filter((b) => b.startsWith('no ack')).length).toBeLessThanOrEqual(1);
  });

  it('an agent socket is limited the same way, and works again after a pause', async () => {
    const { socket } = await agentSession(server.url, await server.addAgent('Hasty'));
    await sleep(1100);
    const t0 = Date.now();
    const acks = await Promise.all(Array.from({ length: 20 }, () => call(socket, 'queue:list', {})));
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(10 + Math.ceil(((Date.now() - t0) / 1000) * 5));
    expect(acks.find((a) => !a.ok)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } } });
    await sleep(1100);
    expect(ok(await call(socket, 'queue:list', {}))).toHaveProperty('queued');
  });

  it('a socket flooding at far more than the limit is disconnected, and the server logs why', async () => {
    const visitor = await connectVisitor(server.url);
    const gone = new Promise<string>((resolve) => visitor.once('disconnect', (reason) => resolve(reason)));
    // 5 a second allowed; the flood runs at hundreds a second for several seconds.
    const flood = setInterval(() => {
      for (let i = 0; i < 50; i++) (visitor as unknown as Socket).emit('conversation:current', {});
    }, 20);
    try {
      expect(await Promise.race([gone, sleep(8000).then(() => 'still connected')])).toBe('io server disconnect');
    } finally {
      clearInterval(flood);
    }
    expect(logged.find((l) => /socket disconnected: more than 10× its events per second/.test(l.msg))).toMatchObject({ reason: 'event flood', perSecond: 5 });
    // Others are unaffected.
    const other = await connectVisitor(server.url);
    expect(ok(await call(other, 'conversation:current', {}))).toBeNull();
  });
});

describe('payload size', () => {
  it('a REST body over MAX_PAYLOAD_BYTES answers 413 with our error body', async () => {
    const res = await rest(server.url, 'POST', '/api/auth/login', { body: { email: 'a@example.test', password: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large (at most 16384 bytes)' } });
  });

  it('a socket packet over MAX_PAYLOAD_BYTES closes that connection; one under it is answered', async () => {
    const visitor = await connectVisitor(server.url);
    const conv = ok(await call<SyncResult>(visitor, 'conversation:start', {})).conversation;
    // Under the packet limit but over the message length: a clear VALIDATION answer.
    const long = await call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) });
    expect(long).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: `Invalid input: body must be at most ${MAX_MESSAGE_LENGTH} characters`, details: [{ path: 'body', message: `must be at most ${MAX_MESSAGE_LENGTH} characters` }] },
    });
    const gone = new Promise<string>((resolve) => visitor.once('disconnect', (reason) => resolve(reason)));
    (visitor as unknown as Socket).emit('message:send', { conversationId: conv.id, clientId: cid(), body: 'x'.repeat(20_000) });
    expect(await gone).toBe('transport close');
    // The server is fine, and the oversize message was not stored.
    const again = await connectVisitor(server.url);
    expect(ok(await call(again, 'session:get', {}))).toHaveProperty('token');
    expect(await server.models.Message.countDocuments({ conversationId: conv.id, body: /^x+$/ })).toBe(0);
  });
});

describe('new conversations per network', () => {
  it('past CONVERSATIONS_PER_IP_PER_HOUR a new chat is refused with when to retry; an open chat asked for again does not count', async () => {
    const ip = newIp();
    const started: ConversationDTO[] = [];
    let third: VisitorClient | undefined;
    for (let i = 0; i < 3; i++) {
      third = await visitorFrom(ip);
      started.push(ok(await call<SyncResult>(third, 'conversation:start', {})).conversation);
    }
    // The third visitor's page asks again: its open chat comes back, and no count is used.
    expect(ok(await call<SyncResult>(third!, 'conversation:start', {})).conversation.id).toBe(started[2]!.id);

    const fourth = await visitorFrom(ip);
    const refused = await call(fourth, 'conversation:start', {});
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.stringMatching(/^Too many new chats from your network; please try again in \d+ (seconds|minutes)$/), details: { reason: 'throttled', retryAfterSeconds: expect.any(Number) } },
    });
    // Nothing was left behind for the refused visitor, and another network is unaffected.
    expect(ok(await call(fourth, 'conversation:current', {}))).toBeNull();
    expect(ok(await call<SyncResult>(await visitorFrom(newIp()), 'conversation:start', {})).conversation.status).toBe('queued');
  });
});

describe('agent sign-in attempts', () => {
  const login = (email: string, password: string, ip: string) => rest(server.url, 'POST', '/api/auth/login', { body: { email, password }, ip });
  const limitedError = {
    code: 'RATE_LIMITED',
    message: expect.stringMatching(/^Too many sign-in attempts; please try again in \d+ (seconds|minutes)$/),
    details: { reason: 'throttled', retryAfterSeconds: expect.any(Number) },
  };

  it('after LOGIN_ATTEMPTS_PER_15_MIN wrong passwords even the right one waits, and an unknown email is answered the same', async () => {
    const agent = await server.addAgent('Guessed');
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await login(agent.email, `wrong-${i}`, ip)).status).toBe(401);
    const blocked = await login(agent.email, agent.password, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.error).toMatchObject(limitedError);
    expect(blocked.headers.get('retry-after')).toBe(String((blocked.error!.details as { retryAfterSeconds: number }).retryAfterSeconds));

    // Nobody learns whether an email belongs to an agent: the same answers, in the same order.
    const ip2 = newIp();
    const unknown = 'nobody.here@example.test';
    for (let i = 0; i < 3; i++) expect((await login(unknown, `wrong-${i}`, ip2)).status).toBe(401);
    const blockedUnknown = await login(unknown, 'whatever', ip2);
    expect(blockedUnknown.status).toBe(429);
    expect(Object.keys(blockedUnknown.error!)).toEqual(Object.keys(blocked.error!));
    expect(blockedUnknown.error).toMatchObject(limitedError);
  });

  it('successful sign-ins are not counted', async () => {
    const agent = await server.addAgent('Regular');
    const ip = newIp();
    for (let i = 0; i < 8; i++) expect((await login(agent.email, agent.password, ip)).status).toBe(200);
    // All three failures are still allowed.
    for (let i = 0; i < 3; i++) expect((await login(agent.email, `typo-${i}`, ip)).status).toBe(401);
    expect((await login(agent.email, agent.password, ip)).status).toBe(429);
  });

  it('guesses at one email from many networks are limited per email too', async () => {
    const agent = await server.addAgent('Targeted');
    for (let i = 0; i < 3; i++) expect((await login(agent.email, `spray-${i}`, newIp())).status).toBe(401);
    const res = await login(agent.email.toUpperCase(), agent.password, newIp());
    expect(res.status).toBe(429);
    expect(res.error).toMatchObject(limitedError);
  });
});

describe('guest code requests', () => {
  it('code requests, link look-ups and code checks per network come from the configuration', async () => {
    const link = () => randomBytes(32).toString('base64url');
    for (const [path, body, what] of [
      ['/api/guest/code', () => ({ link: link() }), /^Too many code requests from your network; please try again in \d+ (seconds|minutes)$/],
      ['/api/guest/link', () => ({ link: link() }), /^Too many ticket links opened from your network; please try again in \d+ (seconds|minutes)$/],
      ['/api/guest/verify', () => ({ link: link(), code: '123456' }), /^Too many attempts from your network; please try again in \d+ (seconds|minutes)$/],
    ] as const) {
      const ip = newIp();
      // Two allowed (unknown links: 404), the third refused.
      for (let i = 0; i < 2; i++) expect((await rest(server.url, 'POST', path, { body: body(), ip })).status, path).toBe(404);
      const res = await rest(server.url, 'POST', path, { body: body(), ip });
      expect(res.status, path).toBe(429);
      expect(res.error, path).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(what), details: { retryAfterSeconds: expect.any(Number) } });
    }
  });
});

describe('configuration', () => {
  it('limits are read from the environment, and a TRUST_PROXY that would believe anyone is refused', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:1/x' };
    const c = loadConfig({ ...base, ...LIMITS, TRUST_PROXY: '10.0.0.0/8, loopback' });
    expect(c.limits).toEqual({
      maxPayloadBytes: 16384,
      socketEvents: { perSecond: 5, burst: 10 },
      conversationsPerIpPerHour: 3,
      loginAttemptsPer15Min: 3,
      guest: { linkChecksPerIp: 2, codesPerIp: 2, codesPerTicket: 5, codeChecksPerIp: 2 },
    });
    expect(c.trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(loadConfig(base).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SOCKET_EVENTS_PER_SECOND: '0' })).toThrow(/SOCKET_EVENTS_PER_SECOND/);
  });
});
