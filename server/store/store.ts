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

export interface Store {
  connection: Connection;
  /** True when we started FerretDB ourselves. */
  embedded: boolean;
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
    serverSelectionTimeoutMS: 5000,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  return {
    connection,
    embedded: embedded !== undefined,
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
