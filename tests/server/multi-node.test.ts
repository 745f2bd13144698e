/**
 * Any node serves any client: three nodes of one deployment (one store, one Redis of this file's
 * own, one JWT_SECRET and one DATA_DIR) with visitors and agents spread over them, as a load
 * balancer would spread them.
 *
 * Presence heartbeats are slow here (120 s, longer than this file runs) on purpose: every
 * cross-node effect below must come from an event or a hint between nodes, never from a sweep that
 * happens to run during the wait. One test runs two nodes without REDIS_URL and shows what then
 * does not reach across, so these tests cannot pass by accident.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { PresenceDTO, QueuePositionDTO, ViewersDTO } from '../../shared/workspace.js';
import type { ConversationDTO, MessageDTO, SiteConfigDTO, SyncResult, TypingDTO } from '../../shared/types.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectAgent,
  connectVisitor,
  customerSession,
  login,
  newVisitorToken,
  ok,
  record,
  rest,
  type AgentClient,
  type VisitorClient,
} from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { killAllRedis, startTestRedis, type TestRedis } from '../helpers/redis.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

/** Shared by every node of the deployment, so any node accepts any node's sessions. */
const JWT_SECRET = 'multi-node-secret-multi-node-secret-0123456789ab';

/** What every node gets besides its own port; the first node also gets the admin (startTestServer). */
function nodeEnv(extra: Record<string, string>): Record<string, string> {
  return {
    JWT_SECRET,
    MONGODB_URI: a.testStore.uri,
    DATA_DIR: dataDir,
    SMTP_URL: catcher.url,
    ...TIMING,
    ...extra,
  };
}

/** Test-scale alerts (as tests/helpers/server.ts), limits out of the way, and slow presence sweeps (see above). */
const TIMING = {
  AGENT_HEARTBEAT_SECONDS: '120',
  ALERT_COALESCE_SECONDS: '0.3',
  OUTBOX_POLL_MS: '200',
  OUTBOX_RETRY_BASE_SECONDS: '0.2',
  OUTBOX_LEASE_SECONDS: '2',
  TICKETS_PER_IP_PER_HOUR: '100000',
  TICKETS_PER_EMAIL_PER_HOUR: '100000',
  CONVERSATIONS_PER_IP_PER_HOUR: '100000',
  LOGIN_ATTEMPTS_PER_15_MIN: '100000',
  SOCKET_EVENTS_PER_SECOND: '100000',
  SOCKET_EVENTS_BURST: '100000',
};

let redis: TestRedis;
let catcher: MailCatcher;
let dataDir: string;
let a: TestServer;
let b: RunningServer;
let c: RunningServer;
let adminToken: string;

async function startNode(env: Record<string, string>): Promise<RunningServer> {
  return startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...nodeEnv(env) }));
}

/** Stops nodes a test added, once their agents' disconnects are recorded (a stopping node leaves its marks to expire). */
async function stopNodes(...nodes: RunningServer[]): Promise<void> {
  closeAllClients();
  await until('every agent socket to be gone', async () => (await a.models.PresenceSocket.countDocuments({})) === 0);
  await Promise.allSettled(nodes.map((n) => n.stop()));
}

beforeAll(async () => {
  redis = await startTestRedis();
  catcher = await startMailCatcher();
  dataDir = await mkdtemp(join(tmpdir(), 'chat-multi-node-'));
  a = await startTestServer({ JWT_SECRET, REDIS_URL: redis.url, DATA_DIR: dataDir, SMTP_URL: catcher.url, ...TIMING });
  [b, c] = await Promise.all([startNode({ REDIS_URL: redis.url }), startNode({ REDIS_URL: redis.url })]);
  adminToken = (await login(a.url, ADMIN.email, ADMIN.password)).token;
});
afterAll(async () => {
  closeAllClients();
  await Promise.allSettled([b?.stop(), c?.stop()]);
  await a?.stop();
  await catcher?.close();
  await redis?.stop();
  killAllRedis();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  closeAllClients();
  // The next test starts with nobody online: each node records its agents' disconnects.
  await until('every agent socket to be gone', async () => (await a.models.PresenceSocket.countDocuments({})) === 0);
});

