/**
 * Signing out of the agent UI ends the session on the server, not only in the browser: the token
 * the page held is refused afterwards (a copy of it, stolen before, is worthless), and "Sign out
 * everywhere" ends the agent's sessions on every other device too, closing their live sockets.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { closeAllClients, connectAgent, login, rest } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E();
afterEach(() => closeAllClients());

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' })).newPage();
  page.setDefaultTimeout(10_000);
  return { page, errors: watchErrors(page) };
}

const tokenIn = (page: Page) => page.evaluate(() => localStorage.getItem('chat-hybrid:agent-token'));
const meStatus = async (token: string) => (await rest(e2e.server.url, 'GET', '/api/auth/me', { token })).status;

async function openAccountMenu(page: Page, name: string) {
  await page.getByRole('button', { name: `Your account: ${name}` }).click();
  return page.getByRole('group', { name: 'Your account' });
}

describe('signing out of the agent UI', () => {
  it('"Sign out" revokes the token the page held; the agent\'s other sessions go on', async () => {
    const creds = await e2e.server.addAgent('Sigrid Signout');
    const elsewhere = await login(e2e.server.url, creds.email, creds.password);
    const { page, errors } = await newPage();
    await signInAgent(page, e2e.server.url, creds);
    const token = (await tokenIn(page))!;
    expect(await meStatus(token)).toBe(200);

    await (await openAccountMenu(page, 'Sigrid Signout')).getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await tokenIn(page)).toBeNull();
    // A copy of the token taken before sign-out no longer opens anything.
    await expect.poll(() => meStatus(token)).toBe(401);
    expect(await meStatus(elsewhere.token)).toBe(200);
    expect(errors).toEqual([]);
  }, 30_000);

  it('"Sign out everywhere" also ends the sessions of other devices and closes their sockets', async () => {
    const creds = await e2e.server.addAgent('Einar Everywhere');
    const phone = await login(e2e.server.url, creds.email, creds.password);
    const phoneSocket = await connectAgent(e2e.server.url, phone.token);
    const phoneClosed = new Promise<string>((resolve) => phoneSocket.once('disconnect', resolve));
    const { page, errors } = await newPage();
    await signInAgent(page, e2e.server.url, creds);
    const token = (await tokenIn(page))!;

    const menu = await openAccountMenu(page, 'Einar Everywhere');
    await menu.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await phoneClosed).toBe('io server disconnect');
    await expect.poll(() => meStatus(token)).toBe(401);
    expect(await meStatus(phone.token)).toBe(401);
    // Signing in again works as before.
    await signInAgent(page, e2e.server.url, creds);
    expect(await meStatus((await tokenIn(page))!)).toBe(200);
    expect(errors).toEqual([]);
  }, 30_000);
});
