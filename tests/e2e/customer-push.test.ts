/**
 * How a logged-in customer hears about their tickets, in a real Chromium: email alerts on the
 * customer page and in the widget, and browser notifications turned on from a click.
 *
 * Chromium's own push service (FCM) is out of reach here, and headless Chromium refuses
 * `pushManager.subscribe` outright. So the tests check what a real browser does up to that point
 * (permission, the worker registered at the right path and scope, a clear error instead of a hang),
 * and one test stands the local push service (tests/helpers/push-service.ts) in for the browser's:
 * `PushManager` hands out the local service's subscription, and everything after it is real (the
 * page, the server, VAPID, encryption, the payload the worker would show).
 */
import { createServer, type Server } from 'node:http';
import { globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSettingsDTO, PushPayload } from '../../shared/alerts.js';
import type { SyncResult } from '../../shared/types.js';
import { watchErrors } from '../helpers/browser.js';
import { agentSession, call, connectVisitor, login, ok, signUserToken, siteIdentitySecret, ticketLinkFor, type AgentClient } from '../helpers/clients.js';
import { startPushService, type PushService } from '../helpers/push-service.js';
import { ADMIN } from '../helpers/server.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ mail: true });
let push: PushService;
let identitySecret: string;
let agent: AgentClient;
const contexts: BrowserContext[] = [];
const hosts: Server[] = [];

beforeAll(async () => {
  push = await startPushService();
  // web-push always speaks TLS: trust the local push service's certificate (as in tests/server/alerts.test.ts).
  globalAgent.options.ca = push.ca;
  identitySecret = await siteIdentitySecret(e2e.server.url, (await login(e2e.server.url, ADMIN.email, ADMIN.password)).token);
  agent = (await agentSession(e2e.server.url, await e2e.server.addAgent('Petra'))).socket;
});
afterAll(async () => {
  for (const h of hosts) await new Promise((resolve) => h.close(resolve));
  await push?.close();
});

/** Chromium's own console error when a page of an off-the-record context (every Playwright context) subscribes. */
const INCOGNITO_PUSH = /does not support the Push API in incognito mode/;

let seq = 0;
/** A host site's logged-in user, as its backend signs them. */
function newUser(): { sub: string; token: string } {
  const sub = `push-user-${Date.now().toString(36)}-${++seq}`;
  return { sub, token: signUserToken(identitySecret, { sub, email: `${sub}@example.test`, name: 'Ada' }) };
}

/** What the server holds for the user, asked over a socket of their own (then closed, so the user counts as away). */
async function alertsOf(token: string): Promise<AlertSettingsDTO> {
  const socket = await connectVisitor(e2e.server.url, undefined, { userToken: token });
  try {
    return ok(await call<AlertSettingsDTO>(socket, 'alerts:get', {}));
  } finally {
    socket.disconnect();
  }
}

async function ticketOf(token: string, body: string) {
  const socket = await connectVisitor(e2e.server.url, undefined, { userToken: token });
  try {
    return ok(await call<SyncResult>(socket, 'ticket:create', { clientId: `push-e2e-${++seq}`, category: 'security', body })).conversation;
  } finally {
    socket.disconnect();
  }
}

async function newContext(permissionsFor?: string): Promise<BrowserContext> {
  const context = await e2e.browser.newContext();
  contexts.push(context);
  if (permissionsFor) await context.grantPermissions(['notifications'], { origin: permissionsFor });
  return context;
}

/** The customer page, entered the way the widget's "Open in full page" link enters it. */
async function openPortal(context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${e2e.server.url}/tickets/#site=default&token=${encodeURIComponent(token)}`);
  await page.getByRole('heading', { name: 'My tickets' }).waitFor();
  return page;
}

async function openSettings(page: Page): Promise<void> {
  await page.locator('summary', { hasText: 'Notifications' }).click();
  await page.getByLabel('Email me when a ticket is updated').waitFor();
}

/** The push worker registered for `clientUrl` in the page, if any: its scope, script and state. */
function registrationIn(page: Page, clientUrl: string) {
  return page.evaluate(async (url) => {
    const r = await navigator.serviceWorker.getRegistration(url);
    const w = r?.active ?? r?.waiting ?? r?.installing;
    return r ? { scope: r.scope, script: w?.scriptURL ?? null, state: w?.state ?? null } : null;
  }, clientUrl);
}

