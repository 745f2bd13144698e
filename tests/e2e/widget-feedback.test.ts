/**
 * The widget's two screens behind its "More" menu, in a real browser on a customer's page of another
 * origin (strict CSP): product feedback with a rating, a comment and a screenshot dropped on the
 * form, which agents can list; and "Is this really us?", answered from the list an admin keeps.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_API } from '../../shared/api.js';
import type { FeedbackListResult, OfficialChannelDTO } from '../../shared/visitor-features.js';
import { watchErrors } from '../helpers/browser.js';
import { agentSession, call, login, ok, rest } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E({ host: true });

/** A 1×1 PNG: the server decides an upload's type by its content. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('widget feedback and official-channel check', () => {
  it('a visitor rates the product with a comment and a dropped screenshot, and agents see it; then checks who really is us', async () => {
    const page = await (await e2e.browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    const errors = watchErrors(page);
    await page.goto(e2e.host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();

    await page.getByRole('button', { name: 'More', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Product feedback' }).click();

    // Five worded choices in one radio group; arrow keys move the choice.
    const scale = page.getByRole('radiogroup', { name: 'How would you rate our product?' });
    const names = [...(await scale.ariaSnapshot()).matchAll(/- radio "([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['Terrible', 'Bad', 'Okay', 'Great', 'Fantastic']);
    await scale.getByText('Okay').click();
    await page.keyboard.press('ArrowRight');
    expect(await scale.getByRole('radio', { name: 'Great' }).isChecked()).toBe(true);
    await page.getByLabel('Comment (optional)').fill('The new charts are great, but the export button is hard to find.');

    // A screenshot dropped on the form, as a file dragged from the desktop arrives.
    const dataTransfer = await page.evaluateHandle((base64) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], 'export-button.png', { type: 'image/png' }));
      return transfer;
    }, PNG);
    await page.getByRole('group', { name: 'Add screenshots' }).dispatchEvent('drop', { dataTransfer });
    await page.getByRole('button', { name: 'Remove export-button.png' }).waitFor();

    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('chat-hybrid-feedback [role=status]').getByText('Thank you for your feedback!').waitFor();

    // Agents read it with its score, comment and screenshot.
    const { socket } = await agentSession(e2e.server.url, ADMIN);
    const list = ok(await call<FeedbackListResult>(socket, 'feedback:list', {}));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      score: 4,
      comment: 'The new charts are great, but the export button is hard to find.',
      screenshots: [{ name: 'export-button.png', type: 'image/png', inline: true }],
      locale: 'en',
    });

    // The admin's list of official channels.
    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    for (const body of [
      { kind: 'email', value: 'support@acme.com', note: 'Our support desk' },
      { kind: 'handle', platform: 'telegram', value: '@acme' },
    ]) {
      const res = await rest<OfficialChannelDTO>(e2e.server.url, 'POST', ADMIN_API.officialChannels, { token: admin.token, body });
      expect(res.status).toBe(201);
    }

    await page.locator('chat-hybrid-feedback').getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'More', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Is this really us?' }).click();
    const field = page.getByLabel('Email address, website or social media account');
    const result = page.locator('chat-hybrid-official [role=status]');

    // Enter checks; the answer is told in words beside its icon.
    await field.fill('Support@ACME.com');
    await field.press('Enter');
    await result.getByText('Yes — this is one of our official channels').waitFor();
    await result.getByText('support@acme.com — Our support desk').waitFor();

    await field.fill('acme-support@gmail.com');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await result.getByText('No — this is not one of our official channels').waitFor();
    await result.getByText(/never share codes, passwords or keys/).waitFor();

    // A bare handle is ours on the platforms listed only.
    await field.fill('@acme');
    await field.press('Enter');
    await result.getByText('@acme is ours only on Telegram; the same name anywhere else is not us.').waitFor();

    expect(errors).toEqual([]);
  }, 60_000);
});
