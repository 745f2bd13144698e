/** Starts the real app on port 0 against a real store, quiet, with a known admin. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import type { Logger } from '../../server/logger.js';
import { startTestStore, type TestStore } from './store.js';

export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' };

export interface TestServer extends RunningServer {
  testStore: TestStore;
  /** Creates an agent with a password and returns its credentials. */
  addAgent(name: string, role?: 'agent' | 'admin'): Promise<{ email: string; password: string; id: string }>;
}

/** `log`: a logger of the test's own, to read what the server logged (otherwise quiet). */
export async function startTestServer(env: Record<string, string> = {}, opts: { log?: Logger } = {}): Promise<TestServer> {
  const testStore = await startTestStore();
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-data-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: testStore.uri,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Every test client comes from 127.0.0.1, so one network stands for many customers here; the
    // limits themselves are tested with small values (tests/server/tickets.test.ts).
    TICKETS_PER_IP_PER_HOUR: '100000',
    TICKETS_PER_EMAIL_PER_HOUR: '100000',
    // The same for the other abuse limits; tests/server/limits.test.ts and fuzz.test.ts set their own.
    CONVERSATIONS_PER_IP_PER_HOUR: '100000',
    LOGIN_ATTEMPTS_PER_15_MIN: '100000',
    SOCKET_EVENTS_PER_SECOND: '100000',
    SOCKET_EVENTS_BURST: '100000',
    // Alerts on a test's time scale: a short coalescing window, quick retries, a short lease, and
    // the local push service of tests/helpers/push-service.ts speaks plain http.
    ALERT_COALESCE_SECONDS: '0.3',
    OUTBOX_POLL_MS: '200',
    OUTBOX_RETRY_BASE_SECONDS: '0.2',
    OUTBOX_LEASE_SECONDS: '2',
    PUSH_ALLOW_HTTP_ENDPOINTS: 'true',
    // Presence on a test's time scale: an agent whose node stops heartbeating is offline after 1.5 s.
    AGENT_HEARTBEAT_SECONDS: '0.5',
    ...env,
  });
  const server = await startServer(config, opts.log);
  let n = 0;
  return {
    ...server,
    testStore,
    async addAgent(name, role = 'agent') {
      const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${++n}@example.test`;
      const password = `pw-${name}-long-enough`;
      const agent = await server.auth.createAgent({ email, name, password, role });
      return { email, password, id: agent.id };
    },
    async stop() {
      await server.stop();
      await testStore.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
