/**
 * A node is stopped for a deploy (SIGTERM) while 30 chats go on across three nodes. It must finish
 * the writes it has started, let its clients go, and exit 0 soon; its clients (the product's own
 * widget and agent desk, behind balancers) move to the other nodes. Every message is counted.
 */
import { describe, expect, it } from 'vitest';
import { startBalancer, type Balancer } from '../helpers/balancer.js';
import { createAgents, useFaultRig } from '../helpers/cluster.js';
import { openAgentDesk, settle, sleep, startConversation, talk, type TestAgent, type TestConversation } from '../helpers/real-clients.js';

const CONVERSATIONS = 30;
const AGENTS = 10;
/** Messages per second from each side of each chat: 60 a second in all. */
const RATE = 1;
const TRAFFIC_MS = 6000;
const SIGTERM_AT_MS = 2500;
/** How long the stopping node may take: writes in flight get at most 10 s (server.ts), then it closes. */
const EXIT_WITHIN_MS = 15_000;

const rig = useFaultRig();

describe('a node stopped gracefully under load', () => {
  it('finishes what it started, exits 0, and its clients carry on elsewhere without losing a message', async () => {
    const { store, cluster } = await rig.start(['A', 'B', 'C']);
    const [A, B, C] = ['A', 'B', 'C'].map((n) => cluster.node(n).url) as [string, string, string];
    const names = new Map([
      [A, 'A'],
      [B, 'B'],
      [C, 'C'],
    ]);
    // One balancer per preferred node; when that node is gone, the next in line takes its clients.
    const lbs = await Promise.all([startBalancer([A, C, B]), startBalancer([B, C, A]), startBalancer([C, A, B])]);
    rig.balancers.push(...lbs);

    const creds = await createAgents(store.uri, AGENTS, Math.ceil(CONVERSATIONS / AGENTS));
    const agents: TestAgent[] = await Promise.all(
      creds.map(async (c, i) => {
        const agent = await openAgentDesk(lbs[i % 3]!.url, c);
        rig.closers.push(() => agent.close());
        return agent;
      }),
    );
    // Visitors sit on another node than their agent, so every message crosses nodes.
    const chats: TestConversation[] = await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, i) => {
        const agentIndex = i % AGENTS;
        const chat = await startConversation(`c${String(i).padStart(2, '0')}`, lbs[(agentIndex + 1) % 3]!.url, agents[agentIndex]!);
        rig.closers.push(() => chat.visitor.close());
        return chat;
      }),
    );
    const onB = { agents: agents.filter((_, i) => i % 3 === 1).length, visitors: chats.filter((_, i) => ((i % AGENTS) + 1) % 3 === 1).length };

    const nodeB = cluster.node('B');
    let exitedAfterMs = -1;
    let sigtermAt = 0;
    const stopped = (async () => {
      await sleep(SIGTERM_AT_MS);
      const at = Date.now();
      sigtermAt = at;
      nodeB.proc.child.kill('SIGTERM');
      const code = await nodeB.proc.exited;
      exitedAfterMs = Date.now() - at;
      return code;
    })();
    const [, exitCode] = await Promise.all([talk(chats, RATE, TRAFFIC_MS), stopped]);
    await settle(chats, 25_000);

    const problems = (await Promise.all(chats.map((c) => c.problems()))).flat();
    const ledgers = [...agents.map((a) => a.ledger), ...chats.map((c) => c.visitor.ledger)];
    const sum = (f: (l: (typeof ledgers)[number]) => number) => ledgers.reduce((n, l) => n + f(l), 0);
    const refusals: Record<string, number> = {};
    for (const l of ledgers) for (const [code, n] of l.refusals) refusals[code] = (refusals[code] ?? 0) + n;
    const routed = (lb: Balancer) => Object.fromEntries([...lb.routed].map(([u, n]) => [names.get(u), n]));
    console.log('SIGTERM of node B under load:', {
      conversations: CONVERSATIONS,
      onB,
      sent: sum((l) => l.sent.length),
      acked: sum((l) => l.acked.size),
      resent: sum((l) => l.resent),
      queuedOffline: sum((l) => l.queuedOffline),
      refusals,
      slowestAckMs: Math.max(...ledgers.map((l) => l.slowestMs)),
      delivered: chats.reduce((n, c) => n + c.visitor.stream().messages.length + c.agentStream().messages.length, 0),
      agentReconnects: agents.reduce((n, a) => n + a.connects() - 1, 0),
      exitCode,
      exitedAfterMs,
      connectionsByBalancer: lbs.map(routed),
      nodeBShutdown: nodeB.proc.lines.filter((l) => (l.time as number) >= sigtermAt).map((l) => `${(l.time as number) - sigtermAt} ${l.msg}`).slice(0, 15),
    });

    expect(exitCode).toBe(0);
    expect(exitedAfterMs).toBeLessThan(EXIT_WITHIN_MS);
    expect(nodeB.proc.lines.some((l) => l.msg === 'stopped')).toBe(true);
    // B's clients came back through the next node in line.
    expect(lbs[1]!.routed.get(C) ?? 0).toBeGreaterThan(0);
    // Refused only as "try again" (the node is restarting), never as a failure.
    expect(Object.keys(refusals).filter((code) => code !== 'UNAVAILABLE' && code !== 'no answer')).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);
});
