/** Turns a run's results into the printed (Markdown) table and the SVG chart. */
import type { DensityResult } from '../parts/density.js';
import type { FanoutResult } from '../parts/fanout.js';
import type { LatencyResult } from '../parts/latency.js';
import type { RecoveryResult } from '../parts/recovery.js';
import type { WeightResult } from '../parts/weight.js';

export interface Results {
  weight?: WeightResult;
  density?: DensityResult[];
  latency?: LatencyResult[];
  fanout?: FanoutResult[];
  recovery?: RecoveryResult[];
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const fmt = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : String(x));
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const cpuText = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
    .join(', ');
const label = (r: { server?: string; store: string | null; plainIndexes?: boolean }) =>
  r.server === 'relay' ? 'bare Socket.IO relay' : `ours, ${r.store === 'postgresql' ? `FerretDB/PostgreSQL${r.plainIndexes ? ", FerretDB's indexes only" : ''}` : 'FerretDB/SQLite'}`;

export function markdown(r: Results): string {
  const out: string[] = [];
  if (r.density?.length) {
    out.push('**Density**: idle visitors one server process holds (CPU while connecting: share of one core)\n');
    out.push(
      table(
        ['server', 'held', 'target', 'RSS / conn', 'heap / conn', 'connects/s', 'CPU while connecting', 'stopped because'],
        r.density.map((d) => [
          label(d),
          String(d.held),
          String(d.target),
          `${d.rssKBPerConn} KB`,
          `${d.heapKBPerConn} KB`,
          String(Math.round(d.steps.reduce((s, x) => s + x.connectPerSec, 0) / Math.max(1, d.steps.length))),
          cpuText(d.cpuWhileConnecting),
          d.stoppedBecause ?? '–',
        ]),
      ),
    );
  }
  if (r.latency?.length) {
    const relay = r.latency.find((l) => l.server === 'relay');
    const rates = [...new Set(r.latency.flatMap((l) => [...l.steps.map((s) => s.rate), ...l.skipped]))].sort((a, b) => a - b);
    out.push('\n**Latency**: visitor → agent delivery, ms (p50 / p99 / p99.9); ours includes validation and the durable write\n');
    const head = ['rate msg/s', ...r.latency.map(label), ...r.latency.filter((l) => l.server === 'ours').map((l) => `p99 ratio, ${l.store}${l.plainIndexes ? ' (plain)' : ''}`)];
    const rows = rates.map((rate) => {
      const cells = r.latency!.map((l) => {
        const s = l.steps.find((x) => x.rate === rate);
        if (!s) return l.skipped.includes(rate) ? 'saturated' : '–';
        const missing = [s.lost ? `${s.lost} lost` : '', s.failed ? `${s.failed} failed` : ''].filter(Boolean).join(', ');
        return `${s.delivery.p50} / ${s.delivery.p99} / ${s.delivery.p999}${missing ? ` (${missing})` : ''}`;
      });
      const ratios = r.latency!.filter((l) => l.server === 'ours').map((l) => {
        const s = l.steps.find((x) => x.rate === rate);
        const b = relay?.steps.find((x) => x.rate === rate);
        return s && b && b.delivery.p99 > 0 ? `${(s.delivery.p99 / b.delivery.p99).toFixed(1)}×` : '–';
      });
      return [String(rate), ...cells, ...ratios];
    });
    out.push(table(head, rows));
    out.push(
      '\n' +
        r.latency
          .map((l) => `${label(l)}: highest rate with p99 < 50 ms: ${l.maxRateP99Under50 ?? 'none'} msg/s (${l.conversations} live chats); CPU at the top rate: ${cpuText(l.steps.at(-1)?.cpu ?? {})}`)
          .join('  \n'),
    );
  }
  if (r.fanout?.length) {
    out.push('\n**Fan-out**: a new chat reaching every agent\'s queue view, ms (median of trials)\n');
    out.push(
      table(
        ['store', 'agents', 'first agent', 'half', 'all agents', 'worst trial, all', 'visitor\'s start ack'],
        r.fanout.map((f) => [label({ store: f.store }), String(f.agents), fmt(f.firstMs), fmt(f.p50Ms), fmt(f.allMs), fmt(f.worstAllMs), fmt(f.startAckMs)]),
      ),
    );
  }
  if (r.recovery?.length) {
    out.push('\n**Recovery**: clients reconnect after a server restart and receive what they missed, ms\n');
    out.push(
      table(
        ['store', 'clients', 'graceful stop', 'start', 'all reconnected', 'caught up (p50 / p99 / max)', 'reconnect → caught up (p50 / p99 / max)', 'stop → last caught up'],
        r.recovery.map((x) => [
          label({ store: x.store }),
          `${x.caughtUp}/${x.clients}`,
          fmt(x.stopMs),
          fmt(x.startMs),
          fmt(x.allReconnectedMs),
          `${fmt(x.caughtUpP50Ms)} / ${fmt(x.caughtUpP99Ms)} / ${fmt(x.allCaughtUpMs)}`,
          x.catchUpAfterReconnect ? `${fmt(x.catchUpAfterReconnect.p50)} / ${fmt(x.catchUpAfterReconnect.p99)} / ${fmt(x.catchUpAfterReconnect.max)}` : '–',
          fmt(x.totalMs),
        ]),
      ),
    );
    out.push('\n(times after "start" are from the new server listening; clients back off as the widget does, 1 s doubling to 5 s, ±50 %, so the last ones return seconds after it is up)');
  }
  if (r.weight) {
    const w = r.weight;
    out.push('\n**Weight**: the widget, KB (gzip -9 / brotli -11), next to published figures\n');
    const rows = [
      ['ours: loader (every page)', kb(w.loader.gzip), kb(w.loader.brotli), `budget ${kb(w.loader.budget)} brotli`],
      ['ours: first open (app + one language)', kb(w.firstOpen.gzip), kb(w.firstOpen.brotli), `budget ${kb(w.firstOpen.budget)} brotli`],
      ['ours: loader + first open', kb(w.loader.gzip + w.firstOpen.gzip), kb(w.loader.brotli + w.firstOpen.brotli), 'what a visitor downloads to chat'],
      [`ours: everything (${w.full.chunks} files, all languages and screens)`, kb(w.full.gzip), kb(w.full.brotli), ''],
      ...w.published.map((p) => [`${p.product} (published)`, p.compression === 'gzip' ? String(p.kb) : '', p.compression === 'gzip' ? '' : String(p.kb), `${p.what}; ${p.source}`]),
    ];
    out.push(table(['what', 'gzip', 'brotli / compressed', 'note'], rows));
  }
  return out.join('\n');
}

