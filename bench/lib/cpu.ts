/**
 * CPU time of processes, read from /proc, so a run can say where the machine's two cores went:
 * the server, the store (FerretDB, PostgreSQL) and the client workers that generate the load.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of one process in ms; 0 when it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Pids whose command name is `comm` (e.g. every PostgreSQL backend: "postgres"). */
export function pidsNamed(comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export type CpuGroups = Record<string, () => number[]>;

/** Measures CPU ms per group of processes between start() and stop(); backends that come and go are caught by pid. */
export function cpuMeter(groups: CpuGroups) {
  let t0 = 0;
  let before = new Map<number, number>();
  const snapshot = () => {
    const m = new Map<number, number>();
    for (const pids of Object.values(groups)) for (const pid of pids()) m.set(pid, cpuMsOf(pid));
    return m;
  };
  return {
    start() {
      t0 = performance.now();
      before = snapshot();
    },
    /** Per group: share of one core over the interval (1.0 = one core busy all the time). */
    stop(): Record<string, number> {
      const wall = performance.now() - t0;
      const out: Record<string, number> = {};
      for (const [name, pids] of Object.entries(groups)) {
        let ms = 0;
        for (const pid of pids()) ms += cpuMsOf(pid) - (before.get(pid) ?? 0);
        out[name] = wall > 0 ? ms / wall : 0;
      }
      return out;
    },
  };
}

/** Resident set size of a process in bytes (0 when it is gone). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
