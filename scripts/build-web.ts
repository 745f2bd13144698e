/**
 * Builds the widget loader, the widget app, the agent UI and the customer page, and prints the
 * weight (raw, gzip, brotli) of the widget and the customer page: their size is a product feature,
 * so every build shows it. Arguments pick builds: `widget` (with the push worker), `agent`,
 * `portal`; none builds all.
 *
 * The widget's weight is a promise to the sites that embed it (README), checked here from the
 * build's own chunk graph (what rolldown says each chunk imports), so a new chunk cannot slip past:
 * - the loader (widget.js), which every page of the host site downloads: at most 3 KB brotli;
 * - "first open", what a visitor downloads before the panel shows: the app's entry, every chunk it
 *   imports statically (Lit, socket.io-client, the panel, the start screen and the chat all live
 *   there), and ONE dictionary, the visitor's (the panel waits for it; counted as the largest, since
 *   we cannot know which): at most 35 KB brotli. The screens the first open does not need ("My
 *   tickets", the end-of-chat rating, product feedback, the official-channel check) and the other
 *   languages are chunks of their own, downloaded when the visitor opens them; each is listed.
 *   Files are weighed one by one and added up, because each is fetched and compressed on its own.
 * A build over either budget fails.
 */
import { build, type Rolldown } from 'vite';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { agentConfig, loaderConfig, portalConfig, pushWorkerConfig, widgetConfig } from '../vite.config.js';
// Shared with the benchmarks (bench/parts/weight.ts), which report the same figures.
import { chunksOf, FIRST_OPEN_BUDGET, KB, LOADER_BUDGET, sum, weigh, widgetWeights, type Weight } from './web-weight.js';

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

const rows: Array<[name: string, weight: Weight, budget?: number]> = [];

/** The rows for the chat app: first open, each lazy chunk, and all of it. */
function widgetRows(chunks: Rolldown.OutputChunk[]): void {
  const w = widgetWeights(chunks);
  rows.push([`chat app, first open: ${w.firstOpen.files.join(' + ')}`, w.firstOpen.weight, FIRST_OPEN_BUDGET]);
  for (const c of w.lazy) rows.push([`  lazy ${c.file}${c.dictionary ? ' (dictionary)' : ''}`, c.weight]);
  rows.push([`chat app, all ${w.all.chunks} chunks`, w.all.weight]);
}

const which = new Set(process.argv.slice(2));
const all = which.size === 0;
if (all || which.has('widget')) {
  widgetRows(chunksOf(await build(widgetConfig)));
  await build(loaderConfig);
  await build(pushWorkerConfig);
  rows.unshift(['loader (widget.js)', weigh(readFileSync('dist/widget/widget.js')), LOADER_BUDGET]);
}
if (all || which.has('agent')) await build(agentConfig);
if (all || which.has('portal')) {
  await build(portalConfig);
  rows.push(['customer page', sum(jsFiles('dist/portal').map((f) => weigh(readFileSync(f))))]);
}

const kb = (n: number) => `${(n / KB).toFixed(1)} KB`;
const width = Math.max(20, ...rows.map(([name]) => name.length + 1));
const over: string[] = [];
for (const [name, w, budget] of rows) {
  const note = budget === undefined ? '' : `  budget ${kb(budget)} brotli (${budget - w.brotli} bytes left)`;
  process.stdout.write(`${name.padEnd(width)} raw ${kb(w.raw).padStart(9)}  gzip ${kb(w.gzip).padStart(8)}  brotli ${kb(w.brotli).padStart(8)}${note}\n`);
  if (budget !== undefined && w.brotli > budget) over.push(`${name.trim()}: ${w.brotli} bytes brotli, budget ${budget}`);
}
if (over.length) {
  process.stderr.write(`size budget exceeded:\n  ${over.join('\n  ')}\n`);
  process.exit(1);
}
