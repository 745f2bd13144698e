/**
 * The widget's JavaScript API (`window.ChatHybrid`) and its header menu, on a customer's site of
 * another origin under a strict CSP: the host page opens and closes the panel, switches its
 * language, logs a user in and out, and hears about agent messages and new tickets; the visitor
 * picks a language and the chime from the menu by keyboard. Also: two copies of the script make
 * one launcher, and a screen whose chunk cannot be loaded offers a retry.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatHybridEventMap } from '../../widget/embed-contract.js';
import type { ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import { formatFindings, scanAccessibility } from '../helpers/axe.js';
import { startHostSite, watchErrors } from '../helpers/browser.js';
import { agentSession, call, closeAllClients, connectVisitor, login, ok, signUserToken, siteIdentitySecret, type AgentClient } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E();
let secret: string;
const hosts: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  secret = await siteIdentitySecret(e2e.server.url, (await login(e2e.server.url, ADMIN.email, ADMIN.password)).token);
});
afterEach(() => closeAllClients());
afterAll(async () => {
  for (const h of hosts) await h.close();
});

declare global {
  interface Window {
    /** What the host page's listeners heard, by event, in order. */
    heard: Array<{ event: string; detail: unknown }>;
    /** `chat-hybrid:ready` was dispatched. */
    ready: boolean;
  }
}

/** The host page with the API ready (the script is async) and a listener recording every event. */
async function hostPage(attrs = ''): Promise<{ page: Page; errors: string[] }> {
  const host = await startHostSite(e2e.server.url, attrs);
  hosts.push(host);
  const page = await (await e2e.browser.newContext()).newPage();
  const errors = watchErrors(page);
  // As a host page that loads the script async would: listen before it has run.
  await page.addInitScript(() => window.addEventListener('chat-hybrid:ready', () => (window.ready = !!window.ChatHybrid)));
  await page.goto(host.url);
  await listen(page);
  return { page, errors };
}

async function listen(page: Page): Promise<void> {
  await page.waitForFunction(() => window.ChatHybrid);
  await page.evaluate(() => {
    window.heard = [];
    for (const event of ['open', 'close', 'message', 'ticket', 'unread'] as const) {
      window.ChatHybrid!.on(event, (detail) => window.heard.push({ event, detail }));
    }
  });
}

const heard = <E extends keyof ChatHybridEventMap>(page: Page, event: E) =>
  page.evaluate((name) => window.heard.filter((h) => h.event === name).map((h) => h.detail), event) as Promise<Array<ChatHybridEventMap[E]>>;

