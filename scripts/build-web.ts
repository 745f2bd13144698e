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
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { agentConfig, loaderConfig, portalConfig, pushWorkerConfig, widgetConfig } from '../vite.config.js';

const KB = 1024;
const LOADER_BUDGET = 3 * KB;
const FIRST_OPEN_BUDGET = 35 * KB;

interface Weight {
  raw: number;
  gzip: number;
  brotli: number;
}

function weigh(code: string | Buffer): Weight {
  const buf = Buffer.from(code);
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function sum(weights: Weight[]): Weight {
  return weights.reduce((a, w) => ({ raw: a.raw + w.raw, gzip: a.gzip + w.gzip, brotli: a.brotli + w.brotli }), { raw: 0, gzip: 0, brotli: 0 });
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

function chunksOf(output: Awaited<ReturnType<typeof build>>): Rolldown.OutputChunk[] {
  if (!Array.isArray(output) && !('output' in output)) throw new Error('a watcher, not a build');
  return (Array.isArray(output) ? output : [output]).flatMap((o) => o.output.filter((c): c is Rolldown.OutputChunk => c.type === 'chunk'));
}

const rows: Array<[name: string, weight: Weight, budget?: number]> = [];

/** The rows for the chat app: first open, each lazy chunk, and all of it. */
function widgetRows(chunks: Rolldown.OutputChunk[]): void {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const entry = chunks.find((c) => c.isEntry);
  if (!entry) throw new Error('the widget build has no entry chunk');
  const initial = new Set<string>();
  const visit = (name: string) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const next of byName.get(name)?.imports ?? []) visit(next);
  };
  visit(entry.fileName);
  const weights = new Map(chunks.map((c) => [c.fileName, weigh(c.code)]));
  const isDictionary = (c: Rolldown.OutputChunk) => /widget\/i18n\/[a-z]+\.ts$/.test(c.facadeModuleId ?? '');
  const dictionaries = chunks.filter(isDictionary);
  const largest = dictionaries.reduce<Rolldown.OutputChunk | null>((a, c) => (!a || weights.get(c.fileName)!.brotli > weights.get(a.fileName)!.brotli ? c : a), null);
  const firstOpen = [...initial, ...(largest ? [largest.fileName] : [])];
  rows.push([`chat app, first open: ${[...initial].join(' + ')} + ${largest?.fileName ?? 'no dictionary'}`, sum(firstOpen.map((f) => weights.get(f)!)), FIRST_OPEN_BUDGET]);
  for (const c of chunks) {
    if (initial.has(c.fileName)) continue;
    rows.push([`  lazy ${c.fileName}${isDictionary(c) ? ' (dictionary)' : ''}`, weights.get(c.fileName)!]);
  }
  rows.push([`chat app, all ${chunks.length} chunks`, sum([...weights.values()])]);
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
