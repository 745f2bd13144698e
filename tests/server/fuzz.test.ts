/**
 * The bad-input campaign: every socket event of both namespaces (read from the schema tables, so a
 * new event is fuzzed without anyone listing it) and every REST endpoint (read from the app's
 * router, so a new route fails this file until it is in the table below) get thousands of
 * generated hostile payloads. Whatever arrives, the answer is our envelope with a code that is not
 * INTERNAL and a message without internals, the process keeps serving, and Object.prototype is
 * untouched (the server runs in this process, so its prototypes are ours to check).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config.js';
import type { AgentClientToServer, VisitorClientToServer } from '../../shared/events.js';
import { agentEventSchemas, visitorEventSchemas } from '../../shared/schemas/index.js';
import type { ConversationDTO, CustomerSessionDTO, LoginResult, MessageDTO, SyncResult } from '../../shared/types.js';
import { answerProblem, DANGEROUS_STRINGS, errorProblem, HUGE, nasty, nearValid, preview, strangerId, wildString } from '../helpers/fuzz.js';
import { call, login, newVisitorToken, ok, record, rest } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

/** Socket payloads larger than this would close the socket (MAX_PAYLOAD_BYTES); limits.test.ts covers that. */
const MAX_PAYLOAD = 1024 * 1024;
const FUZZ_ENV = {
  // Fuzzing must reach the handlers, not only the limits (the last part runs with the defaults).
  SOCKET_EVENTS_PER_SECOND: '1000000',
  SOCKET_EVENTS_BURST: '1000000',
  CONVERSATIONS_PER_IP_PER_HOUR: '1000000',
  LOGIN_ATTEMPTS_PER_15_MIN: '1000000',
  FEEDBACK_PER_HOUR: '1000000',
  OFFICIAL_CHECKS_PER_MINUTE: '1000000',
  GUEST_LINK_CHECKS_PER_IP_PER_15_MIN: '1000000',
  GUEST_CODES_PER_IP_PER_15_MIN: '1000000',
  GUEST_CODE_CHECKS_PER_IP_PER_15_MIN: '1000000',
  MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
};
/** Most cases per event and per route (a quiet machine gets through about 5000 socket events and 1500 requests in the budgets). */
const RUNS = { malformed: 60, nearValid: 40, rest: 55 };
/** Wall-clock budgets (ms) of the socket and REST phases, shared out among their properties; a busy machine runs fewer cases. */
const BUDGET = { sockets: 25_000, rest: 8_000 };
/**
 * Cases every event and route gets whatever the budget: on a loaded machine (near-valid cases reach
 * the store and can take a few hundred ms each) the run takes longer rather than test less than this.
 */
const MIN_CASES = { nearValid: 5, malformed: 15, rest: 10 };
const POOL = { sockets: 8, rest: 6 };

let server: TestServer;
let admin: LoginResult;
const tally = { socketEvents: 0, requests: 0 };
/** How the near-valid cases were answered, by code: proof that they reach past the schemas. */
const nearValidAnswers = new Map<string, number>();
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  server = await startTestServer(FUZZ_ENV);
  admin = await login(server.url, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.stop();
});

// ---- sockets -----------------------------------------------------------------------------------

