/**
 * Which pages may use the chat: a site's allowed origins (empty: any) for its widget's sockets and
 * REST calls, our own origin always (and only it for agents), and no Origin at all (no browser) let
 * through. Sockets are tried over HTTP long-polling and over WebSocket alike: a browser sends its
 * page's Origin with both, and the check must not depend on the transport.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { SiteDTO, UploadResult } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { CustomerSessionDTO } from '../../shared/types.js';
import { call, closeAllClients, customerSession, login, newVisitorToken, ok, rest, signUserToken, siteIdentitySecret, type VisitorClient } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

const SHOP = 'https://shop.example.test';
const OTHER = 'https://evil.example.test';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const TRANSPORTS = ['polling', 'websocket'] as const;
type Transport = (typeof TRANSPORTS)[number];

let server: TestServer;
let adminToken: string;
let agentToken: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;
  const creds = await server.addAgent('Origin Agent');
  agentToken = (await login(server.url, creds.email, creds.password)).token;
  // "shop" takes the chat only on its own pages; "default" keeps the empty list (any page).
  await setOrigins('shop', [SHOP]);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  closeAllClients();
  await server?.stop();
});

async function setOrigins(siteKey: string, allowedOrigins: string[]): Promise<void> {
  const res = await rest<SiteDTO>(server.url, 'PATCH', `/api/admin/sites/${siteKey}`, { token: adminToken, body: { allowedOrigins } });
  expect(res.status).toBe(200);
  expect(res.body.allowedOrigins).toEqual(allowedOrigins);
}

type Outcome = { connected: true; socket: Socket } | { connected: false; error: ErrorBody };

/** A socket as a browser page on `origin` opens it (no Origin header when undefined), over one transport only. */
function open(namespace: 'visitor' | 'agent', auth: Record<string, unknown>, transport: Transport, origin?: string): Promise<Outcome> {
  const socket = io(`${server.url}/${namespace}`, {
    auth,
    transports: [transport],
    upgrade: false,
    reconnection: false,
    forceNew: true,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (err) => resolve({ connected: false, error: (err as Error & { data: ErrorBody }).data }));
  });
}

const widget = (siteKey: string, transport: Transport, origin?: string) => open('visitor', { visitorToken: newVisitorToken(), siteKey }, transport, origin);

async function expectConnected(outcome: Promise<Outcome>): Promise<Socket> {
  const o = await outcome;
  if (!o.connected) throw new Error(`expected a connection, got ${o.error.code}: ${o.error.message}`);
  return o.socket;
}

async function expectRefused(outcome: Promise<Outcome>): Promise<ErrorBody> {
  const o = await outcome;
  if (o.connected) throw new Error('expected the connection to be refused');
  return o.error;
}

/** A REST call as a browser page on `origin` sends it. */
async function fromPage(origin: string | undefined, method: string, path: string, init: { token?: string; body?: BodyInit; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (origin) headers.origin = origin;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  const parsed = text && /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : text;
  return { status: res.status, headers: res.headers, body: parsed, error: (parsed as { error?: ErrorBody })?.error };
}

const preflight = (origin: string, path: string, method = 'POST') =>
  fromPage(origin, 'OPTIONS', path, { headers: { 'access-control-request-method': method, 'access-control-request-headers': 'authorization' } });

function pngForm(name = 'photo.png'): FormData {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), name);
  return form;
}

/** A widget of `siteKey` (connected without an Origin, as a test client) and its REST session. */
async function widgetSession(siteKey: string): Promise<CustomerSessionDTO> {
  const socket = await expectConnected(widget(siteKey, 'websocket'));
  return customerSession(socket as unknown as VisitorClient);
}

describe('the widget socket', () => {
  for (const transport of TRANSPORTS) {
    it(`connects from a page on an origin its site allows (${transport})`, async () => {
      const socket = await expectConnected(widget('shop', transport, SHOP));
      expect(ok(await call(socket as unknown as VisitorClient, 'session:get', {}))).toMatchObject({ kind: 'visitor' });
    });

    it(`is refused from a page on another origin, saying which (${transport})`, async () => {
      expect(await expectRefused(widget('shop', transport, OTHER))).toEqual({ code: 'FORBIDDEN', message: `This site does not allow the chat on ${OTHER}` });
    });

    it(`connects from any page when its site lists no origins (${transport})`, async () => {
      await expectConnected(widget('default', transport, OTHER));
      await expectConnected(widget('default', transport, 'null'));
    });

    it(`connects without an Origin header: not a browser page (${transport})`, async () => {
      await expectConnected(widget('shop', transport));
    });

    it(`connects from our own pages whatever the site lists (${transport})`, async () => {
      await expectConnected(widget('shop', transport, server.url));
    });
  }

  it('a sandboxed page (Origin "null") is refused where the site lists origins', async () => {
    expect((await expectRefused(widget('shop', 'websocket', 'null'))).code).toBe('FORBIDDEN');
  });

  it('an origin the admin removes loses its open widgets at once, and cannot come back', async () => {
    await setOrigins('later', ['https://one.example.test', 'https://two.example.test']);
    const one = await expectConnected(widget('later', 'websocket', 'https://one.example.test'));
    const two = await expectConnected(widget('later', 'polling', 'https://two.example.test'));
    const gone = new Promise<string>((resolve) => one.once('disconnect', resolve));
    await setOrigins('later', ['https://two.example.test']);
    expect(await gone).toBe('io server disconnect');
    expect((await expectRefused(widget('later', 'websocket', 'https://one.example.test'))).code).toBe('FORBIDDEN');
    // The origin still allowed keeps its socket.
    expect(two.connected).toBe(true);
    expect(ok(await call(two as unknown as VisitorClient, 'session:get', {}))).toMatchObject({ kind: 'visitor' });
  });
});

