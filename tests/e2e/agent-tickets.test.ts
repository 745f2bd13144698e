/**
 * The agents' side of tickets in a real browser: a chat turned into a ticket, worked in the ticket
 * view (internal note, status), with the customer hearing the public parts and nothing else.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationDTO, SyncResult } from '../../shared/types.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { call, connectVisitor, ok, record } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ mail: true });

describe('tickets in the agent UI', () => {
  it('an agent turns a chat into a ticket, adds an internal note and solves it; the customer sees the number and the status, never the note', async () => {
    const page = await (await e2e.browser.newContext()).newPage();
    const errors = watchErrors(page);
    await signInAgent(page, e2e.server.url);

    const visitor = await connectVisitor(e2e.server.url);
    const chat = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Petr', email: 'petr@example.test', locale: 'cs' })).conversation;
    ok(await call(visitor, 'message:send', { conversationId: chat.id, clientId: 'agent-e2e-v-1', body: 'I need my tax statement for 2025' }));
    const updates = record<ConversationDTO>(visitor, 'conversation:updated');
    const notesSeen = record<unknown>(visitor, 'note:created');

    await page.getByRole('button', { name: 'Accept chat from Petr' }).click();
    await page.getByText('I need my tax statement for 2025').first().waitFor();
    await page.getByRole('button', { name: 'Make ticket' }).click();
    await page.getByLabel('Category').selectOption({ label: 'Account' });
    await page.getByLabel('Priority').selectOption('high');
    await page.getByRole('dialog').getByRole('button', { name: 'Make ticket' }).click();

    const [converted] = await updates.until((xs) => xs.some((c) => c.ticket !== null));
    const number = (updates.items.find((c) => c.ticket) ?? converted!).ticket!.number;
    expect(updates.items.find((c) => c.ticket)!.ticket).toMatchObject({ category: 'account', priority: 'high', status: 'open', history: [] });

    await page.getByRole('link', { name: new RegExp(`Ticket #${number}`) }).first().click();
    await page.getByText(`#${number}`).first().waitFor();
    await page.getByRole('radio', { name: 'Internal note' }).check();
    await page.getByLabel('Internal note text').fill('Statements are generated on the 5th; promise Monday.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Statements are generated on the 5th; promise Monday.').first().waitFor();

    await page.getByLabel('Status').selectOption('solved');
    await updates.until((xs) => xs.some((c) => c.ticket?.status === 'solved'));
    const stored = await e2e.server.models.Conversation.findById(chat.id).lean();
    expect(stored!.history.map((h) => `${h.field}:${h.to}`)).toEqual(['status:open', 'status:solved']);

    const seen = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 }));
    expect(JSON.stringify(seen)).not.toContain('promise Monday');
    expect(notesSeen.items).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
