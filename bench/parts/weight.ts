/**
 * Weight: the widget as a host page's visitors download it, weighed exactly as the build weighs
 * it (scripts/web-weight.ts), from an in-memory build (nothing under dist/ is touched), next to
 * what Intercom, Chatwoot and Crisp have published about their own widgets. Theirs are their
 * figures, not measured here, and not all measure the same thing: each says what it counts.
 */
import { build } from 'vite';
import { chunksOf, FIRST_OPEN_BUDGET, LOADER_BUDGET, weigh, widgetWeights, type Weight } from '../../scripts/web-weight.js';
import { loaderConfig, widgetConfig } from '../../vite.config.js';

export interface PublishedFigure {
  product: string;
  /** What the figure counts, in its publisher's words as near as we can say it. */
  what: string;
  kb: number;
  compression: 'gzip' | 'compressed (unspecified)' | 'size-limit budget';
  source: string;
}

export interface WeightResult {
  loader: Weight & { budget: number };
  firstOpen: Weight & { budget: number; files: string[] };
  full: Weight & { chunks: number };
  published: PublishedFigure[];
}

export const PUBLISHED: PublishedFigure[] = [
  {
    product: 'Intercom',
    what: 'Messenger JavaScript (frame.js bundle): almost 600 KB gzip at the end of 2018, then cut by 65 % (≈210 KB)',
    kb: 210,
    compression: 'gzip',
    source: 'https://www.intercom.com/blog/reducing-intercom-messenger-bundle-size/',
  },
  {
    product: 'Chatwoot',
    what: 'widget bundle budget (size-limit, compressed) 300 KB; the loader sdk.js budget 40 KB',
    kb: 300,
    compression: 'size-limit budget',
    source: 'https://github.com/chatwoot/chatwoot/pull/9289 (package.json "size-limit")',
  },
  {
    product: 'Crisp',
    what: 'chatbox scripts ≈90 KB + stylesheets ≈35–45 KB compressed ("only 130KB to download")',
    kb: 130,
    compression: 'compressed (unspecified)',
    source: 'https://help.crisp.chat/en/article/will-crisp-slow-down-my-website-1wfqufw/',
  },
];

const inMemory = <T extends { build?: object }>(c: T): T => ({ ...c, build: { ...c.build, write: false } });

export async function weight(): Promise<WeightResult> {
  const app = widgetWeights(chunksOf(await build(inMemory(widgetConfig))));
  const loaderChunks = chunksOf(await build(inMemory(loaderConfig)));
  const loader = weigh(loaderChunks.map((c) => c.code).join(''));
  return {
    loader: { ...loader, budget: LOADER_BUDGET },
    firstOpen: { ...app.firstOpen.weight, budget: FIRST_OPEN_BUDGET, files: app.firstOpen.files },
    // Everything a visitor could ever download: the loader and every chunk of the app.
    full: { raw: loader.raw + app.all.weight.raw, gzip: loader.gzip + app.all.weight.gzip, brotli: loader.brotli + app.all.weight.brotli, chunks: app.all.chunks + 1 },
    published: PUBLISHED,
  };
}
