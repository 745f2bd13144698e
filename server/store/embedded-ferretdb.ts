/**
 * Starts the embedded FerretDB (tools/ferretdb, built by `npm run build:store`) as a child process
 * and resolves with its connection URI once it accepts connections. Used by the server when
 * MONGODB_URI is unset and by the test harness (one store per test file).
 *
 * The child exits when its stdin closes, so it dies with us even on SIGKILL.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger.js';

export interface EmbeddedStore {
  /** `mongodb://127.0.0.1:PORT/` */
  uri: string;
  /** The store's process (tests freeze it with SIGSTOP, as a store that stops answering). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export class StoreStartError extends Error {
  override name = 'StoreStartError';
}

export interface EmbeddedStoreOptions {
  bin: string;
  /** SQLite backend: one file per database in this folder. */
  dataDir?: string;
  /** PostgreSQL backend instead of SQLite (the database must exist). */
  postgresqlUrl?: string;
  log: Logger;
  startTimeoutMs?: number;
  /** 0 (the default) picks a free port; a fixed one lets a restarted store keep its address. */
  port?: number;
}

export function startEmbeddedFerretDB(opts: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  if (!existsSync(opts.bin)) {
    return Promise.reject(
      new StoreStartError(
        `The embedded store (FerretDB) is not built: ${opts.bin} is missing. ` +
          'Run "npm run build:store" (needs Go 1.24 or newer), or set MONGODB_URI to a MongoDB server.',
      ),
    );
  }
  // FerretDB logs every error reply (even an expected "collection exists") at WARN with the whole
  // document; only its own errors are worth the operator's attention.
  const args = ['-listen', `127.0.0.1:${opts.port ?? 0}`, '-log-level', 'error'];
  if (opts.postgresqlUrl) {
    args.push('-handler', 'postgresql', '-postgresql-url', opts.postgresqlUrl);
  } else {
    if (!opts.dataDir) throw new StoreStartError('dataDir is required for the SQLite backend');
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    args.push('-handler', 'sqlite', '-data-dir', opts.dataDir);
  }

  const child = spawn(opts.bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    opts.log.warn({ ferretdb: line }, 'store says');
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise<EmbeddedStore>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StoreStartError(`FerretDB did not start within ${opts.startTimeoutMs ?? 30000} ms:\n${stderrTail.join('\n')}`));
    }, opts.startTimeoutMs ?? 30000);

    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new StoreStartError(`Could not run ${opts.bin}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new StoreStartError(`FerretDB exited (${signal ?? `code ${code}`}) before it was ready:\n${stderrTail.join('\n')}`));
    });

    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      let uri: string;
      try {
        uri = (JSON.parse(line) as { uri: string }).uri;
      } catch {
        reject(new StoreStartError(`Unexpected first line from FerretDB: ${line}`));
        return;
      }
      let stopping = false;
      // Gone without being asked: say so, with its last words (the server sees a store outage).
      child.once('exit', (code, signal) => {
        if (!stopping) opts.log.error({ code, signal, stderr: stderrTail.join('\n') }, 'the embedded store (FerretDB) exited');
      });
      resolve({
        uri,
        pid: child.pid,
        async stop() {
          stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.stdin.end();
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
