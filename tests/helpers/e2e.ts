/**
 * The setup every browser test file shares: the real app on port 0 (with a real SMTP catcher when
 * asked), optionally a customer's host site on another origin, and Chromium; all of it closed after
 * the file. Registers its own beforeAll/afterAll, so call it once at the top level of a test file.
 * A file's own hooks registered after it run after its beforeAll and, hooks being a stack, before
 * its afterAll.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { closeAllClients } from './clients.js';
import { launchChromium, startHostSite } from './browser.js';
import { startMailCatcher, type MailCatcher } from './mail.js';
import { startTestServer, type TestServer } from './server.js';

export interface E2EOptions {
  /** Start a mail catcher and point the server's SMTP_URL at it. */
  mail?: boolean;
  /** Start one host site (see startHostSite) for the server's widget. */
  host?: boolean;
  /** Extra environment for the server. */
  env?: Record<string, string>;
}

export type HostSite = Awaited<ReturnType<typeof startHostSite>>;

/** Getters, valid from the file's first beforeAll on; asking for what was not started throws. */
export interface E2E {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly mail: MailCatcher;
  readonly host: HostSite;
}

export function useE2E(opts: E2EOptions = {}): E2E {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let mail: MailCatcher | undefined;
  let host: HostSite | undefined;

  beforeAll(async () => {
    if (opts.mail) mail = await startMailCatcher();
    server = await startTestServer({ ...(mail ? { SMTP_URL: mail.url } : {}), ...opts.env });
    if (opts.host) host = await startHostSite(server.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    closeAllClients();
    await browser?.close();
    await host?.close();
    await server?.stop();
    await mail?.close();
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useE2E: no ${what} (not asked for, or used before beforeAll)`);
    return value;
  };
  return {
    get server() {
      return need(server, 'server');
    },
    get browser() {
      return need(browser, 'browser');
    },
    get mail() {
      return need(mail, 'mail catcher (pass { mail: true })');
    },
    get host() {
      return need(host, 'host site (pass { host: true })');
    },
  };
}