let seq = 0;
const cid = () => `mn-${Date.now().toString(36)}-${++seq}`;

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new agent of the deployment, signed in and connected to `node`. */
async function agentOn(node: RunningServer, name: string, maxChats?: number): Promise<{ id: string; name: string; socket: AgentClient; token: string }> {
  const creds = await a.addAgent(name);
  if (maxChats) await a.models.Agent.updateOne({ _id: creds.id }, { $set: { maxChats } });
  const { socket, login: session } = await agentSession(node.url, creds);
  return { id: creds.id, name, socket, token: session.token };
}

async function startChat(node: RunningServer, siteKey: string, name = 'Vera'): Promise<{ visitor: VisitorClient; chat: ConversationDTO }> {
  const visitor = await connectVisitor(node.url, newVisitorToken(), { siteKey });
  const { conversation } = ok(await call<SyncResult>(visitor, 'conversation:start', { name }));
  return { visitor, chat: conversation };
}

function say(socket: VisitorClient | AgentClient, conversationId: string, body: string) {
  return call<MessageDTO>(socket, 'message:send', { conversationId, clientId: cid(), body });
}

async function patchSite(siteKey: string, body: unknown): Promise<void> {
  const res = await rest(a.url, 'PATCH', `/api/admin/sites/${siteKey}`, { token: adminToken, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** No event of this kind matching `pred` arrives within `ms`. */
async function stillNone<T>(rec: { items: T[] }, pred: (x: T) => boolean, ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  expect(rec.items.filter(pred)).toEqual([]);
}

const LOOK = { position: 'right', greeting: {}, offlineMessage: {}, languages: [] } as const;

it('every node reports the store and Redis ready', async () => {
  for (const node of [a, b, c]) {
    const res = await rest<{ ok: boolean; store: string; redis: string }>(node.url, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, store: 'reachable', redis: 'connected' });
  }
});

it('a new chat started on node A appears at once in the queue views of agents on B and C', async () => {
  const onB = await agentOn(b, 'Bea');
  const onC = await agentOn(c, 'Cal');
  for (const agent of [onB, onC]) ok(await call(agent.socket, 'queue:list', {}));
  const seenB = record<ConversationDTO>(onB.socket, 'conversation:updated');
  const seenC = record<ConversationDTO>(onC.socket, 'conversation:updated');

  const { chat } = await startChat(a, 'mn-queue', 'Quinn');
  for (const seen of [seenB, seenC]) {
    await seen.until((xs) => xs.some((x) => x.id === chat.id), 5000);
    expect(seen.items.find((x) => x.id === chat.id)).toMatchObject({ status: 'queued', visitor: { name: 'Quinn' } });
  }
});

it('a waiting visitor who opens another tab on a node that did not see their chat start is told their place at once', async () => {
  // B learns who waits on this site from a chat started through it; the next chat starts through A.
  await startChat(b, 'mn-place', 'Pia');
  const token = newVisitorToken();
  const first = await connectVisitor(a.url, token, { siteKey: 'mn-place' });
  const { conversation } = ok(await call<SyncResult>(first, 'conversation:start', { name: 'Quin' }));
  const heard = record<QueuePositionDTO>(first, 'queue:position');
  await heard.until((xs) => xs.some((p) => p.position === 2), 5000);

  const tab = await connectVisitor(b.url, token, { siteKey: 'mn-place' });
  const told = record<QueuePositionDTO>(tab, 'queue:position');
  await told.until((xs) => xs.length > 0, 5000);
  expect(told.items[0]).toMatchObject({ conversationId: conversation.id, position: 2 });
});

it('accepted on C, a chat of a visitor on A: the visitor sees the agent join; messages and typing cross both ways, each side in order', async () => {
  const { visitor, chat } = await startChat(a, 'mn-chat', 'Vic');
  const agent = await agentOn(c, 'Cora');
  const visitorUpdates = record<ConversationDTO>(visitor, 'conversation:updated');
  const visitorMessages = record<MessageDTO>(visitor, 'message:created');
  const visitorTyping = record<TypingDTO>(visitor, 'typing:changed');

  ok(await call(agent.socket, 'conversation:accept', { conversationId: chat.id }));
  await visitorUpdates.until((xs) => xs.some((x) => x.id === chat.id && x.status === 'active' && x.agent?.name === 'Cora'), 5000);
  await visitorMessages.until((xs) => xs.some((m) => m.system?.kind === 'agent.joined'), 5000);

  const agentMessages = record<MessageDTO>(agent.socket, 'message:created');
  const agentTyping = record<TypingDTO>(agent.socket, 'typing:changed');
  ok(await call(visitor, 'typing:set', { conversationId: chat.id, typing: true }));
  await agentTyping.until((xs) => xs.some((t) => t.conversationId === chat.id && t.author.type === 'visitor' && t.typing), 5000);
  ok(await call(agent.socket, 'typing:set', { conversationId: chat.id, typing: true }));
  await visitorTyping.until((xs) => xs.some((t) => t.author.type === 'agent' && t.author.name === 'Cora' && t.typing), 5000);

  // Both sides send at once, without waiting for each other's acks.
  const n = 15;
  const acks = await Promise.all([
    ...Array.from({ length: n }, (_, i) => say(visitor, chat.id, `v${i}`)),
    ...Array.from({ length: n }, (_, i) => say(agent.socket, chat.id, `a${i}`)),
  ]);
  const stored = acks.map((x) => ok(x));
  const fromVisitor = Array.from({ length: n }, (_, i) => `v${i}`);
  const fromAgent = Array.from({ length: n }, (_, i) => `a${i}`);
  const bodies = (xs: MessageDTO[], prefix: string) => xs.filter((m) => m.body.startsWith(prefix) && /^[va]\d+$/.test(m.body)).map((m) => m.body);

  // Each sender's messages arrive on the other node live, once each and in the order sent.
  await agentMessages.until((xs) => bodies(xs, 'v').length >= n, 5000);
  await visitorMessages.until((xs) => bodies(xs, 'a').length >= n, 5000);
  expect(bodies(agentMessages.items, 'v')).toEqual(fromVisitor);
  expect(bodies(visitorMessages.items, 'a')).toEqual(fromAgent);
  // The sequence numbers of one sender grow in the order it sent.
  const seqOf = (body: string) => stored.find((m) => m.body === body)!.seq;
  expect(fromVisitor.map(seqOf)).toEqual([...fromVisitor.map(seqOf)].sort((x, y) => x - y));
  expect(fromAgent.map(seqOf)).toEqual([...fromAgent.map(seqOf)].sort((x, y) => x - y));
  // And the whole stream, as both sides can sync it from either node, is the same gapless one.
  const viaA = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 })).messages;
  const viaC = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 })).messages;
  expect(viaA.map((m) => m.seq)).toEqual(viaA.map((_, i) => i + 1));
  expect(viaC.map((m) => m.id)).toEqual(viaA.map((m) => m.id));
});

