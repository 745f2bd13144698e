/**
 * Two server nodes on one store route the same queue at the same moment: the claims alone (no
 * conditional update, STORE.md) must keep one agent per chat and nobody above their limit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import type { SyncResult } from '../../shared/types.js';
import { agentSession, call, closeAllClients, connectVisitor, login, newVisitorToken, ok, rest } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

/** Shared by the nodes of one deployment, so either node accepts the other's sessions. */
const JWT_SECRET = 'routing-nodes-secret-routing-nodes-secret-0123456789';

let server: TestServer;
let node2: RunningServer;
let dataDir: string;
beforeAll(async () => {
  server = await startTestServer({ JWT_SECRET });
  dataDir = await mkdtemp(join(tmpdir(), 'chat-node2-'));
  node2 = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: server.testStore.uri, DATA_DIR: dataDir, LOG_LEVEL: 'silent', JWT_SECRET, AGENT_HEARTBEAT_SECONDS: '0.5' }));
});
afterAll(async () => {
  await node2?.stop();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});
afterEach(() => closeAllClients());

it('two nodes routing one queue at the same time give each chat one agent and nobody more than their limit', async () => {
  const admin = await login(server.url, ADMIN.email, ADMIN.password);
  expect((await rest(server.url, 'PATCH', '/api/admin/sites/two-nodes', { token: admin.token, body: { routing: 'auto' } })).status).toBe(200);
  const urls = [server.url, node2.url];
  const agents = await Promise.all(
    ['Vic', 'Wes', 'Xia', 'Yan'].map(async (name, i) => {
      const creds = await server.addAgent(name);
      await server.models.Agent.updateOne({ _id: creds.id }, { $set: { maxChats: 2 } });
      await agentSession(urls[i % 2]!, creds);
      return { id: creds.id, name };
    }),
  );
  // 12 chats, half through each node: each node routes the chats it hears of, at once.
  const visitors = await Promise.all(Array.from({ length: 12 }, (_, i) => connectVisitor(urls[i % 2]!, newVisitorToken(), { siteKey: 'two-nodes' })));
  const chats = await Promise.all(visitors.map(async (v) => ok(await call<SyncResult>(v, 'conversation:start', { name: 'Vera' })).conversation));

  const deadline = Date.now() + 20_000;
  while ((await server.models.Conversation.countDocuments({ siteKey: 'two-nodes', status: 'active' })) < 8) {
    if (Date.now() > deadline) throw new Error('8 chats were not assigned in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Both nodes keep routing every heartbeat; nothing more may happen now that everyone is full.
  await new Promise((r) => setTimeout(r, 1000));
  const docs = await server.models.Conversation.find({ siteKey: 'two-nodes' }).lean();
  expect(docs.filter((c) => c.status === 'active')).toHaveLength(8);
  expect(docs.filter((c) => c.status === 'queued')).toHaveLength(4);
  for (const a of agents) expect(docs.filter((c) => c.status === 'active' && c.agentId?.toHexString() === a.id), a.name).toHaveLength(2);
  for (const c of chats) {
    expect(await server.models.Message.countDocuments({ conversationId: new Types.ObjectId(c.id), 'system.kind': 'agent.joined' })).toBeLessThanOrEqual(1);
  }
  // One capacity slot per live chat: none lost, none doubled.
  const slots = await server.models.Claim.find({ _id: { $regex: `^slot:(${agents.map((a) => a.id).join('|')}):` } }).lean();
  expect(slots.map((s) => s.owner).sort()).toEqual(docs.filter((c) => c.status === 'active').map((c) => c._id.toHexString()).sort());
});
