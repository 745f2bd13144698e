/**
 * Builds the widget loader, the widget app, the agent UI and the customer page, and prints the
 * weight (raw, gzip, brotli) of the widget and the customer page: their size is a product feature,
 * so every build shows it. Arguments pick builds: `widget` (with the push worker), `agent`,
 * `portal`; none builds all.
 */
import { build } from 'vite';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { agentConfig, loaderConfig, portalConfig, pushWorkerConfig, widgetConfig } from '../vite.config.js';

const which = new Set(process.argv.slice(2));
const all = which.size === 0;
if (all || which.has('widget')) {
  await build(widgetConfig);
  await build(loaderConfig);
  await build(pushWorkerConfig);
}
if (all || which.has('agent')) await build(agentConfig);
if (all || which.has('portal')) await build(portalConfig);

function weigh(files: string[]) {
  const buf = Buffer.concat(files.map((f) => readFileSync(f)));
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}
/**
 * The widget's weight is a promise to the sites that embed it (README): the loader shows the bubble
 * within 3 KB brotli, and the whole chat app, Lit and socket.io-client included, within 35 KB.
 * A build over either fails.
 */
const BUDGET_BROTLI_BYTES: Record<string, number> = { 'loader (widget.js)': 3 * 1024, 'chat app': 35 * 1024 };

const rows: Record<string, ReturnType<typeof weigh>> = {};
if (all || which.has('widget')) {
  rows['loader (widget.js)'] = weigh(['dist/widget/widget.js']);
  rows['chat app'] = weigh(jsFiles('dist/widget/app'));
}
if (all || which.has('portal')) rows['customer page'] = weigh(jsFiles('dist/portal'));
{
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const over: string[] = [];
  for (const [name, w] of Object.entries(rows)) {
    const budget = BUDGET_BROTLI_BYTES[name];
    const note = budget === undefined ? '' : `  budget ${kb(budget)} (${budget - w.brotli} bytes left)`;
    process.stdout.write(`${name.padEnd(20)} raw ${kb(w.raw).padStart(9)}  gzip ${kb(w.gzip).padStart(8)}  brotli ${kb(w.brotli).padStart(8)}${note}\n`);
    if (budget !== undefined && w.brotli > budget) over.push(`${name}: ${w.brotli} bytes brotli, budget ${budget}`);
  }
  if (over.length) {
    process.stderr.write(`size budget exceeded:\n  ${over.join('\n  ')}\n`);
    process.exit(1);
  }
}
