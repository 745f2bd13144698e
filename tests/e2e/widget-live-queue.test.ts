/**
 * What the widget shows of the live queue, pushed by the server without a reload: the waiting
 * visitor's place in the queue, and the start screen switching between the chat form and the
 * offline form as agents come and go.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ConversationDTO, SyncResult } from '../../shared/types.js';
import { agentSession, call, connectVisitor, ok } from '../helpers/clients.js';
import { watchErrors } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E();

async function openWidget(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext({ locale: 'en-US' })).newPage();
  page.setDefaultTimeout(8_000);
  const errors = watchErrors(page);
  await page.goto(`${e2e.server.url}/demo`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  return { page, errors };
}

/** The header's status line of the chat panel. */
const status = (page: Page) => page.locator('chat-hybrid-panel .status');

describe('the live queue in the widget', () => {
  it('a waiting visitor sees their place in the queue, and it moves up when the chat before is taken', async () => {
    const creds = await e2e.server.addAgent('Quinn');
    const agent = (await agentSession(e2e.server.url, creds)).socket;
    const first = await connectVisitor(e2e.server.url);
    const ahead = ok(await call<SyncResult>(first, 'conversation:start', { name: 'First' })).conversation;

    const { page, errors } = await openWidget();
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText(/^You are number 2 in the queue/).waitFor();

    ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId: ahead.id }));
    await page.getByText(/^You are number 1 in the queue/).waitFor();
    // Without enough history there is no estimate, and none is made up; with one, it is in minutes.
    expect(await status(page).textContent()).toMatch(/^You are number 1 in the queue( · about \d+ minutes?)?$/);
    // The status line is a live region: screen readers hear the new place.
    expect(await status(page).getAttribute('aria-live')).toBe('polite');
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    agent.disconnect();
  }, 30_000);

  it('the start screen switches to the offline form when the last agent leaves, and back when one comes', async () => {
    const creds = await e2e.server.addAgent('Ray');
    let agent = (await agentSession(e2e.server.url, creds)).socket;
    const { page, errors } = await openWidget();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();

    agent.disconnect();
    await page.getByText('No one is online right now. Leave us a message and we will get back to you.').waitFor();
    expect(await page.getByRole('button', { name: 'Start chat' }).count()).toBe(0);

    agent = (await agentSession(e2e.server.url, creds)).socket;
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    agent.disconnect();
  }, 30_000);
});
