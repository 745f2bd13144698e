/**
 * A client-side load process: many real socket.io-client connections (websocket transport, as the
 * widget and the agent UI connect first), driven by the bench over IPC. Several of these run at
 * once, so the client side gets its own processes; their CPU is measured and reported, since on a
 * 2-core machine it competes with the server.
 *
 * Times that cross processes (fan-out, recovery) are read from process.hrtime, the system-wide
 * monotonic clock, so the bench can subtract times taken in different processes.
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { RETRY_MIN_MS } from '../../shared/limits.js';
import { serveRpc } from './rpc.js';

type AckResult = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const visitorToken = () => randomBytes(32).toString('base64url');
const workerId = Number(process.env.BENCH_WORKER ?? 0);

interface ConnectOpts {
  url: string;
  addresses: string[];
  /** socket.io reconnection (the widget's defaults) instead of none. */
  reconnect?: boolean;
}

let addressTurn = 0;
function open(opts: ConnectOpts, namespace: '/visitor' | '/agent', auth: Record<string, unknown>): Socket {
  const localAddress = opts.addresses.length ? opts.addresses[addressTurn++ % opts.addresses.length] : undefined;
  return io(`${opts.url}${namespace}`, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnection: opts.reconnect ?? false,
    timeout: 30_000,
    ...(localAddress ? { localAddress } : {}),
  } as Parameters<typeof io>[1]);
}

/** The first connection; the listeners go once it is settled (a later connect_error is a reconnection's). */
function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve(socket);
    };
    const onError = (err: Error) => {
      socket.off('connect', onConnect);
      socket.close();
      reject(err);
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}

async function call<T>(socket: Socket, event: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
  const res = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as AckResult;
  if (!res.ok) throw new Error(`${event}: ${res.error.code} ${res.error.message}`);
  return res.data as T;
}

/** Runs `fn` over 0..n-1 with at most `limit` at a time. */
async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const countError = (errors: Record<string, number>, err: unknown) => {
  const key = (err instanceof Error ? err.message : String(err)).slice(0, 80);
  errors[key] = (errors[key] ?? 0) + 1;
};

// ---- density: idle visitors --------------------------------------------------------------

const idle: Socket[] = [];
let idleDrops = 0;

/** `until`: a wall-clock deadline (Date.now) after which no new connection is started. */
async function idleConnect(a: ConnectOpts & { count: number; concurrency: number; until?: number }) {
  const t0 = performance.now();
  let ok = 0;
  let skipped = 0;
  const errors: Record<string, number> = {};
  await pool(a.count, a.concurrency, async () => {
    if (a.until !== undefined && Date.now() > a.until) {
      skipped++;
      return;
    }
    try {
      const s = await connected(open(a, '/visitor', { visitorToken: visitorToken() }));
      s.on('disconnect', () => idleDrops++);
      idle.push(s);
      ok++;
    } catch (err) {
      countError(errors, err);
    }
  });
  return { ok, failed: a.count - ok - skipped, skipped, errors, ms: performance.now() - t0 };
}

// ---- latency: visitor -> agent ----------------------------------------------------------

interface Chat {
  visitor: Socket;
  id: string;
}
const chats: Chat[] = [];
const agentSockets: Socket[] = [];
/** clientId -> when it was sent and whether it counts (not warm-up). */
const inFlight = new Map<string, { t: number; measured: boolean }>();
let delivered: number[] = [];
let acks: number[] = [];
let received = 0;

async function chatSetup(a: ConnectOpts & { agentTokens: string[]; perAgent: number }) {
  const errors: Record<string, number> = {};
  await pool(a.agentTokens.length, 8, async (i) => {
    const agent = await connected(open(a, '/agent', { token: a.agentTokens[i] }));
    agentSockets.push(agent);
    agent.on('message:created', (m: { clientId?: string }) => {
      const f = m.clientId ? inFlight.get(m.clientId) : undefined;
      if (!f) return;
      inFlight.delete(m.clientId!);
      received++;
      if (f.measured) delivered.push(performance.now() - f.t);
    });
    for (let k = 0; k < a.perAgent; k++) {
      try {
        const visitor = await connected(open(a, '/visitor', { visitorToken: visitorToken() }));
        const started = await call<{ conversation: { id: string } }>(visitor, 'conversation:start', {});
        await call(agent, 'conversation:accept', { conversationId: started.conversation.id });
        chats.push({ visitor, id: started.conversation.id });
      } catch (err) {
        countError(errors, err);
      }
    }
  });
  return { chats: chats.length, agents: agentSockets.length, errors };
}