it("a message stays in every sync when another node put the conversation's lastSeq back (FerretDB rewrites whole documents)", async () => {
  const { visitor, chat } = await startChat(a, 'mn-lastseq', 'Lena');
  const agent = await agentOn(b, 'Lars');
  ok(await call(agent.socket, 'conversation:accept', { conversationId: chat.id }));
  const sent = [ok(await say(visitor, chat.id, 'first')), ok(await say(agent.socket, chat.id, 'second'))];
  // On FerretDB an update read before this one and written after it puts the old lastSeq back, as
  // two nodes writing one chat at the same moment can do (seen in faults-sigterm). Done here directly.
  const last = sent[1]!.seq;
  await a.models.Conversation.updateOne({ _id: new Types.ObjectId(chat.id) }, { $set: { lastSeq: last - 1 } });
  for (const [who, socket] of [['visitor on A', visitor], ['agent on B', agent.socket]] as const) {
    for (const afterSeq of [0, last - 1]) {
      const page = ok(await call<SyncResult>(socket, 'conversation:sync', { conversationId: chat.id, afterSeq }));
      expect(page.messages.map((m) => m.body), `${who} after ${afterSeq}`).toContain('second');
    }
  }
});

it("an agent's presence on B reaches agents on A at once, and the availability shown to visitors on C", async () => {
  const watcher = await agentOn(a, 'Ava');
  // Ava herself is not available, so the visitors' availability depends on the agent on B alone.
  ok(await call(watcher.socket, 'presence:set', { status: 'away' }));
  const visitor = await connectVisitor(c.url, newVisitorToken(), { siteKey: 'mn-presence' });
  expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {}))).toMatchObject({ available: false, unavailableReason: 'no-agents' });
  const configs = record<SiteConfigDTO>(visitor, 'site:config');
  const presence = record<PresenceDTO>(watcher.socket, 'presence:changed');

  const onB = await agentOn(b, 'Bo');
  await presence.until((xs) => xs.some((p) => p.agentId === onB.id && p.status === 'online'), 5000);
  await configs.until((xs) => xs.at(-1)?.available === true, 5000);

  ok(await call(onB.socket, 'presence:set', { status: 'away' }));
  await presence.until((xs) => xs.at(-1)?.agentId === onB.id && xs.at(-1)?.status === 'away', 5000);
  await configs.until((xs) => xs.at(-1)?.available === false && xs.at(-1)?.unavailableReason === 'no-agents', 5000);

  ok(await call(onB.socket, 'presence:set', { status: 'online' }));
  await configs.until((xs) => xs.at(-1)?.available === true, 5000);
  onB.socket.disconnect();
  await presence.until((xs) => xs.some((p) => p.agentId === onB.id && p.status === 'offline'), 5000);
  await configs.until((xs) => xs.at(-1)?.available === false, 5000);
});

