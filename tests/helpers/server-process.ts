/** `server/main.ts` in its own process, as an operator runs it, with its JSON log lines at hand. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../server/config.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const children: ChildProcess[] = [];

/** SIGKILLs every process started here that is still running (for afterEach). */
export function killAllServerProcesses(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export type ServerProcess = ReturnType<typeof runServerProcess>;

/** Starts the server with exactly `env` (plus PATH) as its environment. */
export function runServerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'server/main.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: LogLine[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as LogLine);
    } catch {
      lines.push({ level: 30, msg: l });
    }
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    async waitFor(msg: string, timeoutMs = 60_000): Promise<LogLine> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => l.msg.includes(msg));
        if (hit) return hit;
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) throw new Error(`no "${msg}" in log; stderr: ${stderr}; log: ${JSON.stringify(lines)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
  };
}