/** The element focused, through the shadow roots: its accessible name or text, for assertions. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    return (el as HTMLInputElement).labels?.[0]?.textContent!.trim() || el.getAttribute('aria-label') || el.textContent!.trim();
  });

async function onlineAgent(name: string): Promise<AgentClient> {
  return (await agentSession(e2e.server.url, await e2e.server.addAgent(name))).socket;
}

async function conversationOf(visitorName: string): Promise<string> {
  await expect.poll(() => e2e.server.models.Conversation.exists({ visitorName })).toBeTruthy();
  return (await e2e.server.models.Conversation.findOne({ visitorName }).lean())!._id.toHexString();
}

describe('the JavaScript API', () => {
  it('opens the panel, switches it to German without a reload, logs a user in to their tickets, and closes with focus on the launcher', async () => {
    const token = signUserToken(secret, { sub: 'api-user-1', email: 'ada.api@example.test', name: 'Ada' });
    const device = await connectVisitor(e2e.server.url, undefined, { userToken: token });
    ok(await call<SyncResult>(device, 'ticket:create', { clientId: 'api-ticket-1', category: 'account', body: 'Please update my postal address' }));
    await onlineAgent('Olga');
    const { page, errors } = await hostPage();
    expect(await page.evaluate(() => window.ready)).toBe(true);
    // A host listener that throws is reported on the console and breaks nothing.
    await page.evaluate(() => window.ChatHybrid!.on('open', () => {
      throw new Error('host bug');
    }));

    await page.evaluate(() => window.ChatHybrid!.open());
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Your name (optional)');
    expect(await heard(page, 'open')).toHaveLength(1);
    expect(errors.filter((e) => e.includes('host bug'))).toHaveLength(1);

    await page.evaluate(() => window.ChatHybrid!.setLocale('de'));
    await page.getByRole('heading', { name: 'Chatten Sie mit uns' }).waitFor();
    await page.getByRole('button', { name: 'Chat starten' }).waitFor();
    expect(await page.getByRole('button', { name: 'Chat öffnen' }).count()).toBe(1);
    expect(await page.locator('chat-hybrid-widget').getAttribute('lang')).toBe('de');

    await page.evaluate((t) => window.ChatHybrid!.identify(t), token);
    await page.getByRole('button', { name: 'Meine Tickets' }).click();
    await page.getByText('Please update my postal address').waitFor();

    await page.evaluate(() => window.ChatHybrid!.close());
    await expect.poll(() => focused(page)).toBe('Chat öffnen');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await heard(page, 'close')).toHaveLength(1);
    expect(errors.filter((e) => !e.includes('host bug'))).toEqual([]);
  }, 60_000);

  it('calls made before the app has loaded apply when it mounts: the visitor logged in, in Czech', async () => {
    const token = signUserToken(secret, { sub: 'api-user-2', email: 'bo.api@example.test', name: 'Bo' });
    const device = await connectVisitor(e2e.server.url, undefined, { userToken: token });
    ok(await call<SyncResult>(device, 'ticket:create', { clientId: 'api-ticket-2', category: 'security', body: 'Was that login from Brno me?' }));
    const { page, errors } = await hostPage();
    await page.evaluate((t) => {
      window.ChatHybrid!.identify(t);
      window.ChatHybrid!.setLocale('cs-CZ');
      window.ChatHybrid!.toggle();
    }, token);
    await page.getByRole('button', { name: 'Moje požadavky' }).click();
    await page.getByText('Was that login from Brno me?').waitFor();
    expect(errors).toEqual([]);
  }, 60_000);

  it('tells the host page about agent messages, unread ones, and a ticket created; logging out forgets the conversation', async () => {
    const agent = await onlineAgent('Ines');
    const { page, errors } = await hostPage();
    await page.evaluate(() => window.ChatHybrid!.open());
    await page.getByLabel('Your name (optional)').fill('Api Visitor');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByLabel('Type your message').fill('Can I pay by invoice?');
    await page.getByLabel('Type your message').press('Enter');
    const conversationId = await conversationOf('Api Visitor');
    ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId }));
    await page.evaluate(() => window.ChatHybrid!.close());
    const reply = ok(await call<MessageDTO>(agent, 'message:send', { conversationId, clientId: 'api-reply-1', body: 'Yes, from the second order on.' }));

    await expect.poll(() => heard(page, 'message')).toEqual([
      { conversationId, body: 'Yes, from the second order on.', author: { type: 'agent', name: 'Ines' }, createdAt: reply.createdAt },
    ]);
    await expect.poll(() => heard(page, 'unread')).toEqual([{ count: 1 }]);

    // The agent turns the chat into a ticket: the host page hears its number.
    const converted = ok(await call<ConversationDTO>(agent, 'ticket:convert', { conversationId, category: 'other', priority: 'normal' }));
    await expect.poll(() => heard(page, 'ticket')).toEqual([{ conversationId, number: converted.ticket!.number }]);

    const before = await page.evaluate(() => localStorage.getItem('chat-hybrid:visitor-token'));
    expect(await page.evaluate(() => localStorage.getItem('chat-hybrid:default:conversation'))).toBe(conversationId);
    await page.evaluate(() => {
      window.ChatHybrid!.identify(null);
      window.ChatHybrid!.open();
    });
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    expect(await page.getByText('Yes, from the second order on.').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('chat-hybrid:default:conversation'))).toBeNull();
    const after = await page.evaluate(() => localStorage.getItem('chat-hybrid:visitor-token'));
    expect(after).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after).not.toBe(before);
    // The name they gave is not offered to whoever comes next.
    expect(await page.getByLabel('Your name (optional)').inputValue()).toBe('');
    expect(errors).toEqual([]);
  }, 60_000);

  it('a second copy of the script on the page makes no second launcher', async () => {
    await onlineAgent('Pia');
    const { page, errors } = await hostPage();
    await page.evaluate(
      (src) =>
        new Promise((resolve, reject) => {
          const copy = document.createElement('script');
          copy.src = src;
          copy.onload = resolve;
          copy.onerror = reject;
          document.body.append(copy);
        }),
      `${e2e.server.url}/widget.js`,
    );
    expect(await page.locator('chat-hybrid-widget').count()).toBe(1);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('the header menu', () => {
  it('by keyboard: the visitor picks Swedish, which the next page keeps over data-locale, and turns the sound on', async () => {
    await onlineAgent('Quinn');
    const { page, errors } = await hostPage('data-locale="de"');
    await page.getByRole('button', { name: 'Chat öffnen' }).click();
    await page.getByRole('button', { name: 'Chat starten' }).waitFor();
    const more = page.getByRole('button', { name: 'Mehr', exact: true });
    await more.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Mehr' });
    await menu.waitFor();
    // Each language is named in itself; the one shown is checked.
    expect(await menu.getByRole('menuitemradio', { name: 'Deutsch' }).getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => focused(page)).toBe('English');
    const findings = await scanAccessibility(page);
    expect(findings, formatFindings(findings)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await menu.count()).toBe(0);
    await expect.poll(() => focused(page)).toBe('Mehr');

    await page.keyboard.press('Enter');
    await menu.waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused(page)).toBe('Svenska');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Starta chatten' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Mer');
    expect(await page.getByRole('button', { name: 'Öppna chatten' }).count()).toBe(1);

    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focused(page)).toBe('Ljud');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => localStorage.getItem('chat-hybrid:default:sound'))).toBe('on');

    await page.reload();
    await page.getByRole('button', { name: 'Öppna chatten' }).click();
    await page.getByRole('button', { name: 'Starta chatten' }).waitFor();
    await page.getByRole('button', { name: 'Mer', exact: true }).click();
    expect(await page.getByRole('menuitemcheckbox', { name: 'Ljud' }).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Escape');

    // The chat started now carries the language, for routing and mails.
    await page.getByLabel('Ditt namn (valfritt)').fill('Sven Api');
    await page.getByRole('button', { name: 'Starta chatten' }).click();
    const conversationId = await conversationOf('Sven Api');
    expect((await e2e.server.models.Conversation.findById(conversationId).lean())!.locale).toBe('sv');
    expect(errors).toEqual([]);
  }, 60_000);

  it('opens product feedback and the official-channel check, each loaded when first shown, and goes back', async () => {
    await onlineAgent('Rita');
    const { page, errors } = await hostPage();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Is this really us?' }).click();
    await page.getByRole('heading', { name: 'Is this really us?' }).waitFor();
    await page.locator('chat-hybrid-official').waitFor();
    await page.getByRole('button', { name: 'Back' }).first().click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();

    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Product feedback' }).click();
    await page.getByRole('heading', { name: 'Product feedback' }).waitFor();
    await page.locator('chat-hybrid-feedback').waitFor();
    expect(errors).toEqual([]);
  }, 60_000);

  it('the host page restyles the launcher and the panel through ::part, and swaps the launcher icon for its own', async () => {
    await onlineAgent('Sara');
    const icon = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>')}`;
    const { page, errors } = await hostPage(`data-launcher-icon="${icon}"`);
    await page.addStyleTag({
      content: 'chat-hybrid-widget::part(launcher){background:rgb(1, 2, 3)} chat-hybrid-widget::part(header){background:rgb(4, 5, 6)} chat-hybrid-widget::part(title){color:rgb(7, 8, 9)}',
    });
    const launcher = page.getByRole('button', { name: 'Open chat' });
    expect(await launcher.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(1, 2, 3)');
    const img = launcher.locator('img');
    expect(await img.getAttribute('src')).toBe(icon);
    expect(await img.getAttribute('alt')).toBe('');
    await launcher.click();
    const title = page.getByRole('heading', { name: 'Chat with us' });
    expect(await title.evaluate((h) => getComputedStyle(h).color)).toBe('rgb(7, 8, 9)');
    expect(await title.evaluate((h) => getComputedStyle(h.closest('header')!).backgroundColor)).toBe('rgb(4, 5, 6)');
    expect(errors).toEqual([]);
  }, 60_000);

  it('works under a host policy that allows only the chat server: no style-src, no inline anything', async () => {
    const agent = await onlineAgent('Tove');
    const ws = e2e.server.url.replace(/^http/, 'ws');
    const host = await startHostSite(e2e.server.url, '', `default-src 'none'; script-src ${e2e.server.url}; connect-src ${e2e.server.url} ${ws}; img-src blob:`);
    hosts.push(host);
    const page = await (await e2e.browser.newContext()).newPage();
    const errors = watchErrors(page);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Your name (optional)').fill('Csp Visitor');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByLabel('Type your message').fill('Does this work on a locked-down page?');
    await page.getByLabel('Type your message').press('Enter');
    const conversationId = await conversationOf('Csp Visitor');
    ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId }));
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId, clientId: 'csp-reply-1', body: 'It does.' }));
    await page.getByText('It does.').waitFor();
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitemradio', { name: 'Deutsch' }).click();
    await page.getByRole('button', { name: 'Chat beenden' }).waitFor();
    // The panel is styled (constructed stylesheets need no style-src): the header wears the accent colour.
    expect(await page.getByRole('heading', { name: 'Chatten Sie mit uns' }).evaluate((h) => getComputedStyle(h.closest('header')!).backgroundColor)).toBe(
      'rgb(37, 99, 235)',
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it('a screen whose chunk cannot be loaded offers a retry, not an empty panel', async () => {
    const { page } = await hostPage();
    await page.route(/\/widget\/ticket-list-[^/]+\.js$/, (route) => route.abort());
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'My tickets' }).click();
    await page.getByRole('alert').getByText('This part of the chat could not be loaded.').waitFor();
    await page.unroute(/\/widget\/ticket-list-[^/]+\.js$/);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Open', exact: true }).waitFor();
  }, 60_000);
});