it('automatic routing across three nodes gives each chat one agent and nobody more than their limit, and each agent hears of their chats', async () => {
  await patchSite('mn-auto', { routing: 'auto' });
  const nodes = [a, b, c];
  const agents = await Promise.all(['Ari', 'Ben', 'Cam'].map((name, i) => agentOn(nodes[i]!, name, 2)));
  const heard = agents.map((x) => record<ConversationDTO>(x.socket, 'conversation:updated'));

  const chats = await Promise.all(Array.from({ length: 9 }, (_, i) => startChat(nodes[i % 3]!, 'mn-auto', `Visitor ${i}`)));
  const ids = chats.map((x) => x.chat.id);
  await until('6 of 9 chats to be assigned', async () => (await a.models.Conversation.countDocuments({ siteKey: 'mn-auto', status: 'active' })) >= 6);
  await new Promise((r) => setTimeout(r, 500));

  const docs = await a.models.Conversation.find({ siteKey: 'mn-auto' }).lean();
  expect(docs.filter((d) => d.status === 'active')).toHaveLength(6);
  expect(docs.filter((d) => d.status === 'queued')).toHaveLength(3);
  for (const [i, agent] of agents.entries()) {
    const mine = docs.filter((d) => d.status === 'active' && d.agentId?.toHexString() === agent.id).map((d) => d._id.toHexString());
    expect(mine, agent.name).toHaveLength(2);
    // Whichever node routed it, the agent's own node delivered the assignment.
    await heard[i]!.until((xs) => mine.every((id) => xs.some((x) => x.id === id && x.status === 'active' && x.agent?.id === agent.id)), 5000);
  }
  for (const id of ids) {
    expect(await a.models.Message.countDocuments({ conversationId: new Types.ObjectId(id), 'system.kind': 'agent.joined' })).toBeLessThanOrEqual(1);
  }
});

