/**
 * The store a bench run uses: FerretDB 1.24 (built by `npm run build:store`) on its SQLite backend,
 * or on its PostgreSQL backend against the machine's PostgreSQL. The bench starts FerretDB itself
 * and hands the server MONGODB_URI, so a server restart (recovery) keeps the same store, and the
 * store's CPU can be told apart from the server's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.js';
import { startEmbeddedFerretDB } from '../../server/store/embedded-ferretdb.js';

export type StoreKind = 'postgresql' | 'sqlite';

export interface BenchStore {
  kind: StoreKind;
  /** mongodb://127.0.0.1:PORT/ without a database */
  baseUri: string;
  /** The FerretDB process, for CPU and memory readings. */
  pid: () => number[];
  /** A fresh database per benchmark part, so one part's data does not slow the next. */
  uri(dbName: string): string;
  /**
   * Adds the indexes docs/ferretdb-postgresql-indexes.sql describes to one database, as an operator
   * of the PostgreSQL backend does after the first start (the README says so). SQLite: nothing to add.
   */
  addIndexes(dbName: string): void;
  stop(): Promise<void>;
}

/** postgres://… of the machine's PostgreSQL; BENCH_PG_URL overrides (database name included). */
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/chatbench';

const INDEXES_SQL = fileURLToPath(new URL('../../docs/ferretdb-postgresql-indexes.sql', import.meta.url));

/**
 * FerretDB's connection string, with what docs/ferretdb-postgresql-indexes.sql asks of it: plans
 * made for each lookup's values (FerretDB passes the field name as a parameter, and a generic plan
 * cannot match it to an expression index). pgx sends `options` in the startup message.
 */
export function ferretdbPgUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c plan_cache_mode=force_custom_plan');
  return u.toString();
}

/** Recreates the PostgreSQL database FerretDB stores into (UTF8, C locale, as FerretDB wants). */
function recreatePgDatabase(url: string): void {
  const u = new URL(url);
  const db = u.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`unexpected database name in ${url}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const psql = (sql: string) => {
    const r = spawnSync('psql', [admin.toString(), '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
    if (r.error) throw new Error(`psql is needed for the PostgreSQL backend: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr.trim()}`);
  };
  psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(`CREATE DATABASE ${db} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
}

export async function startBenchStore(kind: StoreKind): Promise<BenchStore> {
  // FerretDB runs with -log-level error: whatever it says here is worth seeing.
  const log = pino({ level: 'warn' });
  const bin = loadConfig({}).ferretdbBin;
  let dir: string | undefined;
  if (kind === 'postgresql') recreatePgDatabase(PG_URL);
  else dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const store = await startEmbeddedFerretDB({ bin, log, ...(kind === 'postgresql' ? { postgresqlUrl: ferretdbPgUrl(PG_URL) } : { dataDir: dir! }) });
  const port = new URL(store.uri).port;
  const pids = pidOfListener(Number(port));
  return {
    kind,
    baseUri: store.uri,
    pid: () => pids,
    uri: (dbName) => `mongodb://127.0.0.1:${port}/${dbName}?directConnection=true`,
    addIndexes(dbName) {
      if (kind !== 'postgresql') return;
      if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`unexpected database name ${dbName}`);
      const r = spawnSync('psql', [PG_URL, '-v', 'ON_ERROR_STOP=1', '-qc', `SET chat.ferretdb_database = '${dbName}'`, '-f', INDEXES_SQL], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`psql -f ${INDEXES_SQL} failed: ${r.stderr.trim()}`);
    },
    async stop() {
      await store.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pid listening on a TCP port of 127.0.0.1 (FerretDB does not tell its own; /proc does). */
function pidOfListener(port: number): number[] {
  const r = spawnSync('sh', ['-c', `ss -Hltnp 'sport = :${port}' 2>/dev/null`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(r.stdout ?? '');
  return m ? [Number(m[1])] : [];
}
