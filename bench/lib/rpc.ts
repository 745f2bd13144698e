/**
 * Request/answer over a child process's IPC channel: the bench's main process drives the server
 * and the client workers with it. JSON only (the default serialization), so answers stay plain.
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  rpc: number;
  cmd: string;
  args: unknown;
}
interface Answer {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type Handlers = Record<string, (args: never) => unknown>;

/** In the child: answers the parent's calls with `handlers`. */
export function serveRpc(handlers: Handlers): void {
  process.on('message', (m: Request) => {
    if (typeof m !== 'object' || m === null || typeof m.rpc !== 'number') return;
    const handler = handlers[m.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${m.cmd}`);
        return handler(m.args as never);
      })
      .then(
        (result) => process.send?.({ rpc: m.rpc, ok: true, result } satisfies Answer),
        (err: unknown) => process.send?.({ rpc: m.rpc, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Answer),
      );
  });
}

export interface RpcClient {
  call<T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
}

/** In the parent: calls into `child`. A child that exits fails every call still waiting. */
export function rpcClient(child: ChildProcess, name: string): RpcClient {
  let next = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  child.on('message', (m: Answer) => {
    if (typeof m !== 'object' || m === null || typeof m.rpc !== 'number') return;
    const p = pending.get(m.rpc);
    if (!p) return;
    pending.delete(m.rpc);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${name}: ${m.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`${name} exited (${signal ?? code}) during a call`));
    }
    pending.clear();
  });
  return {
    call<T>(cmd: string, args: unknown = {}, timeoutMs = 600_000): Promise<T> {
      const rpc = ++next;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(rpc);
          reject(new Error(`${name}: ${cmd} took longer than ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ rpc, cmd, args } satisfies Request);
      });
    },
  };
}