describe('alerts of a logged-in customer on the customer page', () => {
  it('turns email alerts off; the server keeps it, and the page shows it again after a reload', async () => {
    const user = newUser();
    const page = await openPortal(await newContext(), user.token);
    const errors = watchErrors(page);
    await openSettings(page);
    const email = page.getByLabel('Email me when a ticket is updated');
    expect(await email.isChecked()).toBe(true);
    await email.uncheck();
    await expect.poll(async () => (await alertsOf(user.token)).email).toBe(false);

    await page.reload();
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    await openSettings(page);
    await page.getByText('Off in this browser.').waitFor();
    expect(await page.getByLabel('Email me when a ticket is updated').isChecked()).toBe(false);
    // Nothing was asked or registered without a click.
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    expect(await registrationIn(page, '/tickets/')).toBeNull();
    expect(errors).toEqual([]);
  }, 30_000);

  it('"Turn on browser notifications" registers /push-sw.js for /tickets/ and, when the browser cannot subscribe, says so', async () => {
    const user = newUser();
    const ticket = await ticketOf(user.token, 'Is my card blocked?');
    const page = await openPortal(await newContext(e2e.server.url), user.token);
    const errors = watchErrors(page);
    await openSettings(page);
    await page.getByText('Off in this browser.').waitFor();

    const started = Date.now();
    await page.getByRole('button', { name: 'Turn on browser notifications' }).click();
    // Headless Chromium refuses at once; a browser that never answers gets the timeout's words.
    await page
      .getByRole('alert')
      .filter({ hasText: /could not set up notifications|did not respond/ })
      .waitFor({ timeout: 20_000 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await registrationIn(page, '/tickets/')).toEqual({ scope: `${e2e.server.url}/tickets/`, script: `${e2e.server.url}/push-sw.js`, state: 'activated' });
    await page.getByText('Off in this browser.').waitFor();
    expect((await alertsOf(user.token)).pushSubscriptions).toBe(0);

    // A notification clicked while this page is open: the worker posts where to go (a synthetic
    // message here: a real click on a notification is beyond a headless browser).
    await page.evaluate((url) => {
      navigator.serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: 'chat-hybrid:navigate', url } }));
    }, `${e2e.server.url}/tickets/${ticket.id}`);
    await page.waitForURL(`${e2e.server.url}/tickets/${ticket.id}`);
    await page.getByText('Is my card blocked?').first().waitFor();
    expect(errors.filter((e) => !INCOGNITO_PUSH.test(e))).toEqual([]);
  }, 30_000);

  it('with the local push service standing in for the browser’s: on, off and on again, and an agent’s reply arrives as a push', async () => {
    const user = newUser();
    const ticket = await ticketOf(user.token, 'Where is my refund?');
    const sub = push.subscribe();
    const context = await newContext(e2e.server.url);
    await context.addInitScript((s: { endpoint: string; keys: { p256dh: string; auth: string } }) => {
      const w = window as unknown as { subscribedWith: string[]; unsubscribed: number };
      w.subscribedWith = [];
      w.unsubscribed = 0;
      let current: PushSubscription | null = null;
      PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
        const key = new Uint8Array(options!.applicationServerKey as Uint8Array);
        w.subscribedWith.push(btoa(String.fromCharCode(...key)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
        current = {
          endpoint: s.endpoint,
          expirationTime: null,
          toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: s.keys }),
          unsubscribe: async () => {
            current = null;
            w.unsubscribed++;
            return true;
          },
        } as unknown as PushSubscription;
        return current;
      };
      PushManager.prototype.getSubscription = async () => current;
    }, sub);
    const page = await openPortal(context, user.token);
    const errors = watchErrors(page);
    await openSettings(page);

    await page.getByRole('button', { name: 'Turn on browser notifications' }).click();
    await page.getByText('On in this browser.').waitFor();
    const on = await alertsOf(user.token);
    expect(on).toMatchObject({ push: true, pushSubscriptions: 1 });
    // The page handed the server's VAPID key to the browser, byte for byte.
    expect(await page.evaluate(() => (window as unknown as { subscribedWith: string[] }).subscribedWith)).toEqual([on.vapidPublicKey]);

    await page.getByRole('button', { name: 'Turn off browser notifications' }).click();
    await page.getByText('Off in this browser.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { unsubscribed: number }).unsubscribed)).toBe(1);
    expect(await alertsOf(user.token)).toMatchObject({ push: false, pushSubscriptions: 0 });

    await page.getByRole('button', { name: 'Turn on browser notifications' }).click();
    await page.getByText('On in this browser.').waitFor();
    expect(errors).toEqual([]);
    // The customer leaves; the agent's reply reaches them as a push, through VAPID and encryption.
    await page.close();
    ok(await call(agent, 'message:send', { conversationId: ticket.id, clientId: `push-e2e-agent-${++seq}`, body: 'Your refund left today.' }));
    const got = await push.waitFor((p) => p.endpoint === sub.endpoint, 15_000);
    const payload = got.json as PushPayload;
    expect(payload).toMatchObject({ v: 1, kind: 'ticket-update', url: `${e2e.server.url}/tickets/${ticket.id}` });
    expect(got.vapidPublicKey).toBe(on.vapidPublicKey);
  }, 40_000);

  it('a browser whose push service never answers gets a clear message after the timeout, not a button that hangs', async () => {
    const user = newUser();
    const context = await newContext(e2e.server.url);
    // As a Chromium whose push service (FCM) is unreachable may behave: subscribe never settles.
    await context.addInitScript(() => {
      PushManager.prototype.subscribe = () => new Promise<PushSubscription>(() => {});
    });
    const page = await openPortal(context, user.token);
    await openSettings(page);
    const started = Date.now();
    await page.getByRole('button', { name: 'Turn on browser notifications' }).click();
    await page.getByText('One moment…').waitFor();
    await page.getByRole('alert').filter({ hasText: 'Your browser’s notification service did not respond.' }).waitFor({ timeout: 20_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(14_000);
    await page.getByText('Off in this browser.').waitFor();
    expect((await alertsOf(user.token)).pushSubscriptions).toBe(0);
  }, 30_000);

  it('guests see no notification settings: their ticket’s email is how they are told', async () => {
    const email = `guest-${++seq}@example.test`;
    const visitor = await connectVisitor(e2e.server.url);
    ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: `push-e2e-guest-${seq}`, email, category: 'account', body: 'Cannot change my password', locale: 'en' }));
    visitor.disconnect();
    const link = await ticketLinkFor(e2e.mail, email);

    const page = await (await newContext(e2e.server.url)).newPage();
    await page.goto(`${e2e.server.url}/tickets/#t=${link}`);
    const before = e2e.mail.messages.length;
    await page.getByRole('button', { name: 'Send code' }).click();
    const codeMail = await e2e.mail.waitFor((m) => e2e.mail.messages.indexOf(m) >= before && m.to.includes(email) && /^\s*\d{6}\s*$/m.test(m.text));
    await page.getByLabel('Code').fill(/^\s*(\d{6})\s*$/m.exec(codeMail.text)![1]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Cannot change my password').first().waitFor();

    expect(await page.locator('summary', { hasText: 'Notifications' }).count()).toBe(0);
    expect(await page.getByText('Email me when a ticket is updated').count()).toBe(0);
    expect(await page.getByRole('button', { name: /browser notifications/i }).count()).toBe(0);
    expect(await registrationIn(page, '/tickets/')).toBeNull();
  }, 30_000);
});

