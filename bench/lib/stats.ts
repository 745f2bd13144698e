/** Small numeric helpers: percentiles of latency samples, rounding for the table. */

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentiles (ms in, ms out); NaN for an empty sample. */
export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { n: 0, p50: NaN, p99: NaN, p999: NaN, max: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: s[s.length - 1]! };
}

export function median(xs: number[]): number {
  return percentiles(xs).p50;
}

/** 2 significant decimals below 10, 1 below 100, else whole numbers. */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const d = a < 10 ? 2 : a < 100 ? 1 : 0;
  return Number(x.toFixed(d));
}

export const MB = 1024 * 1024;
