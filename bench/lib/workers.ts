/** The client-side load processes (client-worker.ts): started together, called together, stopped together. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rpcClient, type RpcClient } from './rpc.js';

export interface Worker {
  index: number;
  pid: number;
  rpc: RpcClient;
  child: ChildProcess;
}

export interface Workers {
  list: Worker[];
  pids(): number[];
  /** The same call on every worker, with per-worker arguments. */
  all<T>(cmd: string, args: (w: Worker) => unknown, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startWorkers(n: number): Promise<Workers> {
  const file = fileURLToPath(new URL('./client-worker.ts', import.meta.url));
  const list = await Promise.all(
    Array.from({ length: n }, (_, index) => {
      const child = fork(file, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, BENCH_WORKER: String(index) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      return new Promise<Worker>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`client worker ${index} exited (${code}) before it was ready`)));
        child.on('message', (m: { event?: string }) => {
          if (m?.event === 'ready') resolve({ index, pid: child.pid!, rpc: rpcClient(child, `client worker ${index}`), child });
        });
      });
    }),
  );
  return {
    list,
    pids: () => list.map((w) => w.pid),
    all: <T>(cmd: string, args: (w: Worker) => unknown, timeoutMs?: number) => Promise.all(list.map((w) => w.rpc.call<T>(cmd, args(w), timeoutMs))),
    async stop() {
      await Promise.all(
        list.map(async (w) => {
          if (w.child.exitCode !== null) return;
          const gone = new Promise((r) => w.child.once('exit', r));
          w.child.kill('SIGTERM');
          const t = setTimeout(() => w.child.kill('SIGKILL'), 5000);
          await gone;
          clearTimeout(t);
        }),
      );
    },
  };
}

/** Loopback source addresses 127.0.0.2 … so each gets its own ephemeral port range. */
export function sourceAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}
