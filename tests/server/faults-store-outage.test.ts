/**
 * The store goes away for several seconds mid-conversation and comes back at the same address with
 * its data. Sends meanwhile must be refused quickly with a retryable UNAVAILABLE (never INTERNAL,
 * never an ack that does not come), the product's clients must send them again by themselves, and
 * /readyz must say what is going on. Both sides' messages are counted at the end.
 */
import mongoose from 'mongoose';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toErrorBody } from '../../server/http/errors.js';
import { ACK_TIMEOUT_MS } from '../../shared/limits.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { openAgentDesk, settle, sleep, startConversation, talk, until } from '../helpers/real-clients.js';
import { ADMIN } from '../helpers/server.js';
import { killAllServerProcesses } from '../helpers/server-process.js';
import { startRestartableStore, type RestartableStore } from '../helpers/store.js';

const RATE = 20;
/** The outage starts this far into the traffic. */
const OUTAGE_AT_MS = 1000;

let store: RestartableStore;
let cluster: Cluster;
let url: string;
const closers: Array<() => void> = [];
beforeAll(async () => {
  store = await startRestartableStore();
  cluster = await startCluster(['A'], { storeUri: store.uri });
  url = cluster.node('A').url;
});
afterEach(() => {
  for (const close of closers.splice(0)) close();
});
afterAll(async () => {
  await cluster?.stop();
  await store?.stop();
  killAllServerProcesses();
});

interface Probe {
  /** When it was asked, and when the answer came. */
  at: number;
  answeredAt: number;
  status: number;
  store?: string;
}

/** Asks /readyz every 250 ms (without waiting for the previous answer, as a probe does) until stopped. */
function watchReadiness(url: string) {
  const seen: Probe[] = [];
  const asking = new Set<Promise<void>>();
  const ask = async () => {
    const at = Date.now();
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { store?: string };
      seen.push({ at, answeredAt: Date.now(), status: res.status, store: body.store });
    } catch {
      seen.push({ at, answeredAt: Date.now(), status: 0 });
    }
  };
  const timer = setInterval(() => {
    const p = ask();
    asking.add(p);
    void p.finally(() => asking.delete(p));
  }, 250);
  return {
    seen,
    async stop() {
      clearInterval(timer);
      await Promise.all(asking);
    },
  };
}

/**
 * A visitor and an agent talk at RATE messages a second each; `outage` takes the store away for
 * `outageMs` from OUTAGE_AT_MS on, and sending stops `sendingMs` into it, so the last messages
 * arrive only if the clients retry unasked. Then one more second of traffic.
 */