/**
 * A host site on another origin (localhost vs 127.0.0.1) that serves its own one-line push worker
 * at /chat-push-sw.js, as embed-contract.ts tells hosts to.
 */
async function startPushHost(): Promise<string> {
  const chat = e2e.server.url;
  const ws = chat.replace(/^http/, 'ws');
  const host = createServer((req, res) => {
    if (req.url === '/chat-push-sw.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(`importScripts('${chat}/push-sw.js');\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://host');
    const attrs = url.searchParams.get('attrs') ?? '';
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src 'self' ${chat}; connect-src 'self' ${chat} ${ws}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:`,
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host shop</title></head>
<body><h1>Host shop</h1><script src="${chat}/widget.js" async ${attrs}></script></body></html>`);
  });
  hosts.push(host);
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  return `http://localhost:${(host.address() as AddressInfo).port}`;
}

describe('alerts of a logged-in user in the widget', () => {
  it('"My tickets" offers the email switch, and browser notifications only when the host serves a push worker', async () => {
    const user = newUser();
    await ticketOf(user.token, 'Two-factor codes arrive late');
    const host = await startPushHost();
    const page = await (await newContext(host)).newPage();
    const errors = watchErrors(page);
    await page.goto(`${host}/?attrs=${encodeURIComponent(`data-user-token="${user.token}" data-push-sw="/chat-push-sw.js"`)}`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'My tickets' }).click();
    await page.getByText('Two-factor codes arrive late').first().waitFor();

    const email = page.getByLabel('Email me when a ticket is updated');
    expect(await email.isChecked()).toBe(true);
    await email.uncheck();
    await expect.poll(async () => (await alertsOf(user.token)).email).toBe(false);
    expect(await registrationIn(page, '/')).toBeNull();

    const button = page.getByRole('button', { name: 'Browser notifications' });
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    await button.click();
    await page.getByRole('alert').filter({ hasText: 'That did not work. Please try again later.' }).waitFor({ timeout: 20_000 });
    // The host's worker, registered with its default scope, pulled ours in (a failed importScripts fails the registration).
    expect(await registrationIn(page, '/')).toEqual({ scope: `${host}/`, script: `${host}/chat-push-sw.js`, state: 'activated' });
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect(errors.filter((e) => !INCOGNITO_PUSH.test(e))).toEqual([]);

    // Without the attribute: email only.
    const plain = await (await newContext(host)).newPage();
    await plain.goto(`${host}/?attrs=${encodeURIComponent(`data-user-token="${user.token}"`)}`);
    await plain.getByRole('button', { name: 'Open chat' }).click();
    await plain.getByRole('button', { name: 'My tickets' }).click();
    await plain.getByLabel('Email me when a ticket is updated').waitFor();
    expect(await plain.getByLabel('Email me when a ticket is updated').isChecked()).toBe(false);
    expect(await plain.getByRole('button', { name: 'Browser notifications' }).count()).toBe(0);
  }, 40_000);
});
