/**
 * Generators of hostile input for the fuzz campaign (tests/server/fuzz.test.ts), and the check
 * every answer must pass. fast-check draws new cases on every run and, when one fails, shrinks it
 * to the smallest payload that still fails, which a hand-written list of bad inputs cannot do.
 */
import fc from 'fast-check';
import { ERROR_CODES } from '../../shared/errors.js';

/** An object with exactly these own keys, `__proto__` included (as JSON.parse would make it). */
export function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** `levels` deep: {a: {a: … leaf}} or [[[… leaf]]]. */
export function nested(levels: number, leaf: unknown, as: 'object' | 'array'): unknown {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = as === 'object' ? { a: v } : [v];
  return v;
}

export const HUGE = 'x'.repeat(100_000);
/** 100 kB of three-byte characters. */
export const HUGE_MULTIBYTE = '€'.repeat(33_400);

/** Strings that have broken servers: regex syntax, operators, paths, markup, control characters. */
export const DANGEROUS_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFFFF\uD800',
  '\u202Egnp.exe',
  '$where',
  '$gt',
  '{"$gt":""}',
  '.*',
  '(',
  '[',
  '\\',
  '(?=a)',
  '(a+)+$',
  'a{99999999}',
  '*',
  '?',
  '%',
  '%00',
  '%E0%A4%A',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE users; --",
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  'null',
  'undefined',
  'true',
  '0123456789abcdef0123456',
  '0123456789ABCDEF01234567',
  'ffffffffffffffffffffffff',
  '000000000000000000000000',
  'Europe/Nowhere',
  'default',
  'javascript:alert(1)',
  'http://127.0.0.1:1/',
  'file:///etc/passwd',
  'mailto:a@b',
  'a@b',
  '@',
  'x'.repeat(65),
  'x'.repeat(5001),
];

export const MONGO_OPERATORS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000) || true' },
  { $regex: '.*' },
  { $in: ['', null] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $or: [{}] },
  { $function: { body: 'return true', args: [], lang: 'js' } },
];

export const POLLUTION: unknown[] = [
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"prototype": {"polluted": "yes"}}'),
  JSON.parse('{"__proto__": {"toString": "boom", "polluted": "yes"}}'),
  JSON.parse('{"a": {"__proto__": {"polluted": "yes"}}}'),
];

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '$gt', '$where', '$set', 'a.b', '', 'conversationId', 'body', 'id', 'toString', 'hasOwnProperty', 'valueOf', 'then') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Any string, from plain to hostile. */
export const wildString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('(', ')', '[', ']', '*', '+', '?', '{', '}', '\\', '.', '^', '$', '|', 'a', '0', '\u0000', '%'), maxLength: 20 }) },
  { weight: 4, arbitrary: fc.constantFrom(...DANGEROUS_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(HUGE, HUGE_MULTIBYTE) },
);

/** Values of the wrong type, or the right type with wrong content: the leaves of every bad payload. */
export const nastyLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity),
  fc.integer(),
  fc.double(),
  wildString,
  fc.constantFrom(...MONGO_OPERATORS),
  fc.constantFrom(...POLLUTION),
  fc.constant(new Date(0)),
  fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b)),
);

/** Any hostile value, nested: objects (with pollution and operator keys), arrays, deep nesting. */
export const nasty: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { weight: 6, arbitrary: nastyLeaf },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(ownObject) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(1000, 5000), nastyLeaf, fc.constantFrom('object' as const, 'array' as const)).map(([n, leaf, as]) => nested(n, leaf, as)) },
  ),
  // fast-check's depth bias keeps recursion shallow; the deep cases come from `nested`.
})).value;

/** An id that is well formed but names nothing. */
export const strangerId = fc.stringMatching(/^[0-9a-f]{24}$/);

type Path = Array<string | number>;

/** Every path to a value inside `v` (objects and arrays), the root excluded. */
export function paths(v: unknown, prefix: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [];
  const out: Path[] = [];
  const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  for (const [k, x] of entries) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  return out;
}

/** A copy of `v` with the value at `path` replaced (or removed, for `REMOVE`). */
export const REMOVE = Symbol('remove');
export function setAt(v: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    if (rest.length === 0 && value === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => !(rest.length === 0 && value === REMOVE && k === head));
  const o = ownObject(entries);
  if (!(rest.length === 0 && value === REMOVE)) Object.defineProperty(o, head as string, { value: setAt(o[head as string], rest, value), enumerable: true, writable: true, configurable: true });
  return o;
}

/**
 * Payloads one step from a valid one: one field of any depth replaced by something hostile, a
 * string by any string, an id by one that names nothing, a field dropped, an extra field added;
 * and the valid payload itself. These get past the schema often enough to exercise the handlers.
 */
export function nearValid(sample: unknown): fc.Arbitrary<unknown> {
  const all = paths(sample);
  const strings = all.filter((p) => typeof p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], sample) === 'string');
  const ids = strings.filter((p) => /id$|Id$|Ids$/.test(String(p[p.length - 1])) || typeof p[p.length - 1] === 'number');
  const options: Array<fc.Arbitrary<unknown>> = [fc.constant(sample), fc.tuple(key, nasty).map(([k, v]) => setAt(sample, [k], v))];
  if (all.length > 0) {
    options.push(fc.tuple(fc.constantFrom(...all), nasty).map(([p, v]) => setAt(sample, p, v)));
    options.push(fc.constantFrom(...all).map((p) => setAt(sample, p, REMOVE)));
  }
  if (strings.length > 0) options.push(fc.tuple(fc.constantFrom(...strings), wildString).map(([p, v]) => setAt(sample, p, v)));
  if (ids.length > 0) options.push(fc.tuple(fc.constantFrom(...ids), strangerId).map(([p, v]) => setAt(sample, p, v)));
  return fc.oneof(...options);
}

/** Looks like a stack trace or a path on the server. */
const LEAK = /\n\s*at\s|\bat\s+[\w.<>]+\s+\(|\b(node_modules|node:internal)\b|\/(work|home|usr|tmp|app|srv)\/|\.[cm]?[jt]s:\d+|Mongo\w*Error|Cast to ObjectId|E11000/;

/** Why an answer is not a clean one (undefined: it is). */
export function answerProblem(ack: unknown): string | undefined {
  if (typeof ack !== 'object' || ack === null || typeof (ack as { ok?: unknown }).ok !== 'boolean') return 'not an Ack envelope';
  const a = ack as { ok: boolean; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.ok) return 'data' in a ? undefined : 'ok without data';
  return errorProblem(a.error);
}

/** Why an ErrorBody (of an ack or a REST answer) is not a clean one. */
export function errorProblem(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== 'object') return 'no error body';
  if (!(ERROR_CODES as readonly unknown[]).includes(e.code)) return `unknown code ${String(e.code)}`;
  if (e.code === 'INTERNAL') return 'INTERNAL';
  if (typeof e.message !== 'string' || e.message.length === 0) return 'no message';
  if (LEAK.test(JSON.stringify(e))) return 'leaks internals';
  return undefined;
}

/** A short printable form of a payload for failure messages. */
export function preview(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && x.length > 80 ? `${x.slice(0, 40)}…(${x.length})` : x));
    return s === undefined ? String(v) : s.length > 400 ? `${s.slice(0, 400)}…` : s;
  } catch {
    return String(v);
  }
}
