/**
 * The agent UI's parts of the widget's visitor features, in Chromium against the real server:
 * admins keep the list of official channels, agents read product feedback as it arrives (with
 * screenshots), and the site's own chat-form questions, set up by an admin, show with the chat.
 * Visitors are real sockets, so the test controls exactly what they send.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteDTO, UploadResult } from '../../shared/api.js';
import type { SyncResult } from '../../shared/types.js';
import type { FeedbackDTO, OfficialChannelDTO } from '../../shared/visitor-features.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { call, closeAllClients, connectVisitor, customerSession, login, ok, rest, type VisitorClient } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

// Enough feedback per visitor for a second page.
const e2e = useE2E({ env: { FEEDBACK_PER_HOUR: '100' } });

afterEach(() => closeAllClients());

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let seq = 0;
const cid = () => `agent-feedback-${Date.now().toString(36)}-${++seq}`;

async function adminPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' })).newPage();
  page.setDefaultTimeout(10_000);
  const errors = watchErrors(page);
  await signInAgent(page, e2e.server.url);
  return { page, errors };
}

/** Uploads a screenshot as the visitor, the way the widget does (its customer session token). */
async function uploadScreenshot(visitor: VisitorClient, name: string): Promise<string> {
  const { token } = await customerSession(visitor);
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(PNG)]), name);
  const res = await fetch(`${e2e.server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(201);
  return ((await res.json()) as UploadResult).attachments[0]!.id;
}

describe('official channels in the admin area', () => {
  it('an admin adds a domain and a Telegram account, sees them listed, is told about a duplicate by the field, and deletes one', async () => {
    const { page, errors } = await adminPage();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Official channels' }).click();
    await page.getByRole('heading', { name: 'Official channels' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/admin/official');
    await page.getByText('No official channels yet.').waitFor();

    // Nothing typed: the field says what is missing.
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByText('Enter the address.').waitFor();
    expect(await page.getByLabel('Address', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Kind').selectOption({ label: 'Domain' });
    expect(await page.getByLabel('Platform').count()).toBe(0);
    await page.getByLabel('Domain name').fill('www.Example-Shop.com');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByRole('status').getByText('Added the domain example-shop.com.').waitFor();
    const table = page.getByRole('table', { name: 'Official channels' });
    await table.getByRole('row', { name: /Domain example-shop\.com/ }).waitFor();

    // The same domain again: the server's refusal shows by the field, and what was typed stays.
    await page.getByLabel('Domain name').fill('example-shop.com');
    await page.getByRole('button', { name: 'Add channel' }).click();
    const valueError = page.locator('admin-official #official-value-error');
    await expect.poll(() => valueError.textContent()).toMatch(/already listed/);
    expect(await page.getByLabel('Domain name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Domain name').inputValue()).toBe('example-shop.com');

    // A social media account asks for its platform.
    await page.getByLabel('Kind').selectOption({ label: 'Social media account' });
    await page.getByLabel('Platform').selectOption({ label: 'Telegram' });
    await page.getByLabel('Account name').fill('@examplesupport');
    await page.getByLabel('Note for visitors (optional)').fill('Our support desk');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await table.getByRole('row', { name: /Account on Telegram @examplesupport Our support desk/ }).waitFor();

    // Delete the domain, after the confirmation.
    await table.getByRole('button', { name: 'Delete the domain example-shop.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the domain example-shop.com?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').getByText('Deleted the domain example-shop.com.').waitFor();
    await table.getByRole('row', { name: /example-shop\.com/ }).waitFor({ state: 'detached' });

    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    const stored = await rest<OfficialChannelDTO[]>(e2e.server.url, 'GET', '/api/admin/official-channels?siteKey=default', { token: admin.token });
    expect(stored.body.map((c) => ({ kind: c.kind, platform: c.platform, value: c.value, note: c.note }))).toEqual([
      { kind: 'handle', platform: 'telegram', value: 'examplesupport', note: 'Our support desk' },
    ]);
    // The browser logs the refused duplicate; nothing else went wrong.
    expect(errors).toEqual(['console: Failed to load resource: the server responded with a status of 409 (Conflict)']);
  }, 40_000);
});

describe('product feedback in the agent UI', () => {
  it('lists feedback with its average, loads older pages, and shows new feedback live with its score word, comment and screenshot', async () => {
    // 31 older ratings: one more than the first page holds.
    const old = await connectVisitor(e2e.server.url);
    for (let i = 0; i < 31; i++) {
      ok(await call<FeedbackDTO>(old, 'feedback:send', { clientId: cid(), score: i === 0 ? 1 : 5, comment: `Older note ${i + 1}` }));
    }

    const { page, errors } = await adminPage();
    // The top bar still fits 1280 px with the new link in it.
    const link = page.getByRole('link', { name: 'Feedback' });
    const box = await link.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);

    await link.click();
    expect(new URL(page.url()).hash).toBe('#/feedback');
    expect(await link.getAttribute('aria-current')).toBe('page');
    const view = page.locator('feedback-view');
    await view.getByRole('heading', { name: 'Product feedback' }).waitFor();
    // (1 + 30 × 5) / 31 = 4.87…
    await view.getByText('4.9 of 5 on average, from 31 ratings').waitFor();
    const items = view.getByRole('list', { name: 'Feedback, newest first' }).getByRole('article');
    await expect.poll(() => items.count()).toBe(30);
    await expect.poll(() => items.first().getByRole('heading').textContent()).toMatch(/Fantastic/);

    await view.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => items.count()).toBe(31);
    await view.getByText('That is all the feedback.').waitFor();
    await items.last().getByRole('heading', { name: /^Terrible\W+1 of 5$/ }).waitFor();
    await items.last().getByText('Older note 1', { exact: true }).waitFor();

    // A visitor sends feedback with a screenshot while the agent looks.
    const visitor = await connectVisitor(e2e.server.url);
    const screenshotId = await uploadScreenshot(visitor, 'checkout.png');
    const comment = '<b>Checkout</b> button hides behind the cookie banner';
    ok(await call<FeedbackDTO>(visitor, 'feedback:send', { clientId: cid(), score: 4, comment, screenshotIds: [screenshotId], pageUrl: 'https://shop.example/checkout' }));

    await expect.poll(() => items.count()).toBe(32);
    const newest = items.first();
    await newest.getByRole('heading', { name: /^Great\W+4 of 5$/ }).waitFor();
    // The comment is text: the markup shows as typed and makes no element.
    await newest.getByText(comment, { exact: true }).waitFor();
    expect(await newest.locator('b').count()).toBe(0);
    await newest.getByRole('link', { name: 'Page: https://shop.example/checkout' }).waitFor();
    // The screenshot is a thumbnail (loaded once scrolled near) that opens full size.
    await newest.scrollIntoViewIfNeeded();
    const thumb = newest.getByRole('img', { name: 'checkout.png' });
    await thumb.waitFor();
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await newest.getByRole('link', { name: 'checkout.png' }).getAttribute('target')).toBe('_blank');
    // The average and count follow: (1 + 30 × 5 + 4) / 32 = 4.84…
    await view.getByText('4.8 of 5 on average, from 32 ratings').waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('chat form fields in the conversation', () => {
  it('an admin adds a required "Account number" field to the chat form, and the visitor\'s answer shows with their chat', async () => {
    const { page, errors } = await adminPage();
    await page.goto(`${e2e.server.url}/agent/#/admin/site`);
    await page.getByRole('heading', { name: 'Site settings' }).waitFor();

    const customize = page.getByLabel('Customize the widget');
    if (!(await customize.isChecked())) await customize.check();
    const form = page.getByRole('group', { name: 'Chat form' });
    await form.getByLabel('Visitor’s email').selectOption({ label: 'Required' });
    await form.getByRole('button', { name: 'Add field' }).click();
    // Focus lands in the new field; the key follows the English label.
    await form.getByLabel('Label (English)').fill('Account number');
    expect(await form.getByLabel('Key', { exact: true }).inputValue()).toBe('account_number');
    await form.getByLabel('Required').check();

    // A second field without a label is explained before anything is sent; then removed.
    await form.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Enter the English label.').waitFor();
    await form.getByRole('button', { name: 'Remove: field 2' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Site settings saved.').waitFor();

    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    const site = (await rest<SiteDTO>(e2e.server.url, 'GET', '/api/admin/sites/default', { token: admin.token })).body;
    expect(site.widget?.prechat).toEqual({
      name: 'optional',
      email: 'required',
      fields: [{ key: 'account_number', label: { en: 'Account number' }, type: 'text', required: true }],
    });

    // A visitor answers the form; the agent sees the answer under its label.
    await page.getByRole('link', { name: 'Live chats' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const visitor = await connectVisitor(e2e.server.url);
    const started = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Karin', email: 'karin@example.test', fields: { account_number: '12345' } }));
    expect(started.conversation.visitor.fields).toEqual({ account_number: '12345' });
    await page.getByRole('button', { name: 'Accept chat from Karin' }).click();
    const view = page.locator('conversation-view');
    await view.getByRole('heading', { name: 'Karin' }).waitFor();
    await view.getByRole('list', { name: 'Chat form answers' }).getByText('Account number: 12345').waitFor();

    expect(errors).toEqual([]);
  }, 40_000);
});
