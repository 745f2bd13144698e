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
import { startEmbeddedFerretDB } from '../../server/store/embedded-ferretdb.js';

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
