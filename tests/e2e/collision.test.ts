/**
 * Collision warnings in a real browser: two agents with the same conversation open see each other
 * ("Ida is also viewing"), and what one types shows to the other ("Ida is typing…").
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SyncResult } from '../../shared/types.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { call, connectVisitor, ok } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E();

async function agentPage(name: string): Promise<{ page: Page; errors: string[] }> {
  const creds = await e2e.server.addAgent(name);
  const page = await (await e2e.browser.newContext()).newPage();
  const errors = watchErrors(page);
  await signInAgent(page, e2e.server.url, creds);
  return { page, errors };
}

/** The collision bar of the open conversation or ticket (a polite live region). */
const warning = (page: Page) => page.locator('p.collision[role=status]');

describe('collision warnings in the agent UI', () => {
  it('two agents open the same chat: each sees the other viewing, and one typing shows to the other', async () => {
    const [ida, max] = [await agentPage('Ida'), await agentPage('Max')];
    const visitor = await connectVisitor(e2e.server.url);
    const chat = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Vera' })).conversation;
    ok(await call(visitor, 'message:send', { conversationId: chat.id, clientId: 'collision-e2e-1', body: 'Where is my parcel?' }));

    // Max looks at the waiting chat; Ida takes it. Max's view stays open (read-only).
    await max.page.locator('queue-panel button.open', { hasText: 'Vera' }).click();
    await max.page.getByText('Where is my parcel?').first().waitFor();
    await ida.page.getByRole('button', { name: 'Accept chat from Vera' }).click();
    await ida.page.getByText('Where is my parcel?').first().waitFor();

    await expect.poll(() => warning(max.page).textContent(), { timeout: 10_000 }).toContain('Ida is also viewing');
    await expect.poll(() => warning(ida.page).textContent(), { timeout: 10_000 }).toContain('Max is also viewing');

    await ida.page.getByRole('textbox', { name: 'Reply' }).pressSequentially('Let me check', { delay: 20 });
    await expect.poll(() => warning(max.page).textContent(), { timeout: 10_000 }).toContain('Ida is typing…');
    // Ida's own bar never names herself.
    expect(await warning(ida.page).textContent()).not.toContain('Ida');

    // After a few seconds without a keystroke she no longer counts as typing, but still as viewing.
    await expect.poll(() => warning(max.page).textContent(), { timeout: 10_000 }).toContain('Ida is also viewing');

    // Max leaves for the ticket list: his view closes, and Ida's warning goes.
    await max.page.getByRole('link', { name: 'Tickets' }).click();
    await expect.poll(async () => (await warning(ida.page).textContent())?.trim(), { timeout: 10_000 }).toBe('');

    expect(ida.errors).toEqual([]);
    expect(max.errors).toEqual([]);
    await ida.page.context().close();
    await max.page.context().close();
  }, 60_000);

  it('two agents on the same ticket: the one writing a reply shows as typing to the other', async () => {
    const [ida, max] = [await agentPage('Ida'), await agentPage('Max')];
    const visitor = await connectVisitor(e2e.server.url);
    const ticket = ok(
      await call<SyncResult>(visitor, 'ticket:create', { clientId: 'collision-e2e-t1', email: 'ole@example.test', name: 'Ole', category: 'account', body: 'I cannot sign in' }),
    ).conversation;

    for (const { page } of [ida, max]) {
      await page.goto(`${e2e.server.url}/agent/#/tickets/${ticket.id}`);
      await page.getByText('I cannot sign in').first().waitFor();
    }
    await expect.poll(() => warning(ida.page).textContent(), { timeout: 10_000 }).toContain('Max is also viewing');

    await max.page.getByRole('textbox', { name: 'Reply to the customer' }).pressSequentially('Have you tried', { delay: 20 });
    await expect.poll(() => warning(ida.page).textContent(), { timeout: 10_000 }).toContain('Max is typing…');

    // Closing the tab counts: Max is gone from Ida's warning.
    await max.page.context().close();
    await expect.poll(async () => (await warning(ida.page).textContent())?.trim(), { timeout: 10_000 }).toBe('');
    expect(ida.errors).toEqual([]);
    expect(max.errors).toEqual([]);
    await ida.page.context().close();
  }, 60_000);
});