it('collision warnings work across nodes: agents on A and B see each other viewing, and typing', async () => {
  const { chat } = await startChat(c, 'mn-collision', 'Cleo');
  const onA = await agentOn(a, 'Ada');
  const onB = await agentOn(b, 'Bix');
  const viewersA = record<ViewersDTO>(onA.socket, 'conversation:viewers');

  ok(await call(onA.socket, 'conversation:view', { conversationId: chat.id, viewing: true }));
  const both = ok(await call<ViewersDTO>(onB.socket, 'conversation:view', { conversationId: chat.id, viewing: true }));
  expect(both.agents.map((x) => x.name)).toEqual(['Ada', 'Bix']);
  await viewersA.until((xs) => xs.some((v) => v.agents.length === 2), 5000);

  ok(await call(onB.socket, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 }));
  ok(await call(onB.socket, 'typing:set', { conversationId: chat.id, typing: true }));
  await viewersA.until((xs) => xs.some((v) => v.agents.some((x) => x.name === 'Bix' && x.typing)), 5000);

  onB.socket.disconnect();
  await viewersA.until((xs) => xs.at(-1)?.agents.map((x) => x.name).join() === 'Ada', 5000);
});

it("an admin's site change on A reaches visitors on B at once, and B routes by the new mode", async () => {
  const visitor = await connectVisitor(b.url, newVisitorToken(), { siteKey: 'mn-config' });
  // B has the site in its cache now.
  expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {})).widget).toBeNull();
  const configs = record<SiteConfigDTO>(visitor, 'site:config');

  await patchSite('mn-config', { widget: { color: '#1f4e79', ...LOOK } });
  await configs.until((xs) => xs.at(-1)?.widget?.color === '#1f4e79', 5000);
  await patchSite('mn-config', { widget: { color: '#7a1f5c', ...LOOK, position: 'left' } });
  await configs.until((xs) => xs.at(-1)?.widget?.color === '#7a1f5c' && xs.at(-1)?.widget?.position === 'left', 5000);

  // Manual until now; switched to automatic on A, a chat started on B goes to the agent on C.
  const agent = await agentOn(c, 'Cyd');
  const heard = record<ConversationDTO>(agent.socket, 'conversation:updated');
  await patchSite('mn-config', { routing: 'auto' });
  const { visitor: asker, chat } = await startChat(b, 'mn-config', 'Rita');
  const updates = record<ConversationDTO>(asker, 'conversation:updated');
  await heard.until((xs) => xs.some((x) => x.id === chat.id && x.status === 'active' && x.agent?.id === agent.id), 5000);
  await updates.until((xs) => xs.some((x) => x.status === 'active' && x.agent?.name === 'Cyd'), 5000);
});

it('an alert for a customer connected to node A is not mailed by the outbox on node B; once they leave, B mails it', async () => {
  // Only B's outbox runs in this test.
  await Promise.all([a.alerts.worker.stop(), c.alerts.worker.stop()]);
  try {
    const email = `guest.${Date.now().toString(36)}@example.test`;
    const visitor = await connectVisitor(a.url, newVisitorToken(), { siteKey: 'mn-alerts' });
    const { conversation: ticket } = ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'deposits-withdrawals', body: 'My withdrawal has not arrived', locale: 'en' }));
    const number = ticket.ticket!.number;
    await catcher.waitFor((m) => m.to.includes(email) && m.subject.includes(String(number)));
    const updates = () => catcher.messages.filter((m) => m.to.includes(email) && m.subject === `Your support ticket ${number} was updated`);

    const agent = await agentOn(c, 'Cass');
    const live = record<MessageDTO>(visitor, 'message:created');
    const seen = ok(await say(agent.socket, ticket.id, 'Looking into it now'));
    await live.until((xs) => xs.some((m) => m.id === seen.id), 5000);

    const customerJobs = () => a.models.AlertJob.find({ conversationId: new Types.ObjectId(ticket.id), kind: 'event', audience: 'customer' }).lean();
    const decided = await until('the reply alert to be decided', async () => (await customerJobs()).find((j) => j.state !== 'pending'));
    expect(decided.outcome).toBe('in-page');
    const claim = await a.models.Claim.findById(`alert:${decided._id}:1`).lean();
    expect(claim?.owner).toBe(b.alerts.worker.nodeId);
    await new Promise((r) => setTimeout(r, 500));
    expect(updates()).toEqual([]);

    visitor.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    ok(await say(agent.socket, ticket.id, 'Found it: the bank returned the transfer'));
    const mail = await catcher.waitFor((m) => m.to.includes(email) && m.subject === `Your support ticket ${number} was updated`);
    expect(mail.text).toContain('Found it: the bank returned the transfer');
    expect(mail.text).not.toContain('Looking into it now');
    expect(updates()).toHaveLength(1);
    const mailed = (await customerJobs()).find((j) => j._id !== decided._id && j.state === 'done' && j.outcome !== 'in-page');
    expect(mailed).toBeTruthy();
    expect((await a.models.Claim.findById(`alert:${mailed!._id}:1`).lean())?.owner).toBe(b.alerts.worker.nodeId);
  } finally {
    a.alerts.worker.start();
    c.alerts.worker.start();
  }
});