describe('the customer page socket (session)', () => {
  for (const transport of TRANSPORTS) {
    it(`connects from our own page even when the site lists only others (${transport})`, async () => {
      const session = await widgetSession('shop');
      await expectConnected(open('visitor', { session: session.token }, transport, server.url));
    });

    it(`is refused on another site's page, allowed on the site's own (${transport})`, async () => {
      const session = await widgetSession('shop');
      expect((await expectRefused(open('visitor', { session: session.token }, transport, OTHER))).message).toBe(`This site does not allow the chat on ${OTHER}`);
      await expectConnected(open('visitor', { session: session.token }, transport, SHOP));
    });
  }
});

describe('the agent socket', () => {
  for (const transport of TRANSPORTS) {
    it(`is refused from any page but ours (${transport})`, async () => {
      const error = await expectRefused(open('agent', { token: agentToken }, transport, SHOP));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain(SHOP);
    });

    it(`connects from our own page and without an Origin header (${transport})`, async () => {
      await expectConnected(open('agent', { token: agentToken }, transport, server.url));
      await expectConnected(open('agent', { token: agentToken }, transport));
    });
  }

  it('a refused origin learns nothing about the token: a bad token from it is refused the same way', async () => {
    expect((await expectRefused(open('agent', { token: 'not-a-token' }, 'websocket', OTHER))).code).toBe('FORBIDDEN');
  });
});

