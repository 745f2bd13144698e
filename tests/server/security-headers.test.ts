/**
 * The headers of our own answers: a strict CSP on the agent UI and the customer page (no inline
 * script or style, no framing, no plugins, no <base>, forms only to us), the demo page's host-site
 * policy, the push worker and attachments; nosniff and no referrer everywhere; HSTS only when
 * PUBLIC_URL is https. Needs the web build (`npx tsx scripts/build-web.ts`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResult } from '../../shared/api.js';
import { PUSH_SERVICE_WORKER_PATH } from '../../shared/alerts.js';
import { closeAllClients, connectVisitor, customerSession } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let https: TestServer;

beforeAll(async () => {
  [server, https] = await Promise.all([startTestServer(), startTestServer({ PUBLIC_URL: 'https://chat.example.test' })]);
});
afterAll(async () => {
  closeAllClients();
  await Promise.all([server?.stop(), https?.stop()]);
});

/** `default-src 'self'; img-src 'self' data:` -> { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] } */
function csp(header: string | null): Record<string, string[]> {
  expect(header, 'a Content-Security-Policy header').toBeTruthy();
  return Object.fromEntries(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** What both of our apps' pages must say. */
function expectStrictPagePolicy(headers: Headers): Record<string, string[]> {
  const p = csp(headers.get('content-security-policy'));
  expect(p['default-src']).toEqual(["'self'"]);
  expect(p['script-src']).toEqual(["'self'"]);
  expect(p['script-src-attr']).toEqual(["'none'"]);
  expect(p['style-src']).toEqual(["'self'"]);
  expect(p['object-src']).toEqual(["'none'"]);
  expect(p['base-uri']).toEqual(["'none'"]);
  expect(p['form-action']).toEqual(["'self'"]);
  expect(p['frame-ancestors']).toEqual(["'none'"]);
  expect(Object.values(p).flat()).not.toContain("'unsafe-inline'");
  expect(Object.values(p).flat()).not.toContain("'unsafe-eval'");
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  return p;
}

/** The page's HTML needs nothing its policy forbids: every script external, no <style>, no style attributes. */
function expectNothingInline(html: string): void {
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) expect(tag).toMatch(/\ssrc=/);
  expect(html).not.toMatch(/<style\b/i);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
}

describe('the agent UI and the customer page', () => {
  for (const [name, path] of [
    ['the agent UI', '/agent/'],
    ['a deep link into the agent UI', '/agent/tickets'],
    ['the customer page', '/tickets/'],
    ['a deep link into the customer page', '/tickets/0123456789abcdef01234567'],
  ] as const) {
    it(`${name} gets a strict policy and no framing`, async () => {
      const page = await get(`${server.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const p = expectStrictPagePolicy(page.headers);
      expect(p['upgrade-insecure-requests']).toBeUndefined();
      expect(page.headers.get('strict-transport-security')).toBeNull();
      expectNothingInline(page.text);
    });
  }

  it("the apps' built scripts write no style attributes, which the policy would block", () => {
    for (const app of ['agent', 'portal']) {
      const dir = join('dist', app, 'assets');
      const scripts = readdirSync(dir).filter((f) => f.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      for (const f of scripts) expect(readFileSync(join(dir, f), 'utf8'), `${app}/${f}`).not.toMatch(/\sstyle="/);
    }
  });

  it('their scripts and stylesheets are served as what they are, never sniffed', async () => {
    const html = (await get(`${server.url}/agent/`)).text;
    const asset = /src="(\/agent\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const sheet = /href="(\/agent\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(asset && sheet).toBeTruthy();
    const js = await get(`${server.url}${asset}`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await get(`${server.url}${sheet}`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});

describe('other answers', () => {
  it("the demo page carries the host site's example policy and needs nothing inline", async () => {
    const page = await get(`${server.url}/demo`);
    expect(page.status).toBe(200);
    const p = csp(page.headers.get('content-security-policy'));
    expect(p['script-src']).toEqual(["'self'", server.url]);
    expect(p['connect-src']).toEqual(["'self'", server.url, server.url.replace(/^http/, 'ws')]);
    expect(p['style-src']).toEqual(["'self'"]);
    expect(p['object-src']).toEqual(["'none'"]);
    expect(p['base-uri']).toEqual(["'none'"]);
    expect(p['frame-ancestors']).toEqual(["'none'"]);
    expect(Object.values(p).flat()).not.toContain("'unsafe-inline'");
    expectNothingInline(page.text);
    const css = await get(`${server.url}/demo.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('the push worker is a script any site may import, never sniffed', async () => {
    const sw = await get(`${server.url}${PUSH_SERVICE_WORKER_PATH}`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(sw.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sw.headers.get('access-control-allow-origin')).toBe('*');
    expect(sw.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    // Registered by our pages, it runs under our policy: it may reach nothing but us.
    const p = csp(sw.headers.get('content-security-policy'));
    expect(p['default-src']).toEqual(["'self'"]);
    expect(p['connect-src']).toEqual(["'self'"]);
  });

  it('an attachment is sandboxed: it can run nothing, load nothing, and be framed by no one', async () => {
    const visitor = await connectVisitor(server.url);
    const token = (await customerSession(visitor)).token;
    const form = new FormData();
    form.append('files', new Blob(['just text, honestly <script>alert(1)</script>']), 'note.txt');
    const up = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    expect(up.status).toBe(201);
    const id = ((await up.json()) as UploadResult).attachments[0]!.id;
    const file = await fetch(`${server.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    const p = csp(file.headers.get('content-security-policy'));
    expect(p['default-src']).toEqual(["'none'"]);
    expect(p.sandbox).toEqual([]);
    expect(p['frame-ancestors']).toEqual(["'none'"]);
    expect(p['script-src']).toBeUndefined();
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
  });

  it('API answers are never sniffed or framed, and name no server software', async () => {
    const res = await fetch(`${server.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(csp(res.headers.get('content-security-policy'))['frame-ancestors']).toEqual(["'none'"]);
  });
});

describe('with an https PUBLIC_URL', () => {
  it('pages add HSTS and upgrade-insecure-requests', async () => {
    for (const path of ['/agent/', '/tickets/', '/api/nothing-here']) {
      const res = await get(`${https.url}${path}`);
      const hsts = res.headers.get('strict-transport-security');
      expect(hsts, path).toMatch(/max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(hsts!)![1])).toBeGreaterThanOrEqual(365 * 24 * 3600);
      const p = csp(res.headers.get('content-security-policy'));
      expect(p['upgrade-insecure-requests']).toEqual([]);
    }
    expectStrictPagePolicy((await get(`${https.url}/agent/`)).headers);
  });

  it('plain http pages get neither (a browser would refuse plain http for a year)', async () => {
    const res = await get(`${server.url}/agent/`);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(csp(res.headers.get('content-security-policy'))['upgrade-insecure-requests']).toBeUndefined();
  });
});
