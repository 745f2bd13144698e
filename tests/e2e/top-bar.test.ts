/**
 * The agent UI's top bar and unread badges in Chromium, against the real server: every control of
 * the top bar is whole and reachable at 1280×720 and on narrower screens (it wraps, it never
 * clips), and a chat's unread badge counts the customer's messages only.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationDTO, SyncResult } from '../../shared/types.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { call, closeAllClients, connectAgent, connectVisitor, login, ok } from '../helpers/clients.js';
import { ADMIN } from '../helpers/server.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E();

afterEach(() => closeAllClients());

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' })).newPage();
  page.setDefaultTimeout(10_000);
  return { page, errors: watchErrors(page) };
}

/** How far the page, and the top bar itself, are wider than the window (0: nothing is cut off or scrolls sideways). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const header = document.querySelector('agent-app')!.shadowRoot!.querySelector('header')!;
    return Math.max(document.documentElement.scrollWidth - window.innerWidth, header.scrollWidth - header.clientWidth);
  });

describe('the top bar', () => {
  it('fits 1280×720 with every control whole and named, wraps on narrower screens, and signs out from the account menu', async () => {
    const creds = await e2e.server.addAgent('Margarethe Lindqvist', 'admin');
    const { page, errors } = await newPage();
    await signInAgent(page, e2e.server.url, creds);
    await page.getByRole('button', { name: 'Your availability: Online' }).waitFor();

    const controls = [
      page.getByRole('link', { name: 'Live chats' }),
      page.getByRole('link', { name: 'Tickets' }),
      page.getByRole('link', { name: 'Admin' }),
      page.getByRole('combobox', { name: 'Search chats and tickets' }),
      page.getByRole('button', { name: 'Your availability: Online' }),
      page.getByRole('button', { name: 'Ratings, none yet' }),
      page.getByRole('link', { name: 'Feedback' }),
      page.getByRole('button', { name: 'Canned replies' }),
      page.getByRole('button', { name: 'Keyboard shortcuts' }),
      page.getByRole('button', { name: 'Alerts' }),
      page.getByRole('button', { name: 'Your account: Margarethe Lindqvist' }),
    ];
    for (const width of [1280, 1024, 800, 390]) {
      await page.setViewportSize({ width, height: 720 });
      await expect.poll(() => overflow(page), { message: `overflow at ${width}px` }).toBe(0);
      for (const control of controls) {
        const box = await control.boundingBox();
        expect(box, `${control} at ${width}px`).not.toBeNull();
        expect(box!.x, `${control} at ${width}px`).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, `${control} at ${width}px`).toBeLessThanOrEqual(width);
      }
    }

    // At 1280 px the agent's name is there in full, and the ratings star says nothing meaningless.
    await page.setViewportSize({ width: 1280, height: 720 });
    const name = page.locator('account-menu .name');
    expect(await name.textContent()).toBe('Margarethe Lindqvist');
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await page.locator('ratings-menu button.toggle').textContent()).not.toContain('–');

    // An icon button's tooltip shows on keyboard focus too.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).focus();
    expect(await page.locator('alerts-menu .tip').isVisible()).toBe(false);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('alerts-menu .tip').isVisible()).toBe(true);

    // The account menu: who is signed in, and "Sign out".
    await page.getByRole('button', { name: /^Your account/ }).click();
    const account = page.getByRole('group', { name: 'Your account' });
    await account.getByText(creds.email).waitFor();
    await page.keyboard.press('Escape');
    await account.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: /^Your account/ }).click();
    await account.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(errors).toEqual([]);
  }, 30_000);
});

describe('unread badges', () => {
  it('count the customer\'s messages only: a new chat with one visitor message shows 1, not its system lines', async () => {
    const { page, errors } = await newPage();
    await signInAgent(page, e2e.server.url);
    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    // The same agent on another device accepts the chat; this page never opens it.
    const device = await connectAgent(e2e.server.url, admin.token);
    const visitor = await connectVisitor(e2e.server.url);
    const started = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Nora' })).conversation;
    const chat = ok(await call<ConversationDTO>(device, 'conversation:accept', { conversationId: started.id }));
    ok(await call(visitor, 'message:send', { conversationId: chat.id, clientId: 'nora-message-1', body: 'Is my withdrawal on its way?' }));

    const row = page.getByRole('region', { name: 'My chats' }).getByRole('button', { name: /Nora/ });
    const badge = row.locator('.unread-badge');
    // "Chat started" and "admin joined the chat" are in the stream too; they are not unread messages.
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('1, 1 unread');

    // The agent's reply (from the other device) does not count; the customer's next message does.
    ok(await call(device, 'message:send', { conversationId: chat.id, clientId: 'admin-reply-1', body: 'Let me check.' }));
    ok(await call(visitor, 'message:send', { conversationId: chat.id, clientId: 'nora-message-2', body: 'Thanks!' }));
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('2, 2 unread');

    // Opened here: read everywhere.
    await row.click();
    await page.locator('conversation-view').getByText('Thanks!').waitFor();
    await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0);
    expect(errors).toEqual([]);
  }, 30_000);
});
