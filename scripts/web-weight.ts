/**
 * How the widget is weighed, shared by the build (scripts/build-web.ts, which enforces the budgets)
 * and the benchmarks (bench/, which report it next to other products): raw, gzip -9 and brotli -11
 * per file, added up file by file because each is fetched and compressed on its own; "first open"
 * follows the build's own chunk graph (what rolldown says each chunk imports statically) and counts
 * ONE dictionary, the largest, since the visitor's language is not known in advance.
 */
import type { build, Rolldown } from 'vite';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const KB = 1024;
export const LOADER_BUDGET = 3 * KB;
export const FIRST_OPEN_BUDGET = 35 * KB;

export interface Weight {
  raw: number;
  gzip: number;
  brotli: number;
}

export function weigh(code: string | Uint8Array): Weight {
  const buf = Buffer.from(code);
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export function sum(weights: Weight[]): Weight {
  return weights.reduce((a, w) => ({ raw: a.raw + w.raw, gzip: a.gzip + w.gzip, brotli: a.brotli + w.brotli }), { raw: 0, gzip: 0, brotli: 0 });
}

/** The chunks of a build's output (write or not). */
export function chunksOf(output: Awaited<ReturnType<typeof build>>): Rolldown.OutputChunk[] {
  if (!Array.isArray(output) && !('output' in output)) throw new Error('a watcher, not a build');
  return (Array.isArray(output) ? output : [output]).flatMap((o) => o.output.filter((c): c is Rolldown.OutputChunk => c.type === 'chunk'));
}

export interface WidgetWeights {
  /** The entry and every chunk it imports statically, plus the largest dictionary. */
  firstOpen: { files: string[]; weight: Weight };
  /** Chunks downloaded later (other screens, other languages). */
  lazy: Array<{ file: string; dictionary: boolean; weight: Weight }>;
  /** Every chunk of the chat app. */
  all: { chunks: number; weight: Weight };
}

/** Weighs the chat app's chunks (the output of building `widgetConfig`). */
export function widgetWeights(chunks: Rolldown.OutputChunk[]): WidgetWeights {
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
  const largest = chunks.filter(isDictionary).reduce<Rolldown.OutputChunk | null>((a, c) => (!a || weights.get(c.fileName)!.brotli > weights.get(a.fileName)!.brotli ? c : a), null);
  const firstOpen = [...initial, ...(largest ? [largest.fileName] : [])];
  return {
    firstOpen: { files: firstOpen, weight: sum(firstOpen.map((f) => weights.get(f)!)) },
    lazy: chunks.filter((c) => !initial.has(c.fileName)).map((c) => ({ file: c.fileName, dictionary: isDictionary(c), weight: weights.get(c.fileName)! })),
    all: { chunks: chunks.length, weight: sum([...weights.values()]) },
  };
}
