/**
 * Recovery: visitors with a chat each are connected when the server restarts. While it is down,
 * an agent on another node answers every chat (written with the server's own append into the same
 * store, which is what another node does). Measured: how long until every client reconnected and
 * holds the message it missed. The clients reconnect as the widget does: Socket.IO's backoff
 * (1 s doubling to 5 s, ±50 %), then `session:get` and `conversation:sync` from the last seq held.
 */
import mongoose, { Types } from 'mongoose';
import { ConversationsService } from '../../server/modules/conversations/conversations.service.js';
import { Claims } from '../../server/store/claims.js';
import { createModels } from '../../server/store/models.js';
import { shares, sleep, type StoreContext } from '../lib/context.js';
import { freePort, startOurs, startServerProc } from '../lib/server-proc.js';
import { percentiles, round } from '../lib/stats.js';

export interface RecoveryResult {
  store: string;
  clients: number;
  /** SIGTERM to exit: the graceful stop (in-flight writes drained, sockets closed). */
  stopMs: number;
  /** Spawn to listening: process start, store connection, indexes. */
  startMs: number;
  /** From the new server listening: the last client reconnected; the last client caught up; p50/p99 of catching up. */
  allReconnectedMs: number;
  allCaughtUpMs: number;
  caughtUpP50Ms: number;
  caughtUpP99Ms: number;
  /** Per client, from its reconnection to holding what it missed: p50 / p99 / max. */
  catchUpAfterReconnect: { p50: number; p99: number; max: number };
  /** From the stop signal to the last client caught up: what a visitor lives through. */
  totalMs: number;
  caughtUp: number;
  /** Failed `conversation:sync` calls by error (each retried after 2 s, as the widget does). */
  syncErrors?: Record<string, number>;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export async function recovery(ctx: StoreContext, clients: number): Promise<RecoveryResult> {
  const started = await startOurs(ctx, 'recovery', { port: await freePort() });
  const opts = started.options;
  let server = started.server;
  try {
    const per = shares(clients, ctx.workers.list.length);
    const setup = await ctx.workers.all<{ clients: number; errors: Record<string, number>; conversations: Array<{ id: string; lastSeq: number }> }>(
      'recovery.setup',
      (w) => ({ url: server.url, addresses: ctx.addresses, count: per[w.index], concurrency: 16 }),
      600_000,
    );
    const conversations = setup.flatMap((s) => s.conversations);
    ctx.log(`recovery ${ctx.store.kind}: ${conversations.length} clients with a chat each${setup.some((s) => Object.keys(s.errors).length) ? `; errors ${JSON.stringify(setup.map((s) => s.errors))}` : ''}`);
    await sleep(1000);
    await ctx.workers.all('recovery.arm', () => ({ missed: 1 }));

    const tStop = nowMs();
    await server.stop();
    const tDown = nowMs();

    // Another node answers every chat while this one is down.
    const conn = mongoose.createConnection(opts.storeUri!, { autoIndex: false });
    await conn.asPromise();
    const models = await createModels(conn);
    const chats = new ConversationsService(models.Conversation, models.Message, new Claims(models.Claim), { messageCreated: () => undefined, conversationUpdated: () => undefined });
    const agentId = new Types.ObjectId();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < conversations.length) {
          const c = conversations[next++]!;
          await chats.append(new Types.ObjectId(c.id), { clientId: `missed-${c.id}`, body: 'Answered while your connection was away', system: null, attachments: [], authorType: 'agent', authorId: agentId, authorName: 'Other node' });
        }
      }),
    );
    await conn.close();
    const tWritten = nowMs();

    server = await startServerProc('ours', opts);
    const tReady = nowMs();
    ctx.log(`recovery ${ctx.store.kind}: stopped in ${round(tDown - tStop)} ms, ${conversations.length} answers written in ${round(tWritten - tDown)} ms, started in ${round(tReady - tWritten)} ms`);

    type Status = { clients: number; connected: number; reconnectedAt: number[]; caughtUpAt: number[]; catchUp: number[]; syncErrors: Record<string, number> };
    let status: Status[] = [];
    const deadline = Date.now() + (ctx.quick ? 60_000 : 180_000);
    while (Date.now() < deadline) {
      status = await ctx.workers.all<Status>('recovery.status', () => ({}));
      if (status.reduce((s, x) => s + x.caughtUpAt.length, 0) >= conversations.length) break;
      await sleep(100);
    }
    const reconnected = status.flatMap((s) => s.reconnectedAt);
    const caughtUp = status.flatMap((s) => s.caughtUpAt);
    const p = percentiles(caughtUp.map((t) => t - tReady));
    const c = percentiles(status.flatMap((s) => s.catchUp));
    const res: RecoveryResult = {
      store: ctx.store.kind,
      clients: conversations.length,
      stopMs: round(tDown - tStop),
      startMs: round(tReady - tWritten),
      allReconnectedMs: round(Math.max(...reconnected) - tReady),
      allCaughtUpMs: round(p.max),
      caughtUpP50Ms: round(p.p50),
      caughtUpP99Ms: round(p.p99),
      catchUpAfterReconnect: { p50: round(c.p50), p99: round(c.p99), max: round(c.max) },
      totalMs: round(Math.max(...caughtUp) - tStop),
      caughtUp: caughtUp.length,
    };
    const syncErrors: Record<string, number> = {};
    for (const s of status) for (const [k, v] of Object.entries(s.syncErrors)) syncErrors[k] = (syncErrors[k] ?? 0) + v;
    res.syncErrors = syncErrors;
    if (caughtUp.length < conversations.length) ctx.log(`recovery ${ctx.store.kind}: ${reconnected.length} reconnected; refused handshakes ${JSON.stringify(status.map((s) => (s as unknown as { refusals: unknown }).refusals))}; some still behind: ${JSON.stringify(status.flatMap((s) => (s as unknown as { behind: unknown[] }).behind).slice(0, 3))}`);
    ctx.log(`recovery ${ctx.store.kind}: ${caughtUp.length}/${conversations.length} caught up; sync errors ${JSON.stringify(syncErrors)}; all reconnected ${res.allReconnectedMs} ms and caught up ${res.allCaughtUpMs} ms after the restart`);
    return res;
  } finally {
    await ctx.workers.all('close', () => ({}));
    await server.stop();
  }
}
