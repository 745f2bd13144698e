/**
 * The site's own pre-chat form in a real browser on a host page of another origin: the admin asks
 * for an account number and a topic; a visitor who leaves the number out is told so on that field
 * (announced, focused), and once they answer, the agent sees the answers with the chat.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDTO } from '../../shared/api.js';
import type { ConversationDTO, QueueSnapshot } from '../../shared/types.js';
import { startHostSite, watchErrors } from '../helpers/browser.js';
import { agentSession, call, login, ok, record, rest, type AgentClient } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E();
const hosts: Array<{ close(): Promise<void> }> = [];
let agent: AgentClient;

beforeAll(async () => {
  // An agent online, so the widget offers a live chat rather than the offline form.
  agent = (await agentSession(e2e.server.url, await e2e.server.addAgent('Petra'))).socket;
  const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
  const res = await rest<SiteDTO>(e2e.server.url, 'PATCH', '/api/admin/sites/default', {
    token: admin.token,
    body: {
      widget: {
        color: '#1f6feb',
        position: 'right',
        greeting: {},
        offlineMessage: {},
        languages: [],
        prechat: {
          name: 'optional',
          email: 'hidden',
          fields: [
            { key: 'account', label: { en: 'Account number', de: 'Kontonummer' }, type: 'text', required: true },
            { key: 'topic', label: { en: 'Topic', de: 'Thema' }, type: 'select', required: false, options: ['Deposits', 'Withdrawals', 'Other'] },
            { key: 'backup_email', label: { en: 'Backup email' }, type: 'email', required: false },
          ],
        },
      },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});
afterAll(async () => {
  for (const h of hosts) await h.close();
});

async function widgetPage(locale: 'de' | 'en'): Promise<Page> {
  const host = await startHostSite(e2e.server.url, `data-locale="${locale}"`);
  hosts.push(host);
  const page = await (await e2e.browser.newContext({ reducedMotion: 'reduce' })).newPage();
  page.setDefaultTimeout(8_000);
  await page.goto(host.url);
  return page;
}

/** The focused element through the shadow roots, by its label. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return (el as HTMLInputElement | null)?.labels?.[0]?.textContent?.trim() ?? null;
  });

describe('the pre-chat form', () => {
  it('a visitor who leaves the account number out is told on that field; with it the agent sees the answers', async () => {
    const updates = record<ConversationDTO>(agent, 'conversation:updated');
    ok(await call(agent, 'queue:list', {}));

    const page = await widgetPage('en');
    const errors = watchErrors(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const account = page.getByLabel('Account number');
    await account.waitFor();
    // The site hides the email; its optional question says so.
    expect(await page.getByLabel(/Your email/).count()).toBe(0);
    const topic = page.getByLabel('Topic (optional)');
    expect(await account.getAttribute('aria-required')).toBe('true');
    expect(await topic.locator('option').allTextContents()).toEqual(['', 'Deposits', 'Withdrawals', 'Other']);

    await page.getByLabel('Your name (optional)').fill('Vera');
    await page.getByRole('button', { name: 'Start chat' }).click();

    // Our own message on the field (not the browser's bubble), announced, tied to it, and focus on it.
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('This field is required.');
    expect(await account.getAttribute('aria-invalid')).toBe('true');
    expect(await account.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    await expect.poll(() => focused(page)).toBe('Account number');
    expect(await e2e.server.models.Conversation.countDocuments({})).toBe(0);

    // Typing clears the message; a topic is picked with the keyboard.
    await account.pressSequentially('A-1042');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await account.getAttribute('aria-invalid')).toBe('false');
    await topic.selectOption('Withdrawals');
    // The browser takes an address without a dot in its domain; the server does not, and its refusal
    // lands on the field it names.
    const backup = page.getByLabel('Backup email (optional)');
    await backup.fill('vera@bank');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please enter a valid email address, or leave the field empty.' }).waitFor();
    expect(await backup.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focused(page)).toBe('Backup email (optional)');
    expect(await account.inputValue()).toBe('A-1042');
    expect(await e2e.server.models.Conversation.countDocuments({})).toBe(0);

    await backup.fill('vera@bank.example');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByLabel('Type your message').waitFor();

    const isVeras = (c: ConversationDTO) => c.visitor.name === 'Vera';
    const seen = (await updates.until((xs) => xs.some(isVeras))).find(isVeras)!;
    expect(seen.visitor.fields).toEqual({ account: 'A-1042', topic: 'Withdrawals', backup_email: 'vera@bank.example' });
    const queue = ok(await call<QueueSnapshot>(agent, 'queue:list', {}));
    expect(queue.queued.find((c) => c.id === seen.id)?.visitor.fields).toEqual({ account: 'A-1042', topic: 'Withdrawals', backup_email: 'vera@bank.example' });
    const stored = await e2e.server.models.Conversation.findById(seen.id).lean();
    expect(stored?.visitorFields).toEqual({ account: 'A-1042', topic: 'Withdrawals', backup_email: 'vera@bank.example' });
    expect(errors).toEqual([]);
  }, 30_000);

  it('a German visitor reads the site’s labels in German, or in English where the site wrote none', async () => {
    const page = await widgetPage('de');
    await page.getByRole('button', { name: 'Chat öffnen' }).click();
    await page.getByLabel('Kontonummer').waitFor();
    await page.getByLabel('Thema (optional)').waitFor();
    await page.getByLabel('Backup email (optional)').waitFor();
    await page.getByRole('button', { name: 'Chat starten' }).click();
    await page.getByRole('alert').filter({ hasText: 'Dieses Feld ist erforderlich.' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Kontonummer');
  }, 30_000);
});
