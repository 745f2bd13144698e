/**
 * `npx tsx bench/heap-top.ts FILE.heapprofile [N]`: what a sampling heap profile (taken by
 * `npm run bench -- density --heap`) says is still alive, by allocating function and by package.
 */
import { readFileSync } from 'node:fs';

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/heap-top.ts FILE.heapprofile [N]\n');
  process.exit(2);
}
const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: Node }).head;
const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
let total = 0;
const pkgOf = (url: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/server/') ? 'server (ours)' : url.includes('/shared/') ? 'shared (ours)' : url.startsWith('node:') ? 'node' : url || '(native)');
// Attributes each allocation to its own frame and to the nearest frame of ours on its stack.
const walk = (n: Node, ours: string | null) => {
  const f = n.callFrame;
  const here = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|server|shared)\//, '$1/')}:${f.lineNumber + 1}`;
  const mine = /\/(server|shared)\//.test(f.url) ? here : ours;
  if (n.selfSize) {
    total += n.selfSize;
    fns.set(here, (fns.get(here) ?? 0) + n.selfSize);
    const key = `${pkgOf(f.url)}${mine ? ` <- ${mine}` : ''}`;
    pkgs.set(key, (pkgs.get(key) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, mine);
};
walk(root, null);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1).padStart(7)} MB`;
process.stdout.write(`${file}: ${mb(total)} live (sampled)\n\nby package, under the nearest frame of ours:\n`);
for (const [k, v] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) process.stdout.write(`  ${mb(v)}  ${k}\n`);
process.stdout.write('\nby allocating function:\n');
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) process.stdout.write(`  ${mb(v)}  ${k}\n`);
