/**
 * Latency: a visitor's message to the agent's screen, at rising rates spread over many live chats.
 * Ours includes what the product promises: validation, the durable write (acked only once stored),
 * the conversation's update, and the fan-out to both sides. The bare relay does none of it.
 * Senders are open-loop (the schedule does not wait for answers), so a slow server shows up as
 * latency, not as a lower rate.
 */
import { cpuMeter } from '../lib/cpu.js';
import { cpuGroups, shares, type BenchContext, type StoreContext } from '../lib/context.js';
import { startOurs, startServerProc, storeOps, type ServerProc } from '../lib/server-proc.js';
import { percentiles, round, type Percentiles } from '../lib/stats.js';

export interface LatencyStep {
  rate: number;
  seconds: number;
  sent: number;
  /** Messages per second that reached the agents. */
  deliveredPerSec: number;
  /** Acked, never delivered. */
  lost: number;
  /** Refused or unanswered acks (the error codes in ackErrors). */
  failed: number;
  delivery: Percentiles;
  /** The visitor's ack (for ours: the message is durable). */
  ack: Percentiles;
  ackErrors: Record<string, number>;
  /** Share of one core: server, store, client workers. */
  cpu: Record<string, number>;
}

export interface LatencyResult {
  server: 'ours' | 'relay';
  store: string | null;
  conversations: number;
  steps: LatencyStep[];
  /** The highest rate tried whose delivery p99 stayed under 50 ms; null: none. */
  maxRateP99Under50: number | null;
  skipped: number[];
  /** Measured without docs/ferretdb-postgresql-indexes.sql. */
  plainIndexes?: boolean;
}

interface RunResult {
  delivered: number[];
  acks: number[];
  sent: number;
  measuredSent: number;
  received: number;
  lost: number;
  failed: number;
  ackErrors: Record<string, number>;
  cpu: number;
}

/** `plainIndexes`: ours on PostgreSQL with only the indexes FerretDB makes, to show what the recommended ones change. */
export async function latency(ctx: BenchContext & Partial<StoreContext>, kind: 'ours' | 'relay', rates: number[], conversations: number, o: { plainIndexes?: boolean } = {}): Promise<LatencyResult> {
  const store = kind === 'ours' ? ctx.store! : null;
  const server = store ? (await startOurs({ ...ctx, store }, 'latency', o)).server : await startServerProc('relay', {});
  const label = `${kind}${store ? `/${store.kind}${o.plainIndexes ? ' (FerretDB indexes only)' : ''}` : ''}`;
  try {
    const res = await measure(ctx, server, label, rates, conversations, store?.kind ?? null);
    return o.plainIndexes ? { ...res, plainIndexes: true } : res;
  } finally {
    await ctx.workers.all('close', () => ({}));
    await server.stop();
  }
}

async function measure(ctx: BenchContext & Partial<StoreContext>, server: ServerProc, label: string, rates: number[], conversations: number, storeKind: string | null): Promise<LatencyResult> {
  const W = ctx.workers.list.length;
  // Agents take up to 50 live chats each (the product's limit), so 500 chats need 10 agents.
  const perAgent = Math.min(50, Math.ceil(conversations / (2 * W)));
  const agentCount = Math.ceil(conversations / perAgent);
  const tokens =
    server.kind === 'ours'
      ? (await server.rpc.call<Array<{ token: string }>>('agents', { count: agentCount, maxChats: perAgent, prefix: `lat${Date.now()}` })).map((a) => a.token)
      : Array.from({ length: agentCount }, (_, i) => `relay-agent-${i}`);
  const byWorker = shares(agentCount, W);
  let from = 0;
  const setup = await ctx.workers.all<{ chats: number; errors: Record<string, number> }>(
    'chat.setup',
    (w) => {
      const mine = tokens.slice(from, (from += byWorker[w.index]!));
      return { url: server.url, addresses: ctx.addresses, agentTokens: mine, perAgent };
    },
    600_000,
  );
  const chats = setup.reduce((s, r) => s + r.chats, 0);
  const setupErrors = setup.flatMap((r) => Object.entries(r.errors));
  ctx.log(`latency ${label}: ${chats} live chats with ${agentCount} agents${setupErrors.length ? `; setup errors ${JSON.stringify(setupErrors)}` : ''}`);

  const seconds = ctx.quick ? 3 : 20;
  const warmupMs = ctx.quick ? 1000 : 3000;
  const meter = cpuMeter(cpuGroups(ctx, server.pid, server.kind === 'ours'));
  const steps: LatencyStep[] = [];
  const skipped: number[] = [];
  let saturated = false;
  for (const rate of rates) {
    if (saturated) {
      skipped.push(rate);
      continue;
    }
    if (server.kind === 'ours') await server.rpc.call('ops.start', {});
    meter.start();
    const runs = await ctx.workers.all<RunResult>('chat.run', (w) => ({ rate: shares(rate, W)[w.index], durationMs: seconds * 1000, warmupMs, drainMs: 15_000 }), 300_000);
    const cpu = meter.stop();
    const delivered = runs.flatMap((r) => r.delivered);
    const measuredSent = runs.reduce((s, r) => s + r.measuredSent, 0);
    const ackErrors: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of Object.entries(r.ackErrors)) ackErrors[k] = (ackErrors[k] ?? 0) + v;
    const step: LatencyStep = {
      rate,
      seconds,
      sent: measuredSent,
      deliveredPerSec: Math.round(delivered.length / seconds),
      lost: runs.reduce((s, r) => s + r.lost, 0),
      failed: runs.reduce((s, r) => s + r.failed, 0),
      delivery: roundP(percentiles(delivered)),
      ack: roundP(percentiles(runs.flatMap((r) => r.acks))),
      ackErrors,
      cpu: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v)])),
    };
    steps.push(step);
    ctx.log(
      `latency ${label} @ ${rate}/s: p50 ${step.delivery.p50} ms, p99 ${step.delivery.p99} ms, p99.9 ${step.delivery.p999} ms; ${step.deliveredPerSec}/s delivered, ${step.lost} lost, ${step.failed} failed ${JSON.stringify(step.ackErrors)}; cpu ${JSON.stringify(step.cpu)}`,
    );
    if (server.kind === 'ours') ctx.log(`latency ${label} @ ${rate}/s: store operations per message: ${await storeOps(server, runs.reduce((s, r) => s + r.sent, 0))}`);
    // Past this the backlog only grows and spills into the next step: the server is saturated.
    if (step.lost + step.failed > measuredSent * 0.05 || step.delivery.p99 > 5000) saturated = true;
  }
  if (steps.some((s) => s.ackErrors.INTERNAL)) {
    // An INTERNAL answer is a bug or an unexpected store error: show what the server logged about it.
    const errors = server.tail().split('\n').filter((l) => /"level":(50|60)/.test(l));
    ctx.log(`latency ${label}: the server answered INTERNAL; its last errors:\n${errors.slice(-5).join('\n').slice(0, 4000)}`);
  }
  const ok = steps.filter((s) => s.delivery.p99 < 50 && s.lost === 0 && s.failed === 0).map((s) => s.rate);
  return { server: server.kind, store: storeKind, conversations: chats, steps, maxRateP99Under50: ok.length ? Math.max(...ok) : null, skipped };
}

function roundP(p: Percentiles): Percentiles {
  return { n: p.n, p50: round(p.p50), p99: round(p.p99), p999: round(p.p999), max: round(p.max) };
}
