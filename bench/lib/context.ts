/** What every benchmark part gets from the runner. */
import { pidsNamed, type CpuGroups } from './cpu.js';
import type { BenchStore } from './store.js';
import type { Workers } from './workers.js';

export interface BenchContext {
  quick: boolean;
  workers: Workers;
  /** Loopback source addresses the clients spread over. */
  addresses: string[];
  /** A scratch folder for this run (server data, profiles). */
  tmpDir: string;
  /** When set, the real server writes a V8 CPU profile here at each stop. */
  cpuProfDir: string | undefined;
  /** When set, density writes a sampling heap profile of each server here (what its connections keep alive). */
  heapProfDir: string | undefined;
  log(msg: string): void;
}

export interface StoreContext extends BenchContext {
  store: BenchStore;
}

/** Splits `total` into `parts` near-equal whole shares. */
export function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU groups for a meter: the server, FerretDB, PostgreSQL's backends (on that store) and the client workers. */
export function cpuGroups(ctx: BenchContext & Partial<StoreContext>, serverPid: number, withStore: boolean): CpuGroups {
  const store = withStore ? ctx.store : undefined;
  return {
    server: () => [serverPid],
    ferretdb: () => store?.pid() ?? [],
    postgres: () => (store?.kind === 'postgresql' ? pidsNamed('postgres') : []),
    clients: () => ctx.workers.pids(),
  };
}
