/**
 * A store for one test file: the real MongoDB at TEST_MONGODB_URI (a fresh database per file),
 * or else its own embedded FerretDB on its own port with its own data folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.js';
import { startEmbeddedFerretDB, type EmbeddedStore } from '../../server/store/embedded-ferretdb.js';

export interface TestStore {
  uri: string;
  stop(): Promise<void>;
}

export function databaseUri(base: string, dbName: string): string {
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  if (!u.searchParams.has('directConnection') && !base.startsWith('mongodb+srv:')) u.searchParams.set('directConnection', 'true');
  return u.toString();
}

export async function startTestStore(): Promise<TestStore> {
  const dbName = `test_${randomBytes(6).toString('hex')}`;
  const external = process.env.TEST_MONGODB_URI;
  if (external) return { uri: databaseUri(external, dbName), stop: async () => undefined };

  const dir = await mkdtemp(join(tmpdir(), 'chat-store-'));
  const store = await startEmbeddedFerretDB({
    bin: loadConfig({}).ferretdbBin,
    dataDir: dir,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' }),
  });
  return {
    uri: databaseUri(store.uri, dbName),
    async stop() {
      await store.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RestartableStore extends TestStore {
  /** Kills the store process (SIGKILL: a crash, at once; its data folder stays), as a store that goes away mid-traffic. */
  down(): Promise<void>;
  /** Starts it again on the same port over the same data folder. */
  up(): Promise<void>;
  /** Stops the process without closing anything (SIGSTOP): connections stay open and go silent, as behind a network partition. */
  freeze(): void;
  thaw(): void;
}

/**
 * An embedded FerretDB of one test's own (never TEST_MONGODB_URI: this one must be stoppable) that
 * can be stopped and started again at the same address with its data, as an operator's store restarts.
 */
export async function startRestartableStore(): Promise<RestartableStore> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-store-'));
  const opts = { bin: loadConfig({}).ferretdbBin, dataDir: dir, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' }) };
  let store: EmbeddedStore | null = await startEmbeddedFerretDB(opts);
  const port = Number(new URL(store.uri).port);
  const thaw = () => {
    if (store?.pid) process.kill(store.pid, 'SIGCONT');
  };
  return {
    uri: databaseUri(store.uri, `test_${randomBytes(6).toString('hex')}`),
    async down() {
      const s = store;
      store = null;
      if (s?.pid) process.kill(s.pid, 'SIGKILL');
      await s?.stop();
    },
    async up() {
      store ??= await startEmbeddedFerretDB({ ...opts, port });
    },
    freeze() {
      if (store?.pid) process.kill(store.pid, 'SIGSTOP');
    },
    thaw,
    async stop() {
      thaw();
      await store?.stop();
      store = null;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