const sockets: Socket[] = [];
function open(namespace: 'visitor' | 'agent', auth: Record<string, unknown>, url = server.url): Promise<Socket> {
  const socket = io(`${url}/${namespace}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

let seq = 0;
const cid = () => `fuzz-${Date.now().toString(36)}-${++seq}`;

/** What valid payloads refer to: a live chat of the visitor, taken by the fuzzing agent. */
interface Ctx {
  conversationId: string;
  agentId: string;
  teamId: string;
  cannedId: string;
}

const pushSubscription = {
  endpoint: 'https://push.example.test/send/abc',
  expirationTime: null,
  keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
};

/** One valid payload per event. Typed by the contract: a new event does not compile until it has one. */
const visitorSamples: { [E in keyof VisitorClientToServer]: (c: Ctx) => unknown } = {
  'session:get': () => ({}),
  'site:config': () => ({}),
  'conversation:start': () => ({ name: 'Ada', email: 'ada@example.test', locale: 'en', pageUrl: 'https://example.test/help', fields: {} }),
  'conversation:current': () => ({}),
  'conversation:sync': (c) => ({ conversationId: c.conversationId, afterSeq: 0 }),
  'conversation:end': (c) => ({ conversationId: c.conversationId }),
  'conversation:leave-message': (c) => ({ conversationId: c.conversationId, email: 'ada@example.test', category: 'other' }),
  'message:send': (c) => ({ conversationId: c.conversationId, clientId: cid(), body: 'Hello there', attachmentIds: [] }),
  'typing:set': (c) => ({ conversationId: c.conversationId, typing: true }),
  'ticket:create': () => ({ clientId: cid(), name: 'Ada', email: 'ada@example.test', category: 'other', body: 'Please help', locale: 'en', pageUrl: 'https://example.test' }),
  'tickets:list': () => ({ filter: 'all' }),
  'alerts:get': () => ({}),
  'alerts:set': () => ({ email: true, push: false }),
  'push:subscribe': () => ({ subscription: pushSubscription }),
  'push:unsubscribe': () => ({ endpoint: pushSubscription.endpoint }),
  'conversation:rate': (c) => ({ conversationId: c.conversationId, score: 5, comment: 'Great' }),
  'conversation:transcript': (c) => ({ conversationId: c.conversationId, email: 'ada@example.test', timeZone: 'Europe/Berlin' }),
  'conversation:read': (c) => ({ conversationId: c.conversationId, seq: 1 }),
  'feedback:send': () => ({ clientId: cid(), score: 4, comment: 'Nice', screenshotIds: [], pageUrl: 'https://example.test', locale: 'de' }),
  'official:check': () => ({ value: 'support@example.test' }),
};

const agentSamples: { [E in keyof AgentClientToServer]: (c: Ctx) => unknown } = {
  'queue:list': () => ({}),
  'conversation:accept': (c) => ({ conversationId: c.conversationId }),
  'conversation:sync': (c) => ({ conversationId: c.conversationId, afterSeq: 0 }),
  'conversation:end': (c) => ({ conversationId: c.conversationId, resolved: false }),
  'message:send': (c) => ({ conversationId: c.conversationId, clientId: cid(), body: 'How can I help?' }),
  'typing:set': (c) => ({ conversationId: c.conversationId, typing: true }),
  'site:config': () => ({}),
  'agents:list': () => ({}),
  'tickets:list': (c) => ({ status: 'open', category: 'other', priority: 'high', assigneeId: c.agentId, mine: false, q: 'help', before: 'x', limit: 10 }),
  'ticket:convert': (c) => ({ conversationId: c.conversationId, category: 'other', priority: 'high', subject: 'Converted' }),
  'ticket:update': (c) => ({ conversationId: c.conversationId, status: 'pending', priority: 'low', category: 'other', assigneeId: c.agentId, subject: 'Subject' }),
  'notes:list': (c) => ({ conversationId: c.conversationId }),
  'note:add': (c) => ({ conversationId: c.conversationId, clientId: cid(), body: 'A note' }),
  'alerts:get': () => ({}),
  'alerts:set': () => ({ email: false, push: true }),
  'push:subscribe': () => ({ subscription: pushSubscription }),
  'push:unsubscribe': () => ({ endpoint: pushSubscription.endpoint }),
  'ratings:summary': () => ({}),
  'conversation:view': (c) => ({ conversationId: c.conversationId, viewing: true }),
  'canned:list': () => ({}),
  'canned:save': (c) => ({ id: c.cannedId, shortcut: 'greet', title: 'Greeting', body: 'Hello {{visitor.name}}', scope: 'personal' }),
  'canned:delete': (c) => ({ id: c.cannedId }),
  'conversation:labels': (c) => ({ conversationId: c.conversationId, labels: ['vip', 'billing'] }),
  'conversation:read': (c) => ({ conversationId: c.conversationId, seq: 1 }),
  'reads:list': (c) => ({ conversationIds: [c.conversationId] }),
  search: () => ({ q: 'hello', limit: 5 }),
  'presence:set': () => ({ status: 'away' }),
  'presence:activity': () => ({}),
  'presence:list': () => ({}),
  'conversation:transfer': (c) => ({ conversationId: c.conversationId, teamId: c.teamId, note: 'Over to you' }),
  'teams:list': () => ({}),
  'feedback:list': () => ({ siteKey: 'default', before: 'x', limit: 10 }),
};

/** How a case is sent: with an ack (mostly), with no payload at all, without an ack, with a non-function "ack", with extra arguments. */
type Mode = 'ack' | 'no-payload' | 'no-ack' | 'bad-ack' | 'extra-args';
const mode: fc.Arbitrary<Mode> = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Mode>('ack') },
  { weight: 1, arbitrary: fc.constant<Mode>('no-payload') },
  { weight: 2, arbitrary: fc.constant<Mode>('no-ack') },
  { weight: 1, arbitrary: fc.constant<Mode>('bad-ack') },
  { weight: 2, arbitrary: fc.constant<Mode>('extra-args') },
);

/** Sends one case; returns the ack, or undefined when none can come (or the client itself could not encode the payload). */
async function send(socket: Socket, event: string, payload: unknown, how: Mode): Promise<unknown> {
  try {
    const ack = await sendRaw(socket, event, payload, how);
    tally.socketEvents++;
    return ack;
  } catch (err) {
    // socket.io-client's own encoder chokes on a few shapes (a binary payload with a "__proto__"
    // key): those never reach any server. A timeout is a real failure.
    if (/timed out/.test(String((err as Error).message))) throw err;
    return undefined;
  }
}

async function sendRaw(socket: Socket, event: string, payload: unknown, how: Mode): Promise<unknown> {
  const s = socket.timeout(10_000);
  switch (how) {
    case 'ack':
      return s.emitWithAck(event, payload);
    case 'no-payload':
      return s.emitWithAck(event);
    case 'extra-args':
      return s.emitWithAck(event, payload, { $gt: '' }, '__proto__');
    case 'no-ack':
      socket.emit(event, payload);
      return undefined;
    case 'bad-ack':
      socket.emit(event, payload, 42);
      return undefined;
  }
}

const fits = (payload: unknown) => {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '') < MAX_PAYLOAD - 4096;
  } catch {
    return false;
  }
};

/** Runs the malformed and the near-valid property for one event on its own socket. */

/** Runs one property over one event on its own socket; the socket must still answer afterwards. */
async function fuzzEvent(namespace: string, socket: Socket, event: string, payloads: fc.Arbitrary<unknown>, runs: number, budgetMs: number, nearValidKind: boolean): Promise<number> {
  let cases = 0;
  const check = async (payload: unknown, how: Mode) => {
    fc.pre(fits(payload));
    cases++;
    const ack = await send(socket, event, payload, how);
    if (ack !== undefined) {
      const problem = answerProblem(ack);
      if (problem) throw new Error(`${namespace} ${event}: ${problem}: ${preview(ack)}`);
      if (nearValidKind) {
        const code = (ack as { error?: { code: string } }).error?.code ?? 'ok';
        nearValidAnswers.set(code, (nearValidAnswers.get(code) ?? 0) + 1);
      }
    }
  };
  await assertProperty(fc.asyncProperty(payloads, mode, check), runs, budgetMs, nearValidKind ? MIN_CASES.nearValid : MIN_CASES.malformed);
  const alive = await socket.timeout(10_000).emitWithAck('site:config', {});
  expect(alive, `${namespace} socket after fuzzing ${event}`).toMatchObject({ ok: true });
  return cases;
}

/**
 * fc.assert, with a failure report short enough to read (a counterexample may hold 100 kB
 * strings), and a time budget: `minRuns` cases always run, the rest of `numRuns` as time allows,
 * so a busy machine tests less rather than the file running long.
 */
async function assertProperty<T>(property: fc.IAsyncProperty<T>, numRuns: number, budgetMs = 60_000, minRuns = 0): Promise<void> {
  const started = Date.now();
  if (minRuns > 0) await assertProperty(property, minRuns);
  if (numRuns <= minRuns) return;
  await fc.assert(property, {
    numRuns: numRuns - minRuns,
    interruptAfterTimeLimit: Math.max(1, budgetMs - (Date.now() - started)),
    markInterruptAsFailure: false,
    // FUZZ_SEED=<the seed a failure printed> generates the same cases again.
    ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    asyncReporter: async (d) => {
      // Out of time before a case finished: no failure found.
      if (!d.failed || (d.interrupted && d.counterexample === null)) return;
      const cause = d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance);
      throw new Error(`property failed (FUZZ_SEED=${d.seed} replays it; path "${d.counterexamplePath}", ${d.numRuns} runs, ${d.numShrinks} shrinks): ${cause}\ncounterexample: ${preview(d.counterexample)}`);
    },
  });
}

/** Runs `tasks` at most `n` at a time. */
/**
 * Runs `tasks` at most `n` at a time within `totalMs`: each task is given its share of the time
 * left when it starts, so what quick tasks leave over goes to the slow ones after them.
 */
async function pool(n: number, tasks: Array<(budgetMs: number) => Promise<void>>, totalMs: number): Promise<void> {
  const deadline = Date.now() + totalMs;
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const turnsLeft = Math.ceil((queue.length + 1) / n);
        await t(Math.max(500, (deadline - Date.now()) / turnsLeft));
      }
    }),
  );
}

describe('socket events', () => {
  /** Fuzzing agents: one takes the visitor events' chats, one works the agent events' own. */
  const fuzzers: Record<'visitor' | 'agent', { id: string; token: string }> = { visitor: { id: '', token: '' }, agent: { id: '', token: '' } };
  let shared: Omit<Ctx, 'conversationId'>;

  beforeAll(async () => {
    for (const side of ['visitor', 'agent'] as const) {
      const creds = await server.addAgent(`Fuzzer ${side}`, 'admin');
      // Room for a live chat per event, and none taken by the router (the default site routes manually).
      await server.models.Agent.updateOne({ _id: creds.id }, { $set: { maxChats: 50 } });
      fuzzers[side] = { id: creds.id, token: (await login(server.url, creds.email, creds.password)).token };
    }
    const other = await server.addAgent('Other');
    const team = await rest<{ id: string }>(server.url, 'POST', '/api/admin/teams', { token: admin.token, body: { name: 'Fuzz team' } });
    const agent = await open('agent', { token: fuzzers.agent.token });
    const canned = ok(await call<{ id: string }>(agent as never, 'canned:save', { shortcut: 'fuzz', title: 'Fuzz', body: 'Fuzz', scope: 'personal' }));
    agent.disconnect();
    shared = { agentId: other.id, teamId: team.body.id, cannedId: canned.id };
  });

  /** A visitor with a live chat, taken by the fuzzing agent on `agent`. */
  async function liveChat(agent: Socket): Promise<{ visitor: Socket; ctx: Ctx }> {
    const visitor = await open('visitor', { visitorToken: newVisitorToken() });
    const conv = ok(await call<SyncResult>(visitor as never, 'conversation:start', { name: 'Ada', email: 'ada@example.test' })).conversation;
    ok(await call<ConversationDTO>(agent as never, 'conversation:accept', { conversationId: conv.id }));
    return { visitor, ctx: { ...shared, conversationId: conv.id } };
  }

  it('every visitor and agent event answers every generated payload with a clean envelope, never INTERNAL', async () => {
    const started = Date.now();
    // Malformed cases are refused by the schemas in a moment: they go first, and near-valid ones,
    // which reach the store, get the time they leave. Each event's two kinds run apart.
    const nearValidTasks: Array<(budgetMs: number) => Promise<void>> = [];
    const malformedTasks: Array<(budgetMs: number) => Promise<void>> = [];
    const cases = new Map<string, number>();
    const events = Object.keys(visitorEventSchemas).length + Object.keys(agentEventSchemas).length;
    const add = (namespace: 'visitor' | 'agent', event: string, sample: ((c: Ctx) => unknown) | undefined) => {
      expect(sample, `a valid sample for ${namespace} event ${event}`).toBeDefined();
      for (const [list, kind] of [[nearValidTasks, 'near-valid'], [malformedTasks, 'malformed']] as const) {
        list.push(async (budgetMs) => {
          const agent = await open('agent', { token: fuzzers[namespace].token });
          // Malformed payloads refer to nothing: only near-valid ones need a live chat.
          const { visitor, ctx } = kind === 'near-valid' ? await liveChat(agent) : { visitor: await open('visitor', { visitorToken: newVisitorToken() }), ctx: undefined };
          const socket = namespace === 'visitor' ? visitor : agent;
          const n = await fuzzEvent(namespace, socket, event, ctx ? nearValid(sample!(ctx)) : nasty, ctx ? RUNS.nearValid : RUNS.malformed, budgetMs, !!ctx);
          cases.set(`${namespace} ${event} (${kind})`, n);
          visitor.disconnect();
          agent.disconnect();
        });
      }
    };
    for (const event of Object.keys(visitorEventSchemas)) add('visitor', event, visitorSamples[event as keyof VisitorClientToServer]);
    for (const event of Object.keys(agentEventSchemas)) add('agent', event, agentSamples[event as keyof AgentClientToServer]);
    await pool(POOL.sockets, [...malformedTasks, ...nearValidTasks], BUDGET.sockets);
    console.info(`fuzz: ${tally.socketEvents} socket events in ${Date.now() - started} ms`);
    console.info(`fuzz: near-valid answers ${JSON.stringify(Object.fromEntries(nearValidAnswers))}`);
    expect(cases.size).toBe(2 * events);
  }, 120_000);

  it('a handshake with hostile credentials is refused with a clean error, or connects', async () => {
    const auth = fc.oneof(
      fc.record({ visitorToken: fc.oneof(nasty, fc.constant(newVisitorToken())), siteKey: nasty, userToken: nasty }, { requiredKeys: ['visitorToken'] }).map((a) => ['visitor', a] as const),
      fc.record({ session: nasty }).map((a) => ['visitor', a] as const),
      fc.record({ token: fc.oneof(nasty, fc.constant(`${admin.token}x`)) }).map((a) => ['agent', a] as const),
    );
    await assertProperty(
      fc.asyncProperty(auth, async ([namespace, credentials]) => {
        fc.pre(fits(credentials));
        const socket = io(`${server.url}/${namespace}`, { auth: credentials as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
        sockets.push(socket);
        tally.socketEvents++;
        const outcome = await new Promise<unknown>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data ?? { code: 'none', message: err.message }));
          setTimeout(() => resolve('no answer'), 10_000);
        });
        socket.disconnect();
        if (outcome === 'connected') return;
        const problem = errorProblem(outcome);
        if (problem) throw new Error(`${namespace} handshake: ${problem}: ${preview(outcome)}`);
      }),
      150,
      8000,
    );
  });

  it('unknown and reserved-looking event names are refused, not dispatched', async () => {
    const visitor = await open('visitor', { visitorToken: newVisitorToken() });
    const names = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'then', 'onAny', ''), wildString);
    await assertProperty(
      fc.asyncProperty(names, nasty, async (name, payload) => {
        fc.pre(fits(payload) && !['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(name));
        const ack = await send(visitor, name, payload, 'ack');
        if (ack === undefined || Object.prototype.hasOwnProperty.call(visitorEventSchemas, name)) return;
        expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/^Unknown event/) } });
      }),
      200,
    );
  });
});

// ---- REST --------------------------------------------------------------------------------------

type Auth = 'none' | 'agent' | 'admin' | 'actor' | 'victim';
interface RouteCase {
  auth: Auth;
  body?: unknown;
  query?: Record<string, string>;
  /** Values for the route's :params. */
  params?: Record<string, string>;
}

/**
 * Every route the app has, keyed as `METHOD path` (static folders as `STATIC path`). A route that
 * is not here fails the first test below: add it with a valid request, and it is fuzzed too.
 */
function routeTable(ids: { victimId: string; teamId: string; channelId: string }): Record<string, RouteCase> {
  const link = 'A'.repeat(43);
  return {
    'GET /healthz': { auth: 'none' },
    'GET /readyz': { auth: 'none' },
    'POST /api/auth/login': { auth: 'none', body: { email: 'nobody@example.test', password: 'not the password' } },
    'GET /api/auth/me': { auth: 'agent' },
    'POST /api/auth/logout': { auth: 'victim' },
    'POST /api/auth/logout-all': { auth: 'victim' },
    'POST /api/auth/invite/accept': { auth: 'none', body: { token: link, password: 'a long enough password' } },
    'GET /api/admin/agents': { auth: 'admin' },
    'POST /api/admin/agents': { auth: 'admin', body: { email: 'invited@example.test', name: 'Invited', role: 'agent', maxChats: 3, skills: { languages: ['en'], categories: ['other'] }, teamIds: [ids.teamId] } },
    'PATCH /api/admin/agents/:id': { auth: 'admin', params: { id: ids.victimId }, body: { name: 'Renamed', maxChats: 4, teamIds: [ids.teamId] } },
    'POST /api/admin/agents/:id/invite': { auth: 'admin', params: { id: ids.victimId } },
    'GET /api/admin/teams': { auth: 'admin' },
    'POST /api/admin/teams': { auth: 'admin', body: { name: 'A team' } },
    'PATCH /api/admin/teams/:id': { auth: 'admin', params: { id: ids.teamId }, body: { name: 'Renamed team' } },
    'DELETE /api/admin/teams/:id': { auth: 'admin', params: { id: ids.teamId } },
    'GET /api/admin/sites': { auth: 'admin' },
    'GET /api/admin/sites/:siteKey': { auth: 'admin', params: { siteKey: 'fuzz' } },
    'PATCH /api/admin/sites/:siteKey': { auth: 'admin', params: { siteKey: 'fuzz' }, body: { name: 'Fuzz site', routing: 'manual' } },
    'GET /api/admin/alerts': { auth: 'admin', query: { state: 'failed', limit: '5' } },
    'POST /api/admin/alerts/:id/retry': { auth: 'admin', params: { id: 'email:0123456789abcdef01234567' } },
    'GET /api/admin/official-channels': { auth: 'admin', query: { siteKey: 'fuzz' } },
    'POST /api/admin/official-channels': { auth: 'admin', body: { siteKey: 'fuzz', kind: 'email', value: 'help@example.test', note: 'ours' } },
    'DELETE /api/admin/official-channels/:id': { auth: 'admin', params: { id: ids.channelId } },
    'POST /api/uploads': { auth: 'actor', body: { conversationId: '0123456789abcdef01234567' } },
    'GET /api/attachments/:id': { auth: 'actor', params: { id: '0123456789abcdef01234567' } },
    'POST /api/guest/link': { auth: 'none', body: { link } },
    'POST /api/guest/code': { auth: 'none', body: { link } },
    'POST /api/guest/verify': { auth: 'none', body: { link, code: '123456' } },
    'POST /api/customer/session': { auth: 'none', body: { siteKey: 'default', userToken: 'a.b.c' } },
    'GET /widget.js': { auth: 'none' },
    'GET /push-sw.js': { auth: 'none' },
    'STATIC /widget': { auth: 'none', params: { rest: 'widget-app.js' } },
    'STATIC /agent': { auth: 'none', params: { rest: 'index.html' } },
    'GET /^\\/agent(\\/.*)?$/': { auth: 'none', params: { rest: 'tickets/1' } },
    'STATIC /tickets': { auth: 'none', params: { rest: 'index.html' } },
    'GET /^\\/tickets(\\/.*)?$/': { auth: 'none', params: { rest: 'x' } },
    'GET /demo': { auth: 'none' },
    'GET /demo.css': { auth: 'none' },
    'GET /': { auth: 'none' },
  };
}

/** The app's routes, read from Express's router (router 2: layers keep their `rawPath`). */
function appRoutes(): string[] {
  interface Layer {
    route?: { path: unknown; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    name: string;
    rawPath: unknown;
    slash: boolean;
  }
  const out = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const here = layer.slash ? prefix : `${prefix}${String(layer.rawPath)}`;
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.add(`${m.toUpperCase()} ${prefix}${String(layer.route.path)}`);
      else if (layer.handle?.stack) walk(layer.handle.stack, here);
      else if (layer.name === 'serveStatic') out.add(`STATIC ${here}`);
    }
  };
  walk((server.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...out].sort();
}

const webBuilt = existsSync(join(PROJECT_ROOT, 'dist', 'agent', 'index.html')) && existsSync(join(PROJECT_ROOT, 'dist', 'widget', 'widget.js'));

/** Raw bodies that are not JSON, or are JSON of the worst kind. */
const RAW_BODIES = [
  '{',
  '{"a":',
  '[',
  'nul',
  '"\u0000"',
  '{"a":1,"a":2}',
  '1e999999',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"email":{"$gt":""},"password":{"$ne":null}}',
  '[]',
  '"just a string"',
  '\uFEFF{}',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  '['.repeat(100_000),
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=----fuzz',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/vnd.api+json',
];
const BAD_PARAMS = ['%', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', '%00', '%2e%2e', '..', '%252e', encodeURIComponent('{"$gt":""}'), '__proto__', 'constructor', 'x'.repeat(5000)];

/** A multipart/form-data body (boundary ----fuzz), however odd its parts. */
function multipart(fields: Array<[string, string]>, file?: { filename: string; type: string; data: string }): string {
  let out = '';
  for (const [k, v] of fields) out += `------fuzz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  if (file) out += `------fuzz\r\nContent-Disposition: form-data; name="files"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n${file.data}\r\n`;
  return `${out}------fuzz--\r\n`;
}

/** encodeURIComponent, but a lone surrogate (which it refuses) goes out as its raw UTF-8 bytes. */
function encodeLoosely(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[^A-Za-z0-9]/g, (ch) => `%${(ch.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`);
  }
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** One generated request against one route: its own method and path mostly, its body and query mutated, or worse. */
function requestFor(key: string, c: RouteCase, tokens: Record<Auth, string | undefined>): fc.Arbitrary<Req> {
  const [routeMethod, routePath] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
  const isPattern = routePath.startsWith('/^');
  const base = isPattern ? `/${/\/\^\\\/(\w+)/.exec(routePath)![1]}` : routeMethod === 'STATIC' ? routePath : routePath;
  const paramArb = (valid: string) => fc.oneof(
    { weight: 3, arbitrary: fc.constant(encodeURIComponent(valid)) },
    { weight: 3, arbitrary: fc.constantFrom(...BAD_PARAMS) },
    { weight: 2, arbitrary: wildString.map((s) => encodeLoosely(s.slice(0, 3000))) },
    { weight: 1, arbitrary: strangerId },
  );
  const path: fc.Arbitrary<string> =
    routeMethod === 'STATIC' || isPattern
      ? paramArb(c.params?.rest ?? '').map((rest) => `${base}/${rest}`)
      : fc.tuple(...(routePath.match(/:\w+/g) ?? []).map((p) => paramArb(c.params?.[p.slice(1)] ?? 'x'))).map((values) => {
          let i = 0;
          return routePath.replace(/:\w+/g, () => values[i++]!);
        });
  const method = fc.oneof(
    { weight: 8, arbitrary: fc.constant(routeMethod === 'STATIC' ? 'GET' : routeMethod) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
  );
  const query = fc.oneof(
    { weight: 3, arbitrary: fc.constant(c.query ? new URLSearchParams(c.query).toString() : '') },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(c.query ?? { q: '' })), wildString).map(([k, v]) => `${new URLSearchParams({ ...c.query, [k]: '' }).toString()}${encodeLoosely(v.slice(0, 2000))}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'state[$ne]=x',
        'siteKey[$gt]=',
        'limit=1e309',
        'limit=-1',
        'limit=NaN',
        'state=failed&state=sent',
        '__proto__[polluted]=yes',
        'constructor[prototype][polluted]=yes',
        'siteKey=%00',
        'token=abc',
        '%=%',
        `q=${'x'.repeat(10_000)}`,
      ),
    },
  );
  const json = (v: unknown) => ({ type: 'application/json', body: JSON.stringify(v) ?? 'null' });
  const body: fc.Arbitrary<{ type: string | undefined; body: string | undefined; encoding?: string }> = fc.oneof(
    { weight: 5, arbitrary: nearValid(c.body ?? {}).filter(fits).map(json) },
    { weight: 3, arbitrary: nasty.filter(fits).map(json) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES).map((b) => ({ type: 'application/json', body: b })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(JSON.stringify(c.body ?? {}), 'email[$gt]=&password[$ne]=', '------fuzz\r\nContent-Disposition: form-data; name="files"; filename="../../x.js"\r\n\r\nalert(1)\r\n------fuzz--\r\n', ...DANGEROUS_STRINGS)).map(([type, b]) => ({ type, body: b })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(wildString, wildString, fc.constantFrom('text/plain', 'image/png', 'application/x-msdownload', '../', ''), fc.constantFrom('hello', '\x89PNG\r\n\x1a\n', '<script>alert(1)</script>', ''))
        .map(([conversationId, filename, type, data]) => ({ type: 'multipart/form-data; boundary=----fuzz', body: multipart([['conversationId', conversationId.slice(0, 500)]], { filename: filename.slice(0, 300), type, data }) })),
    },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown').map((encoding) => ({ type: 'application/json', body: '\u0000garbage', encoding })) },
    { weight: 1, arbitrary: fc.constant({ type: 'application/json', body: JSON.stringify({ ...(c.body as object), pad: HUGE.repeat(Math.ceil(MAX_PAYLOAD / HUGE.length) + 1) }) }) },
    { weight: 1, arbitrary: fc.constant({ type: undefined, body: undefined }) },
  );
  const auth = fc.oneof(
    { weight: 6, arbitrary: fc.constant(tokens[c.auth] ? `Bearer ${tokens[c.auth]}` : undefined) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer ', 'Bearer garbage', 'Bearer {"$gt":""}', `Bearer ${'x'.repeat(5000)}`, 'Basic YWRtaW46YWRtaW4=', `Bearer ${tokens.admin}.tampered`) },
  );
  return fc.record({ method, path, query, body, auth }).map(({ method: m, path: p, query: q, body: b, auth: a }) => {
    const headers: Record<string, string> = {};
    if (a) headers.authorization = a;
    if (b.type) headers['content-type'] = b.type;
    if (b.encoding) headers['content-encoding'] = b.encoding;
    const hasBody = m !== 'GET' && m !== 'HEAD';
    return { method: m, path: q ? `${p}?${q}` : p, headers, ...(hasBody && b.body !== undefined ? { body: b.body } : {}) };
  });
}

async function sendRequest(req: Req): Promise<{ status: number; type: string; text: string }> {
  tally.requests++;
  const res = await fetch(`${server.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(10_000), redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: req.method === 'HEAD' ? '' : await res.text() };
}

/** Why a REST answer is not clean: a 5xx, or an error without our body. */
function responseProblem(key: string, req: Req, res: { status: number; type: string; text: string }): string | undefined {
  const web = !req.path.startsWith('/api') && !req.path.startsWith('/healthz') && !req.path.startsWith('/readyz');
  if (res.status >= 500 && !(web && !webBuilt && res.status === 503)) return `status ${res.status}`;
  if (res.status < 400 || req.method === 'HEAD') return undefined;
  if (!/json/.test(res.type)) return `error answered as ${res.type || 'nothing'}`;
  let body: { error?: unknown };
  try {
    body = JSON.parse(res.text) as { error?: unknown };
  } catch {
    return 'error body is not JSON';
  }
  const problem = errorProblem(body.error);
  return problem && `${key}: ${problem}`;
}

describe('REST endpoints', () => {
  let table: Record<string, RouteCase>;
  let tokens: Record<Auth, string | undefined>;

  beforeAll(async () => {
    const victim = await server.addAgent('Victim');
    const team = await rest<{ id: string }>(server.url, 'POST', '/api/admin/teams', { token: admin.token, body: { name: 'Doomed team' } });
    const channel = await rest<{ id: string }>(server.url, 'POST', '/api/admin/official-channels', { token: admin.token, body: { siteKey: 'fuzz', kind: 'domain', value: 'example.test' } });
    const visitor = await open('visitor', { visitorToken: newVisitorToken() });
    const session = ok(await call<CustomerSessionDTO>(visitor as never, 'session:get', {}));
    const agent = await server.addAgent('Rest');
    tokens = {
      none: undefined,
      admin: admin.token,
      agent: (await login(server.url, agent.email, agent.password)).token,
      actor: session.token,
      victim: (await login(server.url, victim.email, victim.password)).token,
    };
    table = routeTable({ victimId: victim.id, teamId: team.body.id, channelId: channel.body.id });
  });

  it('the table lists every route the app has (a new route must be added, and so is fuzzed)', () => {
    expect(appRoutes()).toEqual(Object.keys(table).sort());
  });

  it('every route answers every generated request without a 5xx, and every error in our body with a code', async () => {
    const started = Date.now();
    const cases = new Map<string, number>();
    await pool(
      POOL.rest,
      Object.entries(table).map(([key, c]) => async (budgetMs: number) => {
        let n = 0;
        await assertProperty(
          fc.asyncProperty(requestFor(key, c, tokens), async (req) => {
            n++;
            const res = await sendRequest(req);
            const problem = responseProblem(key, req, res);
            if (problem) throw new Error(`${req.method} ${req.path.slice(0, 200)} → ${res.status}: ${problem}: ${res.text.slice(0, 300)}`);
          }),
          RUNS.rest,
          budgetMs,
          MIN_CASES.rest,
        );
        cases.set(key, n);
      }),
      BUDGET.rest,
    );
    expect(cases.size).toBe(Object.keys(table).length);
    console.info(`fuzz: ${tally.requests} requests in ${Date.now() - started} ms`);
  }, 120_000);
});

// ---- after it all ------------------------------------------------------------------------------

describe('after the campaign', () => {
  it('nothing in the server process was polluted, it is healthy, and a normal chat works end to end', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(typeof {}.toString).toBe('function');

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const agent = await open('agent', { token: admin.token });
    const visitor = await open('visitor', { visitorToken: newVisitorToken() });
    const conv = ok(await call<SyncResult>(visitor as never, 'conversation:start', { name: 'After' })).conversation;
    ok(await call<ConversationDTO>(agent as never, 'conversation:accept', { conversationId: conv.id }));
    const atAgent = record<MessageDTO>(agent as never, 'message:created');
    const atVisitor = record<MessageDTO>(visitor as never, 'message:created');
    ok(await call(visitor as never, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'Still there?' }));
    ok(await call(agent as never, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'Yes, still here.' }));
    await atAgent.until((m) => m.some((x) => x.body === 'Still there?'));
    await atVisitor.until((m) => m.some((x) => x.body === 'Yes, still here.'));
  });
});

describe('with the default events-per-second limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ SOCKET_EVENTS_PER_SECOND: '20', SOCKET_EVENTS_BURST: '40' });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('a burst of hostile payloads is answered cleanly, the excess RATE_LIMITED, and the socket keeps working', async () => {
    const visitor = await open('visitor', { visitorToken: newVisitorToken() }, limited.url);
    const events = Object.keys(visitorEventSchemas);
    const cases = fc.sample(fc.tuple(fc.constantFrom(...events), nasty).filter(([, p]) => fits(p)), 200);
    const acks = await Promise.all(cases.map(([event, payload]) => send(visitor, event, payload, 'ack')));
    const codes = new Map<string, number>();
    for (const [i, ack] of acks.entries()) {
      if (ack === undefined) continue; // the client could not encode it
      const problem = answerProblem(ack);
      if (problem) throw new Error(`${cases[i]![0]}: ${problem}: ${preview(ack)}`);
      const code = (ack as { ok: boolean; error?: { code: string } }).error?.code ?? 'ok';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(codes.get('RATE_LIMITED')).toBeGreaterThan(100);
    expect(codes.get('VALIDATION') ?? 0).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await send(visitor, 'site:config', {}, 'ack')).toMatchObject({ ok: true });
  });
});
