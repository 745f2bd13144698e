/**
 * Attachments in a live chat, in a real browser on a customer's page of another origin under its
 * strict CSP: a file dragged from the desktop onto the composer, and an image pasted into it.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO } from '../../shared/types.js';
import { watchErrors } from '../helpers/browser.js';
import { agentSession, call, ok, record } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E({ host: true });

/** A 1×1 PNG: the server decides an upload's type by its content. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('attachments in the widget', () => {
  it('a file dropped on the composer and an image pasted into it are sent with the message, and the agent gets both', async () => {
    const { socket: agent } = await agentSession(e2e.server.url, ADMIN);
    const page = await (await e2e.browser.newContext()).newPage();
    const errors = watchErrors(page);
    await page.goto(e2e.host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).click();
    const composer = page.getByLabel('Type your message');
    await composer.waitFor();

    const transfer = (name: string, type: string, base64: string) =>
      page.evaluateHandle(
        ([name, type, base64]) => {
          const data = new DataTransfer();
          data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
          return data;
        },
        [name, type, base64] as const,
      );
    // Dragged from the desktop: the drop lands on the composer.
    await composer.dispatchEvent('drop', { dataTransfer: await transfer('statement.txt', 'text/plain', btoa('Deposit 2026-11-20: 500 EUR\n')) });
    await page.getByRole('button', { name: 'Remove statement.txt' }).waitFor();
    // A screenshot pasted from the clipboard.
    // (Playwright's dispatchEvent has no ClipboardEvent; the page makes the one a paste makes.)
    const clipboard = await transfer('image.png', 'image/png', PNG);
    await composer.evaluate((el, clipboardData) => el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, composed: true, cancelable: true })), clipboard);
    await page.getByRole('button', { name: 'Remove image.png' }).waitFor();

    const queued = ok(await call<{ queued: ConversationDTO[] }>(agent, 'queue:list', {})).queued;
    expect(queued).toHaveLength(1);
    ok(await call(agent, 'conversation:accept', { conversationId: queued[0]!.id }));
    const received = record<MessageDTO>(agent, 'message:created');

    await composer.fill('My statement and a screenshot');
    await composer.press('Enter');
    const [message] = (await received.until((items) => items.some((m) => m.body === 'My statement and a screenshot'))).filter(
      (m) => m.body === 'My statement and a screenshot',
    );
    expect(message!.attachments).toMatchObject([
      { name: 'statement.txt', type: 'text/plain', inline: false },
      { name: 'image.png', type: 'image/png', inline: true },
    ]);
    // The visitor sees the image inline and the text file as a download, and the chips are gone.
    await page.getByRole('img', { name: 'image.png' }).waitFor();
    await page.getByRole('button', { name: /statement\.txt/ }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Remove image.png' }).count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
