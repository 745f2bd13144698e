/**
 * The store: MongoDB at MONGODB_URI, or the embedded FerretDB under DATA_DIR/store when unset.
 * Application code uses only what both support (STORE.md): no transactions, no change streams,
 * single-document updates, and unique indexes wherever concurrency could break an invariant.
 */
import mongoose, { type Connection } from 'mongoose';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedFerretDB, type EmbeddedStore } from './embedded-ferretdb.js';

/**
 * How long an operation waits for a store that is away before it fails with UNAVAILABLE: well inside
 * the clients' ACK_TIMEOUT_MS (shared/limits.ts), so a send is answered "try again" rather than not
 * at all, even when it waits its turn behind another command of the same socket.
 */
const STORE_WAIT_MS = 2000;
/**
 * The driver asks the store "are you there" this often, each answer due within STORE_WAIT_MS. A
 * store that stops answering without closing its connections (frozen, or a network partition) is
 * then noticed within about 3 s and the operations waiting on it fail as retryable, instead of
 * hanging until the operating system gives up on the connection. The same heartbeat finds a store
 * that is back. No socketTimeoutMS: it would also cut off a query that is merely slow.
 */
const STORE_HEARTBEAT_MS = 1000;

export interface Store {
  connection: Connection;
  /** True when we started FerretDB ourselves. */
  embedded: boolean;
  /**
   * True when the store applies each update to a document atomically (MongoDB). FerretDB 1.24 reads,
   * changes and rewrites the whole document, so two nodes updating one document at once can undo
   * each other's change (STORE.md, "the trap"); its buildInfo says `ferretdbVersion`.
   */
  atomicUpdates: boolean;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Adds the database name to a URI that has none, keeping any query string. */
export function withDatabase(uri: string, dbName: string): string {
  const u = new URL(uri);
  if (u.pathname === '' || u.pathname === '/') u.pathname = `/${dbName}`;
  return u.toString();
}

export async function openStore(config: Config, log: Logger): Promise<Store> {
  let embedded: EmbeddedStore | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    const dataDir = join(config.dataDir, 'store');
    embedded = await startEmbeddedFerretDB({ bin: config.ferretdbBin, dataDir, log: log.child({ module: 'ferretdb' }) });
    uri = withDatabase(embedded.uri, 'chat') + '?directConnection=true';
    log.info({ dataDir, uri }, 'embedded store (FerretDB, SQLite backend) started; data lives in %s', dataDir);
  }

  const connection = mongoose.createConnection(uri, {
    // Fail fast instead of queueing writes while the store is away: the client gets a clear
    // retryable error and resends with the same client id (DESIGN.md, delivery guarantees).
    bufferCommands: false,
    serverSelectionTimeoutMS: STORE_WAIT_MS,
    connectTimeoutMS: STORE_WAIT_MS,
    heartbeatFrequencyMS: STORE_HEARTBEAT_MS,
    autoIndex: false,
  });
  let buildInfo: Record<string, unknown>;
  try {
    await connection.asPromise();
    buildInfo = await connection.db!.command({ buildInfo: 1 });
  } catch (err) {
    await connection.close().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }

  return {
    connection,
    embedded: embedded !== undefined,
    atomicUpdates: !('ferretdbVersion' in buildInfo),
    async ping(timeoutMs = 2000) {
      const db = connection.db;
      if (!db) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          db.command({ ping: 1 }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
          }),
        ]);
        return true;
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
}
