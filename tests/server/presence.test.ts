/**
 * Agent presence against the real app and store: several tabs, a node that dies without saying
 * goodbye, auto-away and the agent's own choice. AGENT_HEARTBEAT_SECONDS is 0.5 in tests, so an
 * agent whose sockets are not refreshed for 1.5 s is offline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfigDTO } from '../../shared/types.js';
import type { PresenceDTO } from '../../shared/workspace.js';
import { agentSession, call, closeAllClients, connectAgent, connectVisitor, login, newVisitorToken, ok, record, type AgentClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { killAllServerProcesses, runServerProcess } from '../helpers/server-process.js';

/** Shared by the nodes of one deployment, so a second node accepts the first one's sessions. */
const JWT_SECRET = 'presence-test-secret-presence-test-secret-0123456789';

afterEach(() => {
  closeAllClients();
  killAllServerProcesses();
});
afterAll(() => killAllServerProcesses());

const statusOf = (list: PresenceDTO[], agentId: string) => list.find((p) => p.agentId === agentId)?.status;
const latestOf = (items: PresenceDTO[], agentId: string) => items.filter((p) => p.agentId === agentId).at(-1);

describe('presence across tabs and nodes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET });
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function signIn(name: string): Promise<{ id: string; token: string; socket: AgentClient }> {
    const creds = await server.addAgent(name);
    const session = await agentSession(server.url, creds);
    return { id: creds.id, token: session.login.token, socket: session.socket };
  }

  it('closing one of two tabs keeps the agent online; closing the last makes them offline', async () => {
    const watcher = await signIn('Wanda');
    const seen = record<PresenceDTO>(watcher.socket, 'presence:changed');
    const ann = await signIn('Ann');
    const secondTab = await connectAgent(server.url, ann.token);
    await seen.until((xs) => latestOf(xs, ann.id)?.status === 'online');
    expect(statusOf(ok(await call<PresenceDTO[]>(watcher.socket, 'presence:list', {})), ann.id)).toBe('online');

    ann.socket.disconnect();
    // Longer than three heartbeats: long enough for a stale mark to have expired.
    await new Promise((r) => setTimeout(r, 2000));
    expect(statusOf(ok(await call<PresenceDTO[]>(watcher.socket, 'presence:list', {})), ann.id)).toBe('online');
    expect(seen.items.filter((p) => p.agentId === ann.id && p.status !== 'online')).toEqual([]);

    secondTab.disconnect();
    await seen.until((xs) => latestOf(xs, ann.id)?.status === 'offline');
    expect(statusOf(ok(await call<PresenceDTO[]>(watcher.socket, 'presence:list', {})), ann.id)).toBe('offline');
  });

  it('an agent on a node that is killed (SIGKILL: no disconnect ever runs) goes offline, and visitors are told', async () => {
    // The watcher steps away, so the agent on the doomed node is the only one online.
    const watcher = await signIn('Walt');
    ok(await call(watcher.socket, 'presence:set', { status: 'away' }));
    const seen = record<PresenceDTO>(watcher.socket, 'presence:changed');
    const visitor = await connectVisitor(server.url, newVisitorToken(), { siteKey: 'kill-site' });
    const pushed = record<SiteConfigDTO>(visitor, 'site:config');

    const dataDir = await mkdtemp(join(tmpdir(), 'chat-doomed-'));
    try {
      const doomed = runServerProcess({
        PORT: '0',
        HOST: '127.0.0.1',
        MONGODB_URI: server.testStore.uri,
        DATA_DIR: dataDir,
        JWT_SECRET,
        LOG_LEVEL: 'info',
        AGENT_HEARTBEAT_SECONDS: '0.5',
      });
      const url = (await doomed.waitFor('listening')).url as string;
      const creds = await server.addAgent('Bo');
      const bo = await login(url, creds.email, creds.password);
      const boSocket = await connectAgent(url, bo.token);
      await seen.until((xs) => latestOf(xs, creds.id)?.status === 'online');
      await pushed.until((xs) => xs.at(-1)?.available === true);
      // Still online a while later: the other node's heartbeats keep the mark fresh.
      await new Promise((r) => setTimeout(r, 1600));
      expect(statusOf(ok(await call<PresenceDTO[]>(watcher.socket, 'presence:list', {})), creds.id)).toBe('online');

      const killedAt = Date.now();
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      // Bo's browser would reconnect elsewhere; this one stays gone, as after a crash of the browser too.
      boSocket.disconnect();
      await seen.until((xs) => latestOf(xs, creds.id)?.status === 'offline', 6000);
      // Not before three heartbeats could have been missed.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1000);
      await pushed.until((xs) => xs.at(-1)?.unavailableReason === 'no-agents');
      expect(pushed.items.at(-1)).toMatchObject({ available: false, agentsOnline: false });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('away: chosen, and after inactivity', () => {
  let server: TestServer;
  beforeAll(async () => {
    // 0.03 min = 1.8 s without activity makes an agent away.
    server = await startTestServer({ AGENT_AWAY_AFTER_MINUTES: '0.03' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an idle agent turns away and the widget is told; activity brings them back, but not over their own choice', async () => {
    const creds = await server.addAgent('Cleo');
    const { socket, login: session } = await agentSession(server.url, creds);
    const seen = record<PresenceDTO>(socket, 'presence:changed');
    const visitor = await connectVisitor(server.url, newVisitorToken(), { siteKey: 'idle-site' });
    const pushed = record<SiteConfigDTO>(visitor, 'site:config');
    expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {}))).toMatchObject({ available: true });

    // No input for a while: away, and the widget offers the form.
    await seen.until((xs) => latestOf(xs, creds.id)?.status === 'away', 6000);
    await pushed.until((xs) => xs.at(-1)?.unavailableReason === 'no-agents');

    // Input in the agent UI: back online at once.
    ok(await call(socket, 'presence:activity', {}));
    await seen.until((xs) => latestOf(xs, creds.id)?.status === 'online');
    await pushed.until((xs) => xs.at(-1)?.available === true);

    // Chosen away stays away whatever the agent does, also after signing in again.
    expect(ok(await call<PresenceDTO>(socket, 'presence:set', { status: 'away' }))).toMatchObject({ agentId: creds.id, name: 'Cleo', status: 'away', activeChats: 0 });
    ok(await call(socket, 'presence:activity', {}));
    expect(statusOf(ok(await call<PresenceDTO[]>(socket, 'presence:list', {})), creds.id)).toBe('away');
    socket.disconnect();
    const again = await connectAgent(server.url, session.token);
    expect(statusOf(ok(await call<PresenceDTO[]>(again, 'presence:list', {})), creds.id)).toBe('away');
    expect(ok(await call<PresenceDTO>(again, 'presence:set', { status: 'online' })).status).toBe('online');
  });

  it('a bad status is refused', async () => {
    const creds = await server.addAgent('Dana');
    const { socket } = await agentSession(server.url, creds);
    expect(await call(socket, 'presence:set', { status: 'offline' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