describe('uploads and attachments (REST of the widget)', () => {
  it('an allowed page uploads and reads back its file, with CORS for that origin only', async () => {
    const session = await widgetSession('shop');
    const up = await fromPage(SHOP, 'POST', '/api/uploads', { token: session.token, body: pngForm() });
    expect(up.status).toBe(201);
    expect(up.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(up.headers.get('vary')).toMatch(/origin/i);
    const id = (up.body as UploadResult).attachments[0]!.id;
    const got = await fromPage(SHOP, 'GET', `/api/attachments/${id}`, { token: session.token });
    expect(got.status).toBe(200);
    expect(got.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(got.headers.get('access-control-expose-headers')).toMatch(/content-disposition/i);
  });

  it("another page with the same visitor's token is refused with 403 and our error, and stores nothing", async () => {
    const session = await widgetSession('shop');
    const before = await server.models.Attachment.countDocuments({});
    const up = await fromPage(OTHER, 'POST', '/api/uploads', { token: session.token, body: pngForm() });
    expect(up.status).toBe(403);
    expect(up.error).toEqual({ code: 'FORBIDDEN', message: `This site does not allow the chat on ${OTHER}` });
    expect(up.headers.get('access-control-allow-origin')).toBeNull();
    expect(await server.models.Attachment.countDocuments({})).toBe(before);

    const mine = await fromPage(undefined, 'POST', '/api/uploads', { token: session.token, body: pngForm() });
    expect(mine.status).toBe(201);
    const id = (mine.body as UploadResult).attachments[0]!.id;
    const got = await fromPage(OTHER, 'GET', `/api/attachments/${id}`, { token: session.token });
    expect(got.status).toBe(403);
    expect(got.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('any page may upload for a site that lists no origins', async () => {
    const session = await widgetSession('default');
    const up = await fromPage(OTHER, 'POST', '/api/uploads', { token: session.token, body: pngForm() });
    expect(up.status).toBe(201);
    expect(up.headers.get('access-control-allow-origin')).toBe(OTHER);
  });

  it('without an Origin header (no browser) the token alone decides', async () => {
    const session = await widgetSession('shop');
    expect((await fromPage(undefined, 'POST', '/api/uploads', { token: session.token, body: pngForm() })).status).toBe(201);
  });

  it("an agent's token is refused from another site's page, accepted from ours", async () => {
    const foreign = await fromPage(SHOP, 'POST', '/api/uploads', { token: agentToken, body: pngForm() });
    expect(foreign.status).toBe(403);
    expect(foreign.error?.code).toBe('FORBIDDEN');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fromPage(server.url, 'POST', '/api/uploads', { token: agentToken, body: pngForm() })).status).toBe(201);
  });

  it('a preflight is answered for an origin some site allows, and refused once no site does', async () => {
    const ok = await preflight(SHOP, '/api/uploads');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    // "default" lists no origins, so any page may use it: the preflight cannot know the site yet.
    expect((await preflight(OTHER, '/api/attachments/0123456789abcdef01234567', 'GET')).headers.get('access-control-allow-origin')).toBe(OTHER);

    // Every site lists its origins: a page on none of them is refused before it sends anything.
    const sites = (await rest<SiteDTO[]>(server.url, 'GET', '/api/admin/sites', { token: adminToken })).body;
    const open = sites.filter((s) => s.allowedOrigins.length === 0).map((s) => s.siteKey);
    try {
      for (const key of open) await setOrigins(key, ['https://default.example.test']);
      const refused = await preflight(OTHER, '/api/uploads');
      expect(refused.status).toBe(403);
      expect(refused.error).toEqual({ code: 'FORBIDDEN', message: `This site does not allow the chat on ${OTHER}` });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(SHOP, '/api/uploads')).status).toBe(204);
    } finally {
      for (const key of open) await setOrigins(key, []);
    }
  });

  it('a refused token is still readable (401) by an allowed page, so the widget can renew it', async () => {
    const res = await fromPage(SHOP, 'GET', '/api/attachments/0123456789abcdef01234567', { token: 'expired' });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
  });
});

describe('the customer session endpoint', () => {
  it("trades a user's token on the site's own page and refuses it on another", async () => {
    const secret = await siteIdentitySecret(server.url, adminToken, 'shop');
    const userToken = signUserToken(secret, { sub: 'origin-user', email: 'origin.user@example.test' });
    const okRes = await fromPage(SHOP, 'POST', '/api/customer/session', { json: { siteKey: 'shop', userToken } });
    expect(okRes.status).toBe(200);
    expect(okRes.headers.get('access-control-allow-origin')).toBe(SHOP);
    const refused = await fromPage(OTHER, 'POST', '/api/customer/session', { json: { siteKey: 'shop', userToken } });
    expect(refused.status).toBe(403);
    expect(refused.error).toEqual({ code: 'FORBIDDEN', message: `This site does not allow the chat on ${OTHER}` });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // Our own customer page always may.
    expect((await fromPage(server.url, 'POST', '/api/customer/session', { json: { siteKey: 'shop', userToken } })).status).toBe(200);
  });

  it("the guests' endpoints (opened from mailed links on our page) answer our own pages only", async () => {
    const res = await fromPage(OTHER, 'POST', '/api/guest/link', { json: { link: 'x'.repeat(40) } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fromPage(server.url, 'POST', '/api/guest/link', { json: { link: 'x'.repeat(40) } })).status).not.toBe(403);
  });
});

describe('agent and admin REST', () => {
  it('answers our own pages and clients without an Origin, and refuses other pages without CORS', async () => {
    const own = await fromPage(server.url, 'POST', '/api/auth/login', { json: ADMIN });
    expect(own.status).toBe(200);
    expect((await fromPage(undefined, 'GET', '/api/admin/sites', { token: adminToken })).status).toBe(200);

    for (const [method, path] of [['POST', '/api/auth/login'], ['GET', '/api/auth/me'], ['GET', '/api/admin/sites'], ['PATCH', '/api/admin/sites/shop']] as const) {
      const res = await fromPage(SHOP, method, path, { token: adminToken, ...(method === 'GET' ? {} : { json: method === 'POST' ? ADMIN : { name: 'Hijacked' } }) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.error?.code).toBe('FORBIDDEN');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await preflight(SHOP, path, method);
      expect(pre.status, `preflight ${path}`).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    }
    // The refused PATCH changed nothing.
    expect((await rest<SiteDTO>(server.url, 'GET', '/api/admin/sites/shop', { token: adminToken })).body.name).not.toBe('Hijacked');
  });
});

describe('with PUBLIC_URL set', () => {
  let pub: TestServer;
  beforeAll(async () => {
    pub = await startTestServer({ PUBLIC_URL: 'https://chat.example.test/' });
  });
  afterAll(async () => {
    await pub?.stop();
  });

  it('our own origin is PUBLIC_URL\'s, not whatever Host a request names', async () => {
    const token = (await login(pub.url, ADMIN.email, ADMIN.password)).token;
    const agentFrom = (origin: string) =>
      new Promise<string>((resolve) => {
        const s = io(`${pub.url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin } });
        sockets.push(s);
        s.once('connect', () => resolve('connected'));
        s.once('connect_error', (err) => resolve((err as Error & { data: ErrorBody }).data.code));
      });
    expect(await agentFrom('https://chat.example.test')).toBe('connected');
    // The address the test reaches the server at is not PUBLIC_URL's origin.
    expect(await agentFrom(pub.url)).toBe('FORBIDDEN');
    const me = (origin: string) => fetch(`${pub.url}/api/auth/me`, { headers: { origin, authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me('https://chat.example.test')).toBe(200);
    expect(await me(pub.url)).toBe(403);
  });
});
