/**
 * Density: how many idle visitors (connected, handshake done, nothing else) one server process
 * holds, and what each costs in memory. Visitors connect in steps; at each step the server's RSS
 * and heap are read after a full GC. The top step is held for longer than a Socket.IO ping
 * interval (25 s) in the full run, so every connection has answered a ping before it counts.
 */
import { cpuMeter } from '../lib/cpu.js';
import { cpuGroups, shares, sleep, type BenchContext, type StoreContext } from '../lib/context.js';
import { startOurs, startServerProc, storeOps, type ServerProc } from '../lib/server-proc.js';
import { MB, round } from '../lib/stats.js';

export interface DensityStep {
  connected: number;
  rssMB: number;
  heapUsedMB: number;
  connectPerSec: number;
  failed: number;
}

export interface DensityResult {
  server: 'ours' | 'relay';
  store: string | null;
  target: number;
  /** Connections still up after the hold. */
  held: number;
  holdSeconds: number;
  /** Per connection, from the idle server to the top step (both after a full GC). */
  rssKBPerConn: number;
  heapKBPerConn: number;
  baseline: { rssMB: number; heapUsedMB: number };
  steps: DensityStep[];
  /** Why it stopped below the target, if it did. */
  stoppedBecause: string | null;
  /** Share of one core while connecting: server, store, client workers. */
  cpuWhileConnecting: Record<string, number>;
  errors: Record<string, number>;
}

type Mem = NodeJS.MemoryUsage;

export async function density(ctx: BenchContext & Partial<StoreContext>, kind: 'ours' | 'relay', steps: number[]): Promise<DensityResult> {
  const store = ctx.store;
  const server = kind === 'ours' ? (await startOurs({ ...ctx, store: store! }, 'density')).server : await startServerProc('relay', {});
  const label = `${kind}${store && kind === 'ours' ? `/${store.kind}` : ''}`;
  try {
    return await measure(ctx, server, label, steps, kind === 'ours' ? store!.kind : null);
  } finally {
    await ctx.workers.all('close', () => ({}));
    await server.stop();
  }
}

async function measure(ctx: BenchContext & Partial<StoreContext>, server: ServerProc, label: string, steps: number[], storeKind: string | null): Promise<DensityResult> {
  const mem = (collect = true) => server.rpc.call<Mem>('mem', { collect });
  // One connection first, so lazily loaded code and first-use caches are not counted per connection.
  await ctx.workers.list[0]!.rpc.call('idle.connect', { url: server.url, addresses: ctx.addresses, count: 1, concurrency: 1 });
  await sleep(500);
  const base = await mem();
  if (ctx.heapProfDir) await server.rpc.call('heap.start');
  const meter = cpuMeter(cpuGroups(ctx, server.pid, server.kind === 'ours'));
  const errors: Record<string, number> = {};
  const out: DensityStep[] = [];
  let total = 1;
  let stoppedBecause: string | null = null;
  let connectMs = 0;
  const stepBudgetSeconds = ctx.quick ? 60 : 300;
  const cpuTotals: Record<string, number> = {};
  for (const target of steps) {
    const add = target - total;
    if (add <= 0) continue;
    if (server.kind === 'ours') await server.rpc.call('ops.start', {});
    meter.start();
    const t0 = performance.now();
    const until = Date.now() + stepBudgetSeconds * 1000;
    const res = await ctx.workers.all<{ ok: number; failed: number; skipped: number; errors: Record<string, number> }>(
      'idle.connect',
      (w) => ({ url: server.url, addresses: ctx.addresses, count: shares(add, ctx.workers.list.length)[w.index], concurrency: 32, until }),
      1_800_000,
    );
    const ms = performance.now() - t0;
    connectMs += ms;
    for (const [k, v] of Object.entries(meter.stop())) cpuTotals[k] = (cpuTotals[k] ?? 0) + v * ms;
    const ok = res.reduce((s, r) => s + r.ok, 0);
    const failed = res.reduce((s, r) => s + r.failed, 0);
    for (const r of res) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    total += ok;
    await sleep(ctx.quick ? 500 : 2000);
    const m = await mem();
    out.push({ connected: total, rssMB: round(m.rss / MB), heapUsedMB: round(m.heapUsed / MB), connectPerSec: Math.round(ok / (ms / 1000)), failed });
    if (server.kind === 'ours') ctx.log(`density ${label}: store operations per connection: ${await storeOps(server, ok)}`);
    ctx.log(`density ${label}: ${total} connected (${out.at(-1)!.connectPerSec}/s, ${failed} failed), rss ${out.at(-1)!.rssMB} MB, heap ${out.at(-1)!.heapUsedMB} MB`);
    const skipped = res.reduce((s, r) => s + r.skipped, 0);
    if (skipped > 0) {
      stoppedBecause = `connecting slowed to ${Math.round(ok / (ms / 1000))}/s: the step to ${target} did not finish in ${stepBudgetSeconds} s`;
      break;
    }
    if (failed > add * 0.01) {
      stoppedBecause = `${failed} of ${add} connections failed at the step to ${target}`;
      break;
    }
    // A store that slows every new connection down (a scan per lookup) would take hours to fill:
    // stop where the next step would take longer than the budget, and say so.
    const nextTarget = steps[steps.indexOf(target) + 1];
    const rate = ok / (ms / 1000);
    if (nextTarget !== undefined && (nextTarget - total) / rate > stepBudgetSeconds) {
      stoppedBecause = `connecting slowed to ${Math.round(rate)}/s at ${total} (the next step would take over ${stepBudgetSeconds} s)`;
      break;
    }
  }
  const holdSeconds = ctx.quick ? 3 : 30;
  await sleep(holdSeconds * 1000);
  const alive = await ctx.workers.all<{ alive: number; drops: number }>('idle.alive', () => ({}));
  const held = alive.reduce((s, a) => s + a.alive, 0);
  const drops = alive.reduce((s, a) => s + a.drops, 0);
  if (drops > 0 && !stoppedBecause) stoppedBecause = `${drops} connections dropped during the hold`;
  const top = await mem();
  if (ctx.heapProfDir) ctx.log(`density ${label}: heap profile ${await server.rpc.call<string>('heap.write', { file: `${ctx.heapProfDir}/density-${label.replace('/', '-')}.heapprofile` })}`);
  const n = Math.max(1, held - 1);
  const cpu: Record<string, number> = {};
  for (const [k, v] of Object.entries(cpuTotals)) cpu[k] = round(v / connectMs);
  return {
    server: server.kind,
    store: storeKind,
    target: steps.at(-1)!,
    held,
    holdSeconds,
    rssKBPerConn: round((top.rss - base.rss) / 1024 / n),
    heapKBPerConn: round((top.heapUsed - base.heapUsed) / 1024 / n),
    baseline: { rssMB: round(base.rss / MB), heapUsedMB: round(base.heapUsed / MB) },
    steps: out,
    stoppedBecause,
    cpuWhileConnecting: cpu,
    errors,
  };
}
