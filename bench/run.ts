/**
 * `npm run bench [-- PART… --quick --stores=postgresql,sqlite --workers=N --addresses=N --profile --heap]`
 *
 * Parts: density, latency, fanout, recovery, weight (default: all). `--quick` runs small numbers
 * (a smoke run of about a minute per store); the default is the full run. Prints a Markdown table and
 * writes bench/results/latest.json and latest.svg (a quick run: quick.json and quick.svg); a run of
 * some parts keeps the other parts' last figures in the file. `--profile` writes V8 CPU profiles of
 * the server (read them with bench/profile-top.ts), `--heap` sampling heap profiles of density's
 * servers (bench/heap-top.ts), both into bench/results/profiles/.
 *
 * Not a test: it asserts nothing about time and vitest never picks it up (tests/**\/*.test.ts only).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, StoreContext } from './lib/context.js';
import { markdown, svg, type Results } from './lib/report.js';
import { startBenchStore, type BenchStore, type StoreKind } from './lib/store.js';
import { sourceAddresses, startWorkers } from './lib/workers.js';
import { density } from './parts/density.js';
import { fanout } from './parts/fanout.js';
import { latency } from './parts/latency.js';
import { recovery } from './parts/recovery.js';
import { weight } from './parts/weight.js';

const PARTS = ['weight', 'density', 'latency', 'fanout', 'recovery'] as const;
type Part = (typeof PARTS)[number];
const NEEDED_FDS = 200_000;

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
for (const p of chosen) if (!PARTS.includes(p as Part)) fail(`unknown part "${p}"; parts: ${PARTS.join(', ')}`);
const parts: Part[] = chosen.length ? (chosen as Part[]) : [...PARTS];
const stores = (flag('stores') ?? 'postgresql,sqlite').split(',') as StoreKind[];
for (const s of stores) if (s !== 'postgresql' && s !== 'sqlite') fail(`unknown store "${s}"; stores: postgresql, sqlite`);
const workerCount = Number(flag('workers') ?? 3);
const addressCount = Number(flag('addresses') ?? 8);
const profile = args.includes('--profile');

function fail(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}
const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---- open files: tens of thousands of sockets need far more than the usual 1024 or 20000 ---------
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 0);
}
if (openFilesLimit() < NEEDED_FDS && !process.env.BENCH_ULIMIT_TRIED) {
  // Node cannot raise its own limit; a shell can (as root, or up to the hard limit), then runs us again.
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync('sh', ['-c', `ulimit -n ${NEEDED_FDS} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`, 'sh', process.execPath, '--import', 'tsx', self, ...args], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_ULIMIT_TRIED: '1' },
  });
  process.exit(r.status ?? 1);
}
const fdLimit = openFilesLimit();
if (fdLimit < NEEDED_FDS) log(`warning: open files limited to ${fdLimit} (ulimit -n, and the hard limit could not be raised: that needs root with CAP_SYS_RESOURCE); density stops near it`);

// ---- is the machine quiet? ---------------------------------------------------------------------
const busy = spawnSync('pgrep', ['-f', 'vitest'], { encoding: 'utf8' }).stdout.trim();
const load1 = loadavg()[0]!;
const quiet = load1 < 1 && !busy;
if (!quiet) log(`warning: the machine is busy (load ${load1.toFixed(2)}${busy ? ', vitest running' : ''}); figures will show it`);

const root = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = join(root, 'results');
mkdirSync(resultsDir, { recursive: true });
const tmpDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
const cpuProfDir = profile ? join(resultsDir, 'profiles') : undefined;
const heapProfDir = args.includes('--heap') ? join(resultsDir, 'profiles') : undefined;
for (const d of [cpuProfDir, heapProfDir]) if (d) mkdirSync(d, { recursive: true });

// One server process holds one file descriptor per connection, plus its store connections (up to
// mongoose's pool of 100), its logs and Node's own: the open-files limit caps density below it.
const fdCap = fdLimit - 250;
const capped = (steps: number[]) => [...steps.filter((n) => n < fdCap), ...(steps.some((n) => n >= fdCap) ? [fdCap] : [])];
const sizes = quick
  ? { densitySteps: [500, 1000, 2000], relaySteps: [2000], rates: [100, 250], conversations: 100, fanoutAgents: 20, fanoutTrials: 5, recoveryClients: 100 }
  : {
      densitySteps: capped([5000, 10000, 20000, 30000, 40000, 50000]),
      relaySteps: capped([10000, 20000]),
      // The issue's rates, with steps below and between them: on FerretDB the store saturates
      // early, and the highest rate with p99 under 50 ms is only found below where it saturates.
      rates: [50, 100, 150, 200, 250, 350, 500, 1000, 2000],
      conversations: 500,
      fanoutAgents: 200,
      fanoutTrials: 20,
      recoveryClients: 1000,
    };

const started = new Date();
const results: Results = {};
const runningStores: BenchStore[] = [];
const workers = await startWorkers(workerCount);
const base: BenchContext = { quick, workers, addresses: sourceAddresses(addressCount), tmpDir, cpuProfDir, heapProfDir, log };
// Interrupted: stop what we started (servers follow when their IPC channel closes with us).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`bench: ${signal}, stopping`);
    void Promise.allSettled([workers.stop(), ...runningStores.map((s) => s.stop())]).finally(() => {
      rmSync(tmpDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
log(`bench: ${parts.join(', ')} on ${stores.join(' and ')}${quick ? ' (quick)' : ''}; ${workerCount} client workers over ${addressCount} source addresses; open files ${fdLimit}`);

try {
  if (parts.includes('weight')) {
    log('weight: building the widget in memory');
    results.weight = await weight();
  }
  const storeParts = parts.filter((p) => p !== 'weight');
  const byStore = new Map<StoreKind, StoreContext>();
  if (storeParts.length) {
    for (const kind of stores) {
      const store = await startBenchStore(kind);
      runningStores.push(store);
      byStore.set(kind, { ...base, store });
    }
  }
  // Part by part, the baseline first, then each store: the figures compared are taken close together.
  if (parts.includes('density')) {
    results.density = [await density(base, 'relay', sizes.relaySteps)];
    for (const ctx of byStore.values()) results.density.push(await density(ctx, 'ours', sizes.densitySteps));
    if (!quick && fdCap < 50_000) for (const d of results.density) d.stoppedBecause ??= `the open-files limit (${fdLimit} per process)`;
  }
  if (parts.includes('latency')) {
    results.latency = [await latency(base, 'relay', sizes.rates, sizes.conversations)];
    for (const ctx of byStore.values()) {
      results.latency.push(await latency(ctx, 'ours', sizes.rates, sizes.conversations));
      // What an operator who skips docs/ferretdb-postgresql-indexes.sql gets: the store's limit.
      if (ctx.store.kind === 'postgresql') results.latency.push(await latency(ctx, 'ours', sizes.rates, sizes.conversations, { plainIndexes: true }));
    }
  }
  if (parts.includes('fanout')) {
    results.fanout = [];
    for (const ctx of byStore.values()) results.fanout.push(await fanout(ctx, sizes.fanoutAgents, sizes.fanoutTrials));
  }
  if (parts.includes('recovery')) {
    results.recovery = [];
    for (const ctx of byStore.values()) results.recovery.push(await recovery(ctx, sizes.recoveryClients));
  }
} finally {
  await workers.stop();
  for (const s of runningStores) await s.stop();
  rmSync(tmpDir, { recursive: true, force: true });
}

// ---- write and print ---------------------------------------------------------------------------
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGB: Math.round(totalmem() / 2 ** 30),
  freeMemoryGB: Math.round(freemem() / 2 ** 30),
  kernel: release(),
  node: process.version,
  openFiles: fdLimit,
  postgresql: spawnSync('psql', ['--version'], { encoding: 'utf8' }).stdout?.trim() || null,
  store: 'FerretDB 1.24.2',
};
const name = quick ? 'quick' : 'latest';
const file = join(resultsDir, `${name}.json`);
// A run of some parts keeps the other parts' last figures.
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { results?: Results; runs?: Record<string, unknown> }) : {};
const run = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), quick, stores, workers: workerCount, addresses: addressCount, load1AtStart: Number(load1.toFixed(2)), quietAtStart: quiet };
const merged: Results = { ...previous.results, ...results };
const runs = { ...previous.runs, ...Object.fromEntries(parts.map((p) => [p, run])) };
writeFileSync(file, JSON.stringify({ command: `npm run bench -- ${args.join(' ')}`.trim(), machine, runs, results: merged }, null, 2) + '\n');
const subtitle = `${machine.cores} cores (${machine.cpu}), ${machine.memoryGB} GB, Node ${machine.node}, FerretDB 1.24.2 on PostgreSQL 15 / SQLite; ${started.toISOString().slice(0, 16)}Z${quiet ? '' : ', machine busy'}`;
writeFileSync(join(resultsDir, `${name}.svg`), svg(merged, subtitle) + '\n');
// Every part's latest figures, as the README shows them; the parts not run now say when they ran.
const earlier = Object.entries(runs).filter(([p]) => !parts.includes(p as Part)).map(([p, r]) => `${p} ${(r as { startedAt: string }).startedAt.slice(0, 16)}Z`);
process.stdout.write(`\n${markdown(merged)}\n\nMachine: ${subtitle}${earlier.length ? ` (from earlier runs: ${earlier.join(', ')})` : ''}\nWrote ${file} and ${name}.svg\n`);