// ---- the chart ------------------------------------------------------------------------------

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#555555', '#1f6fb2', '#c0392b', '#2e8b57'];

/** Two panels: delivery p99 against rate (log scale), and the widget's weight against others'. */
export function svg(r: Results, subtitle: string): string {
  const W = 960;
  const H = 470;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="20" y="24" font-size="16" font-weight="bold">chat-hybrid benchmarks</text>`);
  parts.push(`<text x="20" y="42" fill="#444">${esc(subtitle)}</text>`);

  // Panel 1: latency.
  const px = 70, py = 70, pw = 400, ph = 290;
  parts.push(`<text x="${px}" y="${py - 10}" font-weight="bold">Visitor → agent delivery, p99 (ms, log scale)</text>`);
  const series = (r.latency ?? []).map((l, i) => ({ name: label(l), color: COLORS[i % COLORS.length]!, pts: l.steps.map((s) => [s.rate, s.delivery.p99] as const) }));
  const rates = [...new Set(series.flatMap((s) => s.pts.map((p) => p[0])))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.pts.map((p) => p[1])).filter((y) => y > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(0.5, ...ys))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(100, ...ys))));
  const X = (rate: number) => px + (rates.length <= 1 ? pw / 2 : (rates.indexOf(rate) / (rates.length - 1)) * pw);
  const Y = (ms: number) => py + ph - ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;
  parts.push(`<rect x="${px}" y="${py}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (let d = lo; d <= hi; d *= 10) {
    parts.push(`<line x1="${px}" x2="${px + pw}" y1="${Y(d)}" y2="${Y(d)}" stroke="#e5e5e5"/><text x="${px - 6}" y="${Y(d) + 4}" text-anchor="end">${d >= 1 ? d : d.toFixed(1)}</text>`);
  }
  parts.push(`<line x1="${px}" x2="${px + pw}" y1="${Y(50)}" y2="${Y(50)}" stroke="#e67e22" stroke-dasharray="4 3"/><text x="${px + pw - 4}" y="${Y(50) - 4}" text-anchor="end" fill="#e67e22">50 ms</text>`);
  for (const rate of rates) parts.push(`<text x="${X(rate)}" y="${py + ph + 16}" text-anchor="middle">${rate}</text>`);
  parts.push(`<text x="${px + pw / 2}" y="${py + ph + 32}" text-anchor="middle" fill="#444">messages per second</text>`);
  series.forEach((s, i) => {
    if (s.pts.length) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.pts.map(([x, y]) => `${X(x)},${Y(y)}`).join(' ')}"/>`);
    for (const [x, y] of s.pts) parts.push(`<circle cx="${X(x)}" cy="${Y(y)}" r="3" fill="${s.color}"><title>${esc(s.name)}: ${x}/s p99 ${y} ms</title></circle>`);
    const lx = px + (i % 2) * 210;
    const ly = py + ph + 48 + Math.floor(i / 2) * 16;
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="${ly + 9}">${esc(s.name)}</text>`);
  });

  // Panel 2: weight.
  const bx = 560, by = 70, bw = 360;
  parts.push(`<text x="${bx}" y="${by - 10}" font-weight="bold">Widget weight, KB compressed</text>`);
  const w = r.weight;
  if (w) {
    const bars: Array<[string, number, string]> = [
      ['ours: loader (brotli)', w.loader.brotli / 1024, COLORS[1]!],
      ['ours: loader + first open (brotli)', (w.loader.brotli + w.firstOpen.brotli) / 1024, COLORS[1]!],
      ['ours: loader + first open (gzip)', (w.loader.gzip + w.firstOpen.gzip) / 1024, COLORS[1]!],
      ['ours: everything (gzip)', w.full.gzip / 1024, COLORS[1]!],
      ...w.published.map((p): [string, number, string] => [`${p.product} (published, ${p.compression})`, p.kb, '#888888']),
    ];
    const max = Math.max(...bars.map((b) => b[1]));
    bars.forEach(([name, v, color], i) => {
      const y = by + 10 + i * 34;
      parts.push(`<text x="${bx}" y="${y}">${esc(name)}</text>`);
      parts.push(`<rect x="${bx}" y="${y + 5}" width="${Math.max(1, (v / max) * (bw - 60))}" height="14" fill="${color}"/>`);
      parts.push(`<text x="${bx + Math.max(1, (v / max) * (bw - 60)) + 6}" y="${y + 16}">${v.toFixed(1)}</text>`);
    });
  } else parts.push(`<text x="${bx}" y="${by + 20}" fill="#777">not measured in this run</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
