/**
 * Fan-out: a visitor starts a chat; how long until it shows in the queue view of every agent
 * watching the queue (each agent UI joined it with `queue:list` and shows a chat when its
 * `conversation:updated` with status "queued" arrives). Timed from the visitor's
 * `conversation:start` to each agent's arrival, across processes on the system's monotonic clock.
 */
import { shares, sleep, type StoreContext } from '../lib/context.js';
import { startOurs } from '../lib/server-proc.js';
import { median, percentiles, round } from '../lib/stats.js';

export interface FanoutResult {
  store: string;
  agents: number;
  trials: number;
  /** Medians over the trials: the first agent, half of them, and the last of them to see the chat. */
  firstMs: number;
  p50Ms: number;
  allMs: number;
  /** The worst trial's last agent. */
  worstAllMs: number;
  /** The visitor's own ack of the start (the chat is stored). */
  startAckMs: number;
  missing: number;
}

export async function fanout(ctx: StoreContext, agents: number, trials: number): Promise<FanoutResult> {
  const { server } = await startOurs(ctx, 'fanout');
  try {
    const tokens = (await server.rpc.call<Array<{ token: string }>>('agents', { count: agents, maxChats: 3, prefix: `fan${Date.now()}` })).map((a) => a.token);
    const per = shares(agents, ctx.workers.list.length);
    let from = 0;
    await ctx.workers.all('fanout.agents', (w) => ({ url: server.url, addresses: ctx.addresses, tokens: tokens.slice(from, (from += per[w.index]!)) }), 300_000);
    // Presence and routing settle after a crowd of agents signs in.
    await sleep(ctx.quick ? 1000 : 3000);
    const first: number[] = [];
    const half: number[] = [];
    const all: number[] = [];
    const acks: number[] = [];
    let missing = 0;
    for (let t = 0; t < trials; t++) {
      const start = ctx.workers.list[t % ctx.workers.list.length]!;
      const { id, t0, tAck } = await start.rpc.call<{ id: string; t0: number; tAck: number }>('fanout.start', { url: server.url, addresses: ctx.addresses });
      acks.push(tAck - t0);
      let times: number[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        times = (await ctx.workers.all<number[]>('fanout.arrivals', () => ({ id }))).flat();
        if (times.length >= agents) break;
        await sleep(50);
      }
      missing += agents - times.length;
      const p = percentiles(times.map((x) => x - t0));
      first.push(Math.min(...times) - t0);
      half.push(p.p50);
      all.push(p.max);
      ctx.log(`fan-out ${ctx.store.kind} trial ${t + 1}: ${times.length}/${agents} agents, first ${round(first.at(-1)!)} ms, half ${round(p.p50)} ms, all ${round(p.max)} ms`);
      await sleep(ctx.quick ? 200 : 500);
    }
    return {
      store: ctx.store.kind,
      agents,
      trials,
      firstMs: round(median(first)),
      p50Ms: round(median(half)),
      allMs: round(median(all)),
      worstAllMs: round(Math.max(...all)),
      startAckMs: round(median(acks)),
      missing,
    };
  } finally {
    await ctx.workers.all('close', () => ({}));
    await server.stop();
  }
}