it('deactivating an agent on A drops their socket on B, and no node lets them back in', async () => {
  const agent = await agentOn(b, 'Dee');
  const dropped = new Promise<string>((resolve) => agent.socket.once('disconnect', (reason) => resolve(reason)));
  const res = await rest(a.url, 'PATCH', `/api/admin/agents/${agent.id}`, { token: adminToken, body: { active: false } });
  expect(res.status).toBe(200);
  const reason = await Promise.race([dropped, new Promise<string>((r) => setTimeout(() => r('still connected after 5 s'), 5000))]);
  expect(reason).toBe('io server disconnect');
  for (const node of [a, b, c]) await expect(connectAgent(node.url, agent.token)).rejects.toThrow('UNAUTHORIZED');
});

it('a file a visitor uploads through A is served to the agent through B (the nodes share DATA_DIR)', async () => {
  const { visitor, chat } = await startChat(a, 'mn-files', 'Fay');
  const session = await customerSession(visitor);
  const form = new FormData();
  form.append('conversationId', chat.id);
  form.append('files', new Blob(['order 5531, paid on Monday']), 'receipt.txt');
  const up = await fetch(`${a.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${session.token}` } });
  expect(up.status).toBe(201);
  const [file] = ((await up.json()) as { attachments: Array<{ id: string }> }).attachments;

  const agent = await agentOn(b, 'Flo');
  const got = await fetch(`${b.url}/api/attachments/${file!.id}`, { headers: { authorization: `Bearer ${agent.token}` } });
  expect(got.status).toBe(200);
  expect(await got.text()).toBe('order 5531, paid on Monday');
});

it('without REDIS_URL nodes do not reach each other: a message to an agent on another node arrives only when they sync', async () => {
  // The same exchange, first between two joined nodes, then between two nodes on the same store without Redis.
  async function exchange(visitorNode: RunningServer, agentNode: RunningServer, label: string) {
    const { visitor, chat } = await startChat(visitorNode, 'mn-solo', label);
    const agent = await agentOn(agentNode, `Agent ${label}`);
    const accepted = ok(await call<ConversationDTO>(agent.socket, 'conversation:accept', { conversationId: chat.id }));
    const live = record<MessageDTO>(agent.socket, 'message:created');
    const sent = ok(await say(visitor, chat.id, `hello from ${label}`));
    return { agent, chat, accepted, live, sent };
  }

  const joined = await exchange(a, b, 'joined');
  await joined.live.until((xs) => xs.some((m) => m.id === joined.sent.id), 5000);

  const [d, e] = await Promise.all([startNode({}), startNode({})]);
  try {
    const ready = await rest<{ redis: string }>(d.url, 'GET', '/readyz');
    expect(ready.body.redis).toBe('off');
    const apart = await exchange(d, e, 'apart');
    await stillNone(apart.live, (m) => m.id === apart.sent.id, 1500);
    // The store has it: the agent gets it by asking for what came after what they hold.
    const synced = ok(await call<SyncResult>(apart.agent.socket, 'conversation:sync', { conversationId: apart.chat.id, afterSeq: apart.accepted.lastSeq }));
    expect(synced.messages.map((m) => m.id)).toEqual([apart.sent.id]);
  } finally {
    await stopNodes(d, e);
  }
});

