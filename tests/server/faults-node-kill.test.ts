/**
 * A node dies mid-conversation (SIGKILL: no goodbye, writes cut off wherever they were). The widget
 * and the agent UI are the product's own client classes (tests/helpers/real-clients.ts) behind a
 * balancer each; both sides number what they send, and at the end every message is counted on
 * both sides and in the store.
 */
import { describe, expect, it } from 'vitest';
import { startBalancer } from '../helpers/balancer.js';
import { useFaultRig } from '../helpers/cluster.js';
import { openAgentDesk, settle, sleep, startConversation, talk, type TestAgent, type TestConversation } from '../helpers/real-clients.js';
import { ADMIN } from '../helpers/server.js';

const RATE = 20;
const TRAFFIC_MS = 6000;
const KILL_AT_MS = 2500;

const rig = useFaultRig();

describe('a node killed mid-conversation', () => {
  it('the agent moves to another node and every message either side sent arrives exactly once, in order', async () => {
    const { cluster } = await rig.start(['A', 'B', 'C']);
    const [A, B, C] = ['A', 'B', 'C'].map((n) => cluster.node(n).url) as [string, string, string];
    // The visitor's balancer keeps it on A; the agent's sends it to B while B lives, then to C.
    const visitorLb = await startBalancer([A]);
    const agentLb = await startBalancer([B, C]);
    rig.balancers.push(visitorLb, agentLb);

    const agent: TestAgent = await openAgentDesk(agentLb.url, ADMIN);
    rig.closers.push(() => agent.close());
    const chat: TestConversation = await startConversation('kill', visitorLb.url, agent);
    rig.closers.push(() => chat.visitor.close());

    const killed = (async () => {
      await sleep(KILL_AT_MS);
      cluster.node('B').proc.child.kill('SIGKILL');
      await cluster.node('B').proc.exited;
    })();
    await Promise.all([talk([chat], RATE, TRAFFIC_MS), killed]);
    await settle([chat]);

    const inStore = await agent.storeView(chat.id);
    console.log('node kill (SIGKILL of the agent’s node B):', {
      visitor: { ...chat.visitor.ledger.summary(), delivered: chat.visitor.stream().messages.length, pushedLive: chat.visitor.live() },
      agent: { ...agent.ledger.summary(), delivered: chat.agentStream().messages.length, pushedLive: agent.live(), connects: agent.connects() },
      inStore: inStore.length,
      agentConnectionsByNode: Object.fromEntries([...agentLb.routed].map(([u, n]) => [u === B ? 'B' : u === C ? 'C' : u, n])),
    });

    expect(agentLb.routed.get(C) ?? 0, 'the agent came back through node C').toBeGreaterThan(0);
    expect(agent.connects(), 'the agent reconnected').toBeGreaterThanOrEqual(2);
    // What the agent typed while it had no node waited in its outbox and went out after.
    expect(agent.ledger.queuedOffline + agent.ledger.resent, 'sends the kill caught').toBeGreaterThan(0);
    expect(await chat.problems()).toEqual([]);
    expect([...chat.visitor.stream().pending, ...chat.agentStream().pending]).toEqual([]);
  }, 60_000);
});
