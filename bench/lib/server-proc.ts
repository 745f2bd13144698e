/** Starts the real server (server-entry.ts) or the bare relay (relay-server.ts) as a child process. */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { rpcClient, type RpcClient } from './rpc.js';
import type { BenchStore } from './store.js';

export interface ServerProc {
  kind: 'ours' | 'relay';
  url: string;
  port: number;
  pid: number;
  rpc: RpcClient;
  child: ChildProcess;
  /** The last lines it wrote (its log), for when something fails. */
  tail(): string;
  /** SIGTERM (a graceful stop), SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  /** MONGODB_URI (ours only). */
  storeUri?: string;
  dataDir?: string;
  /** A fixed port (recovery restarts on the same one); 0 picks one. */
  port?: number;
  /** Writes a V8 CPU profile into this folder when the process exits. */
  cpuProfDir?: string;
  env?: Record<string, string>;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** A port nobody listens on now (for a server that must come back on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function startServerProc(kind: 'ours' | 'relay', opts: ServerOptions = {}): Promise<ServerProc> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (opts.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(opts.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(kind === 'ours'
      ? {
          MONGODB_URI: opts.storeUri ?? '',
          DATA_DIR: opts.dataDir ?? '',
          // Fixed, so sessions survive a restart (recovery) as they do in a deployment.
          JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
          // All the load comes from a few loopback addresses, so per-network limits would stand in
          // for thousands of networks; they are lifted here (their own tests cover them).
          CONVERSATIONS_PER_IP_PER_HOUR: '1000000',
          TICKETS_PER_IP_PER_HOUR: '1000000',
          // The limiter still runs on every event; only the setup (an agent accepting 50 chats in a
          // few seconds) would exceed its default of 20 a second. The measured traffic stays below it.
          SOCKET_EVENTS_PER_SECOND: '1000',
          SOCKET_EVENTS_BURST: '1000',
        }
      : {}),
    ...opts.env,
  };
  const child = fork(here(kind === 'ours' ? './server-entry.ts' : './relay-server.ts'), [], { execArgv, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    lines.push(...d.toString().split('\n').filter(Boolean));
    if (lines.length > 80) lines.splice(0, lines.length - 80);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} server did not start in 120 s:\n${lines.join('\n')}`));
    }, 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited (${signal ?? code}) before it was ready:\n${lines.join('\n')}`));
    });
    child.on('message', (m: { event?: string; url: string; port: number; pid: number }) => {
      if (m?.event !== 'ready') return;
      clearTimeout(timer);
      resolve({
        kind,
        url: m.url,
        port: m.port,
        pid: m.pid,
        rpc: rpcClient(child, `${kind} server`),
        child,
        tail: () => lines.join('\n'),
        async stop(graceMs = 20_000) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

/**
 * Our server on a fresh database of the run's store, named after the benchmark part, with the
 * store's recommended indexes (`plainIndexes`: only FerretDB's own, to show what they cost).
 * Returns the options too, so the server can be started again on the same database and port.
 */
export async function startOurs(
  ctx: { store: BenchStore; tmpDir: string; cpuProfDir: string | undefined },
  part: string,
  o: { port?: number; plainIndexes?: boolean } = {},
): Promise<{ server: ServerProc; options: ServerOptions }> {
  const db = `${part}_${Date.now()}`;
  const options: ServerOptions = {
    storeUri: ctx.store.uri(db),
    dataDir: `${ctx.tmpDir}/${db}`,
    ...(o.port ? { port: o.port } : {}),
    ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  };
  const server = await startServerProc('ours', options);
  // The server made its collections and indexes as it started.
  if (!o.plainIndexes) ctx.store.addIndexes(db);
  return { server, options };
}

/** Store operations per unit (message, connection) since `ops.start`, the most frequent few, for the log. */
export async function storeOps(server: ServerProc, per: number, top = 6): Promise<string> {
  if (server.kind !== 'ours' || per <= 0) return '';
  const counts = await server.rpc.call<Array<[string, number]>>('ops.read', {});
  return counts
    .slice(0, top)
    .map(([k, n]) => `${k} ${Math.round((n / per) * 100) / 100}`)
    .join(', ');
}
