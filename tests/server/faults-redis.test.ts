/**
 * Redis, which carries broadcasts between nodes, crashes and comes back. A visitor on node A talks
 * to an agent on node B (the product's own clients); each node must go on serving its own clients,
 * say so on /readyz, find Redis again by itself, and the other side must get what was sent
 * meanwhile. Every message is counted at the end.
 */
import { describe, expect, it } from 'vitest';
import { startBalancer } from '../helpers/balancer.js';
import { useFaultRig } from '../helpers/cluster.js';
import { openAgentDesk, settle, sleep, startConversation, talk, until } from '../helpers/real-clients.js';
import { ADMIN } from '../helpers/server.js';

const RATE = 20;

const rig = useFaultRig();

async function readyz(url: string): Promise<{ status: number; redis?: string; store?: string }> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, ...((await res.json()) as { redis?: string; store?: string }) };
}

describe('Redis crashes and comes back', () => {
  it('each node keeps serving its own clients, /readyz tells, the nodes find Redis again, and nothing sent meanwhile is lost', async () => {
    const { redis, cluster } = await rig.start(['A', 'B']);
    const [A, B] = [cluster.node('A').url, cluster.node('B').url];
    const visitorLb = await startBalancer([A]);
    const agentLb = await startBalancer([B]);
    rig.balancers.push(visitorLb, agentLb);
    const agent = await openAgentDesk(agentLb.url, ADMIN);
    rig.closers.push(() => agent.close());
    const chat = await startConversation('redis', visitorLb.url, agent);
    rig.closers.push(() => chat.visitor.close());
    const otherSide = () => ({
      // What each side got pushed from the other side (through Redis, across nodes).
      visitor: chat.visitor.pushed.filter((b) => b.includes(' agent ')),
      agent: agent.pushed.filter((b) => b.includes(' visitor ')),
    });

    // Before: cross-node pushes work.
    await talk([chat], RATE, 1500);
    await settle([chat]);
    const before = { sent: chat.sent.visitor.length + chat.sent.agent.length, ...otherSide() };
    expect(before.visitor.length, 'agent messages pushed to the visitor on A').toBe(chat.sent.agent.length);
    expect(before.agent.length, 'visitor messages pushed to the agent on B').toBe(chat.sent.visitor.length);

    // Redis crashes. Each node goes on taking and acknowledging its own clients' messages.
    await redis.stop();
    const downAt = Date.now();
    const acked = () => chat.visitor.ledger.acked.size + agent.ledger.acked.size;
    const ackedBefore = acked();
    await talk([chat], RATE, 2000);
    const sentDuring = chat.sent.visitor.length + chat.sent.agent.length - before.sent;
    await until('every message of the outage acknowledged', () => acked() - ackedBefore === sentDuring, 5000, () => chat.explain());
    const during = { sent: sentDuring, acked: acked() - ackedBefore, slowestAckMs: Math.max(chat.visitor.ledger.slowestMs, agent.ledger.slowestMs) };
    const readyDuring = await Promise.all([readyz(A), readyz(B)]);
    const pushedDuring = { visitor: otherSide().visitor.length - before.visitor.length, agent: otherSide().agent.length - before.agent.length };

    // Redis comes back (empty, as after a restart): both nodes find it again by themselves.
    await sleep(500);
    await redis.start();
    const upAt = Date.now();
    await until('both nodes ready again', async () => (await Promise.all([readyz(A), readyz(B)])).every((r) => r.status === 200), 15_000);
    const readyAgainAfterMs = Date.now() - upAt;
    // Nobody says anything more, yet each side is shown what the other said while Redis was away.
    await settle([chat], 5000);
    const caughtUpAfterMs = Date.now() - upAt;

    // After: cross-node pushes work again.
    const sentBeforeAfter = { visitor: chat.sent.visitor.length, agent: chat.sent.agent.length };
    await talk([chat], RATE, 1500);
    await settle([chat]);
    const after = {
      visitor: otherSide().visitor.filter((b) => chat.sent.agent.indexOf(b) >= sentBeforeAfter.agent),
      agent: otherSide().agent.filter((b) => chat.sent.visitor.indexOf(b) >= sentBeforeAfter.visitor),
    };

    const inStore = await agent.storeView(chat.id);
    console.log('redis crash:', {
      visitor: { ...chat.visitor.ledger.summary(), delivered: chat.visitor.stream().messages.length, pushedLive: chat.visitor.live() },
      agent: { ...agent.ledger.summary(), delivered: chat.agentStream().messages.length, pushedLive: agent.live(), connects: agent.connects() },
      inStore: inStore.length,
      outage: { sent: during.sent, ackedWhileDown: during.acked, pushedAcrossWhileDown: pushedDuring, readyz: readyDuring.map((r) => `${r.status} redis ${r.redis}`) },
      readyAgainAfterMs,
      caughtUpAfterMs,
      pushedAcrossAfter: { toVisitor: `${after.visitor.length}/${chat.sent.agent.length - sentBeforeAfter.agent}`, toAgent: `${after.agent.length}/${chat.sent.visitor.length - sentBeforeAfter.visitor}` },
      downForMs: upAt - downAt,
    });

    // While Redis was down: both nodes said so, and still acknowledged every send (the store was there).
    for (const r of readyDuring) expect(r).toMatchObject({ status: 503, redis: 'disconnected', store: 'reachable' });
    expect(during.acked).toBe(during.sent);
    expect(chat.visitor.ledger.refusals.size + agent.ledger.refusals.size, 'refused sends').toBe(0);
    expect(readyAgainAfterMs).toBeLessThan(10_000);
    // After: every message of either side crosses nodes live again.
    expect(after.visitor.length).toBe(chat.sent.agent.length - sentBeforeAfter.agent);
    expect(after.agent.length).toBe(chat.sent.visitor.length - sentBeforeAfter.visitor);
    // Both nodes lived through it, and the clients never had to reconnect.
    expect(cluster.nodes.every((n) => n.proc.child.exitCode === null)).toBe(true);
    expect(agent.connects()).toBe(1);
    expect(await chat.problems()).toEqual([]);
  }, 60_000);
});
