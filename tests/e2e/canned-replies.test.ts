/**
 * Canned replies, keyboard shortcuts and unread counts in the agent UI, in Chromium, against the
 * real server; the visitor is a real socket so the test can compare the exact text it receives.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDTO, SyncResult } from '../../shared/types.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { call, closeAllClients, connectVisitor, ok, record } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E();

afterEach(() => closeAllClients());

async function agentPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);
  const errors = watchErrors(page);
  await signInAgent(page, e2e.server.url);
  return { page, errors };
}

describe('canned replies in the agent UI', () => {
  it('an agent saves a reply, types "/" and its shortcut in a chat, and the visitor receives it with their name filled in', async () => {
    const { page, errors } = await agentPage();

    // The management screen, from the header.
    await page.getByRole('button', { name: 'Canned replies' }).click();
    const dialog = page.getByRole('dialog', { name: 'Canned replies' });
    await dialog.getByRole('button', { name: 'Add a reply' }).click();
    await dialog.getByLabel('Shortcut').fill('greet');
    await dialog.getByLabel('Title').fill('Greeting');
    await dialog.getByLabel('Text').fill('Hi {visitor.name}, this is {agent.name}. Your deposit is on its way.');
    await dialog.getByLabel('Everyone (shared)').check();
    await dialog.getByRole('button', { name: 'Save reply' }).click();
    await dialog.getByText('/greet').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await e2e.server.models.CannedReply.countDocuments({ shortcut: 'greet', scope: 'shared' })).toBe(1);

    const visitor = await connectVisitor(e2e.server.url);
    const received = record<MessageDTO>(visitor, 'message:created');
    const chat = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Vera' })).conversation;
    await page.getByRole('button', { name: 'Accept chat from Vera' }).waitFor();

    // Alt+N accepts the next waiting chat and puts the cursor in the reply box.
    await page.keyboard.press('Alt+KeyN');
    const reply = page.getByLabel('Reply to the customer', { exact: true });
    await expect.poll(() => reply.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);

    await reply.pressSequentially('/gre', { delay: 15 });
    const list = page.getByRole('listbox', { name: 'Canned replies' });
    await list.waitFor();
    const option = list.getByRole('option', { name: /\/greet/ });
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await reply.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    // The agent sees the final text before choosing it.
    const expected = 'Hi Vera, this is admin. Your deposit is on its way.';
    await option.getByText(expected).waitFor();

    await reply.press('Enter');
    await list.waitFor({ state: 'detached' });
    expect(await reply.inputValue()).toBe(expected);
    await reply.press('Enter');

    await received.until((items) => items.some((m) => m.author.type === 'agent' && m.body === expected));
    const stored = await e2e.server.models.Message.find({ conversationId: chat.id, authorType: 'agent' }).lean();
    expect(stored.map((m) => m.body)).toEqual([expected]);

    // "/" from outside the reply box opens the picker there; Escape closes it and keeps the text.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    await list.waitFor();
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await reply.inputValue()).toBe('/');
    expect(errors).toEqual([]);
  }, 60_000);

  it('unread counts show on every tab of the agent and clear everywhere once the chat is read in one', async () => {
    const one = await agentPage();
    const two = await agentPage();
    const visitor = await connectVisitor(e2e.server.url);
    const chat = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Uma' })).conversation;
    await one.page.getByRole('button', { name: 'Accept chat from Uma' }).click();
    await one.page.getByText('admin joined the chat').waitFor();

    // Tab one switches to the tickets; tab two has no chat open. Two messages arrive.
    await one.page.getByRole('link', { name: 'Tickets' }).click();
    for (const body of ['Are you there?', 'Hello?']) ok(await call(visitor, 'message:send', { conversationId: chat.id, clientId: `uma-${body.length}-${Date.now()}`, body }));
    const badge = (page: Page) => page.locator('queue-panel').getByRole('button', { name: /Uma/ }).locator('.unread-badge');
    await two.page.locator('queue-panel').getByRole('button', { name: /Uma/ }).waitFor();
    await expect.poll(() => badge(two.page).textContent(), { timeout: 10_000 }).toContain('2');

    // Back in the live chats, tab one shows the chat it had open: now read, on both tabs.
    await one.page.getByRole('link', { name: 'Live chats' }).click();
    await one.page.getByText('Hello?').waitFor();
    await expect.poll(() => badge(two.page).count(), { timeout: 10_000 }).toBe(0);
    expect(await badge(one.page).count()).toBe(0);
    expect(await e2e.server.models.ReadMarker.find({ conversationId: chat.id }).lean()).toMatchObject([{ seq: (await e2e.server.models.Conversation.findById(chat.id).lean())!.lastSeq }]);

    // The header's search finds the chat by its text (Ctrl+K goes there) and opens it.
    await two.page.getByRole('link', { name: 'Tickets' }).click();
    await two.page.keyboard.press('Control+KeyK');
    await two.page.keyboard.type('are you th');
    const result = two.page.getByRole('listbox', { name: 'Search results' }).getByRole('option', { name: /Uma/ });
    await result.click();
    await two.page.locator('conversation-view').getByRole('heading', { name: 'Uma' }).waitFor();
    expect(two.page.url()).toMatch(/#\/chats$/);
    expect(one.errors).toEqual([]);
    expect(two.errors).toEqual([]);
  }, 60_000);
});
