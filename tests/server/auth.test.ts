import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllClients, connectAgent, connectVisitor, login } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

const JWT_SECRET = 'a-known-test-secret-of-more-than-32-characters';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET });
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

function connectionOf(socket: ReturnType<typeof io>): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

async function refusedWith(p: Promise<unknown>): Promise<{ message: string; data?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as { message: string; data?: unknown };
  }
  throw new Error('the connection was accepted');
}

describe('agents sign in', () => {
  it('the first admin comes from ADMIN_EMAIL and ADMIN_PASSWORD and can sign in', async () => {
    const session = await login(server.url, ADMIN.email, ADMIN.password);
    expect(session.agent).toMatchObject({ email: ADMIN.email, role: 'admin' });
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ agent: { email: ADMIN.email, role: 'admin' } });
    const stored = await server.models.Agent.findOne({ email: ADMIN.email }).lean();
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('a wrong password and an unknown email get the same answer', async () => {
    for (const [email, password] of [[ADMIN.email, 'wrong password'], ['nobody@example.test', 'whatever']]) {
      const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Wrong email or password' } });
    }
  });

  it('the agent namespace refuses missing, forged, expired and alg=none tokens', async () => {
    const { agent } = await login(server.url, ADMIN.email, ADMIN.password);
    const now = Math.floor(Date.now() / 1000);
    const forged = jwt.sign({ ver: 0 }, 'not-the-server-secret-not-the-server-secret', { subject: agent.id, expiresIn: '1h' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ sub: agent.id, ver: 0, iat: now, exp: now + 3600 })).toString('base64url');
    const algNone = `${header}.${claims}.`;
    for (const token of ['', 'garbage', forged, algNone]) {
      const err = await refusedWith(connectAgent(server.url, token));
      expect(err.message).toBe('UNAUTHORIZED');
      expect(err.data).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const noAuth = io(`${server.url}/agent`, { transports: ['websocket'], reconnection: false, forceNew: true });
    expect((await refusedWith(connectionOf(noAuth))).message).toBe('UNAUTHORIZED');
    noAuth.close();
  });

  it('an expired session token, or one signed with another algorithm, is refused by REST and sockets alike', async () => {
    const { agent } = await login(server.url, ADMIN.email, ADMIN.password);
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ sub: agent.id, ver: 0, iat: now - 7200, exp: now - 3600 }, JWT_SECRET);
    const hs512 = jwt.sign({ ver: 0 }, JWT_SECRET, { subject: agent.id, expiresIn: '1h', algorithm: 'HS512' });
    const noExpiry = jwt.sign({ ver: 0 }, JWT_SECRET, { subject: agent.id });
    for (const token of [expired, hs512, noExpiry]) {
      const res = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect((await refusedWith(connectAgent(server.url, token))).message).toBe('UNAUTHORIZED');
    }
    const valid = jwt.sign({ ver: 0 }, JWT_SECRET, { subject: agent.id, audience: 'agent', jwtid: 'a-session-id-of-our-own', expiresIn: '1h' });
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${valid}` } })).status).toBe(200);
  });

  it('the visitor namespace refuses a missing or too short visitor token', async () => {
    for (const token of ['', 'short', 'x'.repeat(42), 'has spaces and is long enough to pass the length check!!']) {
      const err = await refusedWith(connectVisitor(server.url, token));
      expect(err.message).toBe('UNAUTHORIZED');
    }
    const noAuth = io(`${server.url}/visitor`, { transports: ['websocket'], reconnection: false, forceNew: true });
    expect((await refusedWith(connectionOf(noAuth))).message).toBe('UNAUTHORIZED');
    noAuth.close();
  });
});

describe('health', () => {
  it('/healthz says the process is up and /readyz that the store is reachable (and that no Redis joins nodes)', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, store: 'reachable', redis: 'off' });
  });
});
