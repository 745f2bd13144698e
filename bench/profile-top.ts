/**
 * `npx tsx bench/profile-top.ts FILE.cpuprofile [N]`: the functions with the most self time in a V8
 * CPU profile (as `npm run bench -- --profile` writes for the server into bench/results/profiles),
 * and the share of time per package, to see where a server's CPU went without a browser.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/profile-top.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/server/')) return 'server (ours)';
  if (url.includes('/shared/')) return 'shared (ours)';
  if (url.startsWith('node:')) return 'node';
  return url ? 'other' : '(native/gc/idle)';
};
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|server|shared)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName;
  const key = name === '(idle)' || name === '(program)' || name === '(garbage collector)' ? name : fnKey(n);
  fns.set(key, (fns.get(key) ?? 0) + us);
  const pkg = name === '(idle)' ? '(idle)' : name === '(garbage collector)' ? '(gc)' : where(n.callFrame.url);
  pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nby package:\n`);
for (const [k, v] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${pct(v)}  ${k}\n`);
process.stdout.write('\nby function (self time):\n');
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30))) process.stdout.write(`  ${pct(v)}  ${k}\n`);