async function conversationThroughOutage(
  kind: string,
  { outageMs, sendingMs }: { outageMs: number; sendingMs: number },
  outage: { begin(): Promise<void> | void; end(): Promise<void> | void },
) {
  const agent = await openAgentDesk(url, ADMIN);
  closers.push(() => agent.close());
  const chat = await startConversation(kind, url, agent);
  closers.push(() => chat.visitor.close());
  const visitor = chat.visitor;
  const logFrom = cluster.node('A').proc.lines.length;
  const readiness = watchReadiness(url);

  let downAt = 0;
  let upAt = 0;
  const run = (async () => {
    await sleep(OUTAGE_AT_MS);
    await outage.begin();
    downAt = Date.now();
    await sleep(outageMs);
    upAt = Date.now();
    await outage.end();
  })();
  await Promise.all([talk([chat], RATE, OUTAGE_AT_MS + sendingMs), run]);
  // Nobody sends any more: what waited in the outboxes goes out on the clients' own retries.
  await settle([chat]);
  const settledAfterUpMs = Date.now() - upAt;
  await until('/readyz to answer 200 again', () => readiness.seen.some((p) => p.at > upAt && p.status === 200), 15_000);
  const readyAgainAfterMs = readiness.seen.find((p) => p.at > upAt && p.status === 200)!.at - upAt;

  // And the conversation goes on as before.
  await talk([chat], RATE, 1000);
  await settle([chat], 10_000);
  await readiness.stop();

  // Asked and answered while the store was away (after a second for the node to notice).
  const during = readiness.seen.filter((p) => p.at > downAt + 1000 && p.answeredAt < upAt);
  const nodeErrors = cluster.node('A').proc.lines.slice(logFrom).filter((l) => l.level >= 50);
  console.log(`store ${kind}:`, {
    outageMs: upAt - downAt,
    visitor: { ...visitor.ledger.summary(), delivered: visitor.stream().messages.length },
    agent: { ...agent.ledger.summary(), delivered: chat.agentStream().messages.length },
    readyzDuringOutage: { probes: during.length, answers: [...new Set(during.map((p) => `${p.status} ${p.store ?? ''}`))], slowestMs: Math.max(...during.map((p) => p.answeredAt - p.at)) },
    readyAgainAfterMs,
    settledAfterUpMs,
    nodeErrors: nodeErrors.map((l) => JSON.stringify(l).slice(0, 1500)),
  });

  // Refused soon and as retryable: UNAVAILABLE, never INTERNAL, never an ack that does not come.
  // (A refused send may still have been stored, if the store took it just before it went quiet:
  // the client then finds it in a push or a sync and does not send it again.)
  expect((visitor.ledger.refusals.get('UNAVAILABLE') ?? 0) + (agent.ledger.refusals.get('UNAVAILABLE') ?? 0), 'sends refused as unavailable').toBeGreaterThan(0);
  for (const ledger of [visitor.ledger, agent.ledger]) {
    expect([...ledger.refusals.keys()].filter((code) => code !== 'UNAVAILABLE'), `${ledger.name}'s other refusals`).toEqual([]);
    expect(ledger.hung, `${ledger.name}'s sends left without an answer`).toBe(0);
    expect(ledger.slowestMs, `${ledger.name}'s slowest answer`).toBeLessThan(ACK_TIMEOUT_MS - 3000);
  }
  // Nothing the node logged was an unexpected error: every store failure was recognised as one.
  expect(nodeErrors.map((l) => l.msg)).toEqual([]);
  // /readyz: 503 with the store unreachable throughout the outage, 200 soon after it ends.
  expect(during.length).toBeGreaterThanOrEqual(3);
  expect(during.every((p) => p.status === 503 && p.store === 'unreachable'), JSON.stringify(during)).toBe(true);
  expect(readyAgainAfterMs).toBeLessThan(5000);

  expect(await chat.problems()).toEqual([]);
}

describe('the store away mid-conversation', () => {
  it('stopped and started again: sends meanwhile are refused as retryable at once, the clients send them again, nothing is lost, /readyz tells', async () => {
    await conversationThroughOutage('stopped', { outageMs: 4000, sendingMs: 2500 }, { begin: () => store.down(), end: () => store.up() });
  }, 40_000);

  it('silent (frozen, as behind a network partition): the node gives up on it within seconds instead of hanging, and nothing is lost', async () => {
    await conversationThroughOutage('frozen', { outageMs: 6000, sendingMs: 2500 }, { begin: () => store.freeze(), end: () => store.thaw() });
  }, 40_000);
});

describe('how a lost store is answered', () => {
  it('every way the driver reports a store that is not there is UNAVAILABLE, so clients retry; anything else stays INTERNAL', async () => {
    const log = pino({ level: 'silent' });
    const { MongoClient, MongoNetworkError, MongoNetworkTimeoutError } = mongoose.mongo;
    // A real server-selection failure: nothing listens on port 1.
    const selection = await new MongoClient('mongodb://127.0.0.1:1/?directConnection=true', { serverSelectionTimeoutMS: 200 }).connect().then(
      () => new Error('connected to nothing?'),
      (err: unknown) => err,
    );
    // What the driver passed on unwrapped once, writing to a store that had just been killed (seen in this file's first test).
    const epipe = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    for (const err of [selection, new MongoNetworkError('connection closed'), new MongoNetworkTimeoutError('timed out'), epipe]) {
      expect(toErrorBody(err, log), String(err)).toMatchObject({ code: 'UNAVAILABLE' });
    }
    expect(toErrorBody(new Error('a bug'), log)).toMatchObject({ code: 'INTERNAL' });
  });
});
