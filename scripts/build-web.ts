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
const rows: Record<string, ReturnType<typeof weigh>> = {};
if (all || which.has('widget')) {
  rows['loader (widget.js)'] = weigh(['dist/widget/widget.js']);
  rows['chat app'] = weigh(jsFiles('dist/widget/app'));
}
if (all || which.has('portal')) rows['customer page'] = weigh(jsFiles('dist/portal'));
{
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const [name, w] of Object.entries(rows)) {
    process.stdout.write(`${name.padEnd(20)} raw ${kb(w.raw).padStart(9)}  gzip ${kb(w.gzip).padStart(8)}  brotli ${kb(w.brotli).padStart(8)}\n`);
  }
}
