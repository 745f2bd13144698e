/**
 * The browser-facing files: the widget (loaded by any site, so cross-origin readable), the agent
 * UI under /agent/, the customer page under /tickets/, and a demo host page.
 */
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PUSH_SERVICE_WORKER_PATH } from '../../shared/alerts.js';
import { AppError } from './errors.js';
import { cspHeader, PAGE_CSP } from './security-headers.js';

export function webRoutes(opts: { webDir: string; publicUrl: () => string }): Router {
  const r = Router();
  const widgetDir = join(opts.webDir, 'widget');
  const agentDir = join(opts.webDir, 'agent');
  const notBuilt = () => new AppError('UNAVAILABLE', 'The browser apps are not built; run "npm run build"');

  // Any site may load the widget: allow cross-origin reads, and keep caches short so a deploy
  // reaches visitors quickly (the file is small and revalidated with its ETag).
  const widgetHeaders = (res: express.Response) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', 'public, max-age=300');
  };
  r.get('/widget.js', (_req, res, next) => {
    const file = join(widgetDir, 'widget.js');
    if (!existsSync(file)) return next(notBuilt());
    widgetHeaders(res);
    res.sendFile(file);
  });
  // The push service worker: registered by our pages, and pulled with importScripts into a host
  // site's own worker (a worker must come from the page's origin; imported scripts may not).
  r.get(PUSH_SERVICE_WORKER_PATH, (_req, res, next) => {
    const file = join(opts.webDir, 'push', 'push-sw.js');
    if (!existsSync(file)) return next(notBuilt());
    widgetHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript');
    res.sendFile(file);
  });
  r.use('/widget', express.static(join(widgetDir, 'app'), { setHeaders: widgetHeaders, index: false }));

  r.use('/agent', express.static(agentDir, { index: 'index.html' }));
  r.get(/^\/agent(\/.*)?$/, (_req, res, next) => {
    const index = join(agentDir, 'index.html');
    if (!existsSync(index)) return next(notBuilt());
    res.sendFile(index);
  });

  // The customer page: guests from an email link, logged-in users from the widget. Tokens come in
  // the fragment, which never reaches a server, so nothing here sees them.
  const portalDir = join(opts.webDir, 'portal');
  const noReferrer = (res: express.Response) => res.setHeader('Referrer-Policy', 'no-referrer');
  r.use('/tickets', express.static(portalDir, { index: 'index.html', setHeaders: noReferrer }));
  r.get(/^\/tickets(\/.*)?$/, (_req, res, next) => {
    const index = join(portalDir, 'index.html');
    if (!existsSync(index)) return next(notBuilt());
    noReferrer(res);
    res.sendFile(index);
  });

  r.get('/demo', (_req, res) => {
    const origin = opts.publicUrl();
    const ws = origin.replace(/^http/, 'ws');
    // The CSP a host site needs for the widget (README), shown by example: nothing inline, the page's
    // own look from its stylesheet, the widget from the chat server.
    res.setHeader(
      'Content-Security-Policy',
      cspHeader({
        ...PAGE_CSP,
        'script-src': ["'self'", origin],
        'connect-src': ["'self'", origin, ws],
        'img-src': ["'self'", 'data:', 'blob:', origin],
      }),
    );
    res.type('html').send(demoPage(origin));
  });
  r.get('/demo.css', (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'public, max-age=300');
    res.send(DEMO_CSS);
  });
  return r;
}

const DEMO_CSS = `body { font-family: system-ui, sans-serif; margin: 0; color: #1f2933; background: #f7f8fa; }
header { background: #0b3d91; color: #fff; padding: 24px 32px; }
main { max-width: 720px; margin: 32px auto; padding: 0 16px; line-height: 1.6; }
code { background: #e4e7eb; padding: 2px 6px; border-radius: 4px; }
`;

function demoPage(origin: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Help Center (demo host page)</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<header><h1>Acme Help Center</h1><p>A page of a customer's site, embedding the chat widget.</p></header>
<main>
  <h2>How do I reset my password?</h2>
  <p>Open <em>Settings</em>, then <em>Security</em>, and choose <em>Reset password</em>.</p>
  <p>Still stuck? Click the chat bubble in the bottom-right corner to talk to us.</p>
  <p>This page includes the widget with one tag:<br>
  <code>&lt;script src="${origin}/widget.js" async&gt;&lt;/script&gt;</code></p>
</main>
<script src="${origin}/widget.js" async></script>
</body>
</html>`;
}