it('a node added to the running deployment serves at once: an agent signing in there gets the chat that was waiting', async () => {
  await patchSite('mn-scale', { routing: 'auto' });
  const { visitor, chat } = await startChat(a, 'mn-scale', 'Sam');
  const updates = record<ConversationDTO>(visitor, 'conversation:updated');
  await new Promise((r) => setTimeout(r, 300));
  expect((await a.models.Conversation.findById(chat.id).lean())?.status).toBe('queued');

  const f = await startNode({ REDIS_URL: redis.url });
  try {
    const agent = await agentOn(f, 'Fin');
    await updates.until((xs) => xs.some((x) => x.id === chat.id && x.status === 'active' && x.agent?.id === agent.id), 5000);
  } finally {
    await stopNodes(f);
  }
});

it('a node with REDIS_URL but without MONGODB_URI refuses to start: joined nodes must share one store', () => {
  expect(() => loadConfig({ REDIS_URL: redis.url, JWT_SECRET })).toThrow(/MONGODB_URI: nodes joined through REDIS_URL must share one store/);
});

// Last: it takes Redis away.
it('while Redis is away each node serves its own clients and cuts off a deactivated agent, alerts wait instead of guessing, and all resumes when it is back', { timeout: 60_000 }, async () => {
  // A ticket whose customer is connected to B, decided by A's outbox alone: A can only learn through Redis that B has them.
  await Promise.all([b.alerts.worker.stop(), c.alerts.worker.stop()]);
  try {
    const email = `guest.redis.${Date.now().toString(36)}@example.test`;
    const visitor = await connectVisitor(b.url, newVisitorToken(), { siteKey: 'mn-redis' });
    const { conversation: ticket } = ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'deposits-withdrawals', body: 'Where is my refund?', locale: 'en' }));
    const number = ticket.ticket!.number;
    await catcher.waitFor((m) => m.to.includes(email) && m.subject.includes(String(number)));
    const onB = await agentOn(b, 'Rhea');
    const leaving = await agentOn(a, 'Lev');

    await redis.stop();
    for (const node of [a, b, c]) {
      const down = await until('the node to report Redis away', async () => {
        const res = await rest<{ redis: string }>(node.url, 'GET', '/readyz');
        return res.status === 503 && res.body;
      });
      expect(down.redis).toBe('disconnected');
    }

    // An admin on A deactivates an agent connected to A: cut off at once, Redis or not.
    const dropped = new Promise<string>((resolve) => leaving.socket.once('disconnect', (reason) => resolve(reason)));
    expect((await rest(a.url, 'PATCH', `/api/admin/agents/${leaving.id}`, { token: adminToken, body: { active: false } })).status).toBe(200);
    expect(await Promise.race([dropped, new Promise<string>((r) => setTimeout(() => r('still connected after 5 s'), 5000))])).toBe('io server disconnect');

    // B's own visitor and agent still talk live.
    const live = record<MessageDTO>(visitor, 'message:created');
    const reply = ok(await say(onB.socket, ticket.id, 'Checking with the bank'));
    await live.until((xs) => xs.some((m) => m.id === reply.id), 5000);

    // A cannot ask B who is connected: the alert waits, neither mailed nor failed.
    const customerJobs = () => a.models.AlertJob.find({ conversationId: new Types.ObjectId(ticket.id), kind: 'event', audience: 'customer' }).lean();
    const waiting = await until('the reply alert to wait for Redis', async () => (await customerJobs()).find((j) => /could not tell who is connected/.test(j.lastError ?? '')));
    expect(waiting.state).toBe('pending');

    await redis.start();
    for (const node of [a, b, c]) await until('Redis back', async () => (await rest(node.url, 'GET', '/readyz')).status === 200, 15_000);
    const decided = await until('the reply alert to be decided', async () => (await customerJobs()).find((j) => j.state !== 'pending'), 15_000);
    expect(decided.outcome).toBe('in-page');
    expect(catcher.messages.filter((m) => m.to.includes(email) && m.subject === `Your support ticket ${number} was updated`)).toEqual([]);

    // Cross-node delivery resumes: the visitor on B hears an agent on C.
    const onC = await agentOn(c, 'Cato');
    const after = ok(await say(onC.socket, ticket.id, 'The bank confirmed it'));
    await live.until((xs) => xs.some((m) => m.id === after.id), 5000);
  } finally {
    b.alerts.worker.start();
    c.alerts.worker.start();
  }
});