let msgCounter = 0;
async function chatRun(a: { rate: number; durationMs: number; warmupMs: number; drainMs: number }) {
  delivered = [];
  acks = [];
  received = 0;
  inFlight.clear();
  const ackErrors: Record<string, number> = {};
  let sent = 0;
  let measuredSent = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const warmEnd = start + a.warmupMs;
  const end = warmEnd + a.durationMs;
  let turn = 0;
  const send = (now: number) => {
    const chat = chats[turn++ % chats.length]!;
    const clientId = `w${workerId}-${++msgCounter}-${randomBytes(3).toString('hex')}`;
    const measured = now >= warmEnd;
    if (measured) measuredSent++;
    inFlight.set(clientId, { t: now, measured });
    chat.visitor.timeout(15_000).emit('message:send', { conversationId: chat.id, clientId, body: `bench message ${msgCounter}` }, (err: Error | null, res?: AckResult) => {
      if (err || !res || !res.ok) {
        // Refused or unanswered: counted as failed, not waited for as lost.
        inFlight.delete(clientId);
        if (measured) failed++;
        return countError(ackErrors, err ?? (res && !res.ok ? res.error.code : 'no ack'));
      }
      if (measured) acks.push(performance.now() - now);
    });
    sent++;
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.floor(((Math.min(now, end) - start) * a.rate) / 1000);
      while (sent < due) send(now);
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendCpu = process.cpuUsage(cpu0);
  const drainUntil = performance.now() + a.drainMs;
  while (inFlight.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  let lost = 0;
  for (const f of inFlight.values()) if (f.measured) lost++;
  inFlight.clear();
  return {
    delivered,
    acks,
    sent,
    measuredSent,
    received,
    lost,
    failed,
    ackErrors,
    /** CPU this worker used while sending, as a share of one core. */
    cpu: (sendCpu.user + sendCpu.system) / 1000 / (a.warmupMs + a.durationMs),
  };
}

// ---- fan-out: a new chat reaching every agent's queue view -----------------------------

const arrivals = new Map<string, number[]>();
const fanoutAgents: Socket[] = [];
const fanoutVisitors: Socket[] = [];

async function fanoutAgentsConnect(a: ConnectOpts & { tokens: string[] }) {
  await pool(a.tokens.length, 8, async (i) => {
    const s = await connected(open(a, '/agent', { token: a.tokens[i] }));
    const seen = new Set<string>();
    s.on('conversation:updated', (c: { id: string; status: string }) => {
      if (c.status !== 'queued' || seen.has(c.id)) return;
      seen.add(c.id);
      const t = nowMs();
      const list = arrivals.get(c.id);
      if (list) list.push(t);
      else arrivals.set(c.id, [t]);
    });
    await call(s, 'queue:list', {});
    fanoutAgents.push(s);
  });
  return { agents: fanoutAgents.length };
}

async function fanoutStart(a: ConnectOpts) {
  const visitor = await connected(open(a, '/visitor', { visitorToken: visitorToken() }));
  fanoutVisitors.push(visitor);
  const t0 = nowMs();
  const res = await call<{ conversation: { id: string } }>(visitor, 'conversation:start', {});
  return { id: res.conversation.id, t0, tAck: nowMs() };
}

// ---- recovery: reconnect after a restart and catch up ------------------------------------

interface Returning {
  socket: Socket;
  id: string;
  lastSeq: number;
  expectSeq: number;
  connects: number;
  reconnectedAt: number | null;
  caughtUpAt: number | null;
  disconnectedAt: number | null;
  reason?: string;
}
const returning: Returning[] = [];
const syncErrors: Record<string, number> = {};
/** Handshakes the server refused during recovery, by message. */
const refusals: Record<string, number> = {};

function maxSeq(messages: Array<{ seq: number }>, from: number): number {
  return messages.reduce((m, x) => Math.max(m, x.seq), from);
}

/** What the widget does on (re)connect: ask for its session, then sync from the last seq it holds. */
function resume(r: Returning): void {
  void call<unknown>(r.socket, 'session:get', {}).catch(() => undefined);
  call<{ messages: Array<{ seq: number }> }>(r.socket, 'conversation:sync', { conversationId: r.id, afterSeq: r.lastSeq }).then(
    (res) => {
      r.lastSeq = maxSeq(res.messages, r.lastSeq);
      if (r.caughtUpAt === null && r.lastSeq >= r.expectSeq && r.reconnectedAt !== null) r.caughtUpAt = nowMs();
    },
    (err: unknown) => {
      countError(syncErrors, err);
      setTimeout(() => r.socket.connected && resume(r), RETRY_MIN_MS);
    },
  );
}

async function recoverySetup(a: ConnectOpts & { count: number; concurrency: number }) {
  const errors: Record<string, number> = {};
  await pool(a.count, a.concurrency, async () => {
    try {
      const socket = await connected(open({ ...a, reconnect: true }, '/visitor', { visitorToken: visitorToken() }));
      const started = await call<{ conversation: { id: string }; messages: Array<{ seq: number }> }>(socket, 'conversation:start', {});
      const r: Returning = { socket, id: started.conversation.id, lastSeq: maxSeq(started.messages, 0), expectSeq: 0, connects: 1, reconnectedAt: null, caughtUpAt: null, disconnectedAt: null };
      socket.on('message:created', (m: { seq: number; conversationId: string }) => {
        if (m.conversationId !== r.id) return;
        r.lastSeq = Math.max(r.lastSeq, m.seq);
        if (r.caughtUpAt === null && r.reconnectedAt !== null && r.lastSeq >= r.expectSeq) r.caughtUpAt = nowMs();
      });
      socket.on('connect', () => {
        if (++r.connects === 1) return;
        r.reconnectedAt ??= nowMs();
        resume(r);
      });
      socket.on('connect_error', (err: Error) => {
        // Refused by the server's handshake (not a network error): Socket.IO does not retry by itself.
        if (!socket.active) countError(refusals, err.message);
      });
      socket.on('disconnect', (reason: string) => {
        r.disconnectedAt ??= nowMs();
        r.reason = reason;
        // As the widget: Socket.IO does not come back by itself after the server closed the socket.
        if (reason === 'io server disconnect') setTimeout(() => socket.connect(), RETRY_MIN_MS);
      });
      returning.push(r);
    } catch (err) {
      countError(errors, err);
    }
  });
  return { clients: returning.length, errors, conversations: returning.map((r) => ({ id: r.id, lastSeq: r.lastSeq })) };
}

/** From now on each client waits for `missed` more messages than it holds. */
function recoveryArm({ missed }: { missed: number }) {
  for (const r of returning) {
    r.expectSeq = r.lastSeq + missed;
    r.reconnectedAt = null;
    r.caughtUpAt = null;
    r.disconnectedAt = null;
  }
  return { armed: returning.length };
}

function recoveryStatus() {
  const done = <T>(xs: (T | null)[]) => xs.filter((x): x is T => x !== null);
  return {
    clients: returning.length,
    connected: returning.filter((r) => r.socket.connected).length,
    disconnected: done(returning.map((r) => r.disconnectedAt)).length,
    reconnectedAt: done(returning.map((r) => r.reconnectedAt)),
    caughtUpAt: done(returning.map((r) => r.caughtUpAt)),
    /** Per client that caught up: from its reconnection to holding what it missed (the server's part). */
    syncErrors,
    refusals,
    /** A few that have not caught up, to see where they are. */
    behind: returning
      .filter((r) => r.caughtUpAt === null)
      .slice(0, 3)
      .map((r) => ({
        connected: r.socket.connected,
        active: r.socket.active,
        reason: r.reason,
        reconnecting: (r.socket.io as unknown as { _reconnecting: boolean })._reconnecting,
        attempts: (r.socket.io as unknown as { backoff: { attempts: number } }).backoff.attempts,
        state: (r.socket.io as unknown as { _readyState: string })._readyState,
        connects: r.connects,
        lastSeq: r.lastSeq,
        expectSeq: r.expectSeq,
      })),
    catchUp: returning.filter((r) => r.reconnectedAt !== null && r.caughtUpAt !== null).map((r) => r.caughtUpAt! - r.reconnectedAt!),
  };
}

// ---- lifecycle ----------------------------------------------------------------------------

function closeAll(): void {
  for (const s of [...idle, ...agentSockets, ...chats.map((c) => c.visitor), ...fanoutAgents, ...fanoutVisitors, ...returning.map((r) => r.socket)]) s.close();
  idle.length = 0;
  agentSockets.length = 0;
  chats.length = 0;
  fanoutAgents.length = 0;
  fanoutVisitors.length = 0;
  returning.length = 0;
  arrivals.clear();
  idleDrops = 0;
}

serveRpc({
  usage: () => ({ cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, rss: process.memoryUsage().rss }),
  'idle.connect': idleConnect,
  'idle.alive': () => ({ alive: idle.filter((s) => s.connected).length, drops: idleDrops }),
  'chat.setup': chatSetup,
  'chat.run': chatRun,
  'fanout.agents': fanoutAgentsConnect,
  'fanout.start': fanoutStart,
  'fanout.arrivals': ({ id }: { id: string }) => arrivals.get(id) ?? [],
  'recovery.setup': recoverySetup,
  'recovery.arm': recoveryArm,
  'recovery.status': recoveryStatus,
  close: () => {
    closeAll();
    return null;
  },
});
process.on('disconnect', () => process.exit(0));
process.send?.({ event: 'ready' });
