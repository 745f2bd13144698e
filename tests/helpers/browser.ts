/** Debian's Chromium driven by playwright-core (never a downloaded browser). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN } from './server.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // Our machines have no outside network: keep Chromium from trying to reach it.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Collects what would show in the console as an error, so a test can insist there is none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

/**
 * A customer's site on another origin: `http://localhost:PORT/` while the chat server is reached
 * as 127.0.0.1, with a strict CSP that allows only the chat server, or the policy given.
 */
export async function startHostSite(chatUrl: string, attrs = '', csp?: string): Promise<{ url: string; close(): Promise<void> }> {
  const ws = chatUrl.replace(/^http/, 'ws');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        csp ?? `default-src 'self'; script-src 'self' ${chatUrl}; connect-src 'self' ${chatUrl} ${ws}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:`,
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host shop</title></head>
<body><h1>Host shop help page</h1><p>Questions? Use the chat.</p>
<script src="${chatUrl}/widget.js" async ${attrs}></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Signs in to the agent UI (as the admin unless told otherwise) and waits for the live queue. */
export async function signInAgent(page: Page, serverUrl: string, creds: { email: string; password: string } = ADMIN): Promise<void> {
  await page.goto(`${serverUrl}/agent/`);
  await page.getByLabel('Email').fill(creds.email);
  await page.getByLabel('Password').fill(creds.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
}
