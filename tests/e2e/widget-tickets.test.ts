/**
 * Tickets from the widget on a customer's site (another origin, strict CSP): the offline form,
 * "leave a message" from the queue, and a logged-in user's "My tickets".
 */
import jwt from 'jsonwebtoken';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDTO } from '../../shared/api.js';
import type { MessageDTO, SyncResult } from '../../shared/types.js';
import { startHostSite, watchErrors } from '../helpers/browser.js';
import { agentSession, call, closeAllClients, connectVisitor, login, ok, record, type AgentClient } from '../helpers/clients.js';
import { ADMIN } from '../helpers/server.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ mail: true });
let identitySecret: string;
const hosts: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
  const res = await fetch(`${e2e.server.url}/api/admin/sites/default`, { headers: { authorization: `Bearer ${admin.token}` } });
  identitySecret = ((await res.json()) as SiteDTO).identitySecret;
});
afterEach(() => closeAllClients());
afterAll(async () => {
  for (const h of hosts) await h.close();
});

async function hostPage(attrs = ''): Promise<Page> {
  const host = await startHostSite(e2e.server.url, attrs);
  hosts.push(host);
  const page = await (await e2e.browser.newContext()).newPage();
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  return page;
}

async function onlineAgent(name: string): Promise<AgentClient> {
  return (await agentSession(e2e.server.url, await e2e.server.addAgent(name))).socket;
}

const userToken = (claims: Record<string, unknown>, expiresIn: jwt.SignOptions['expiresIn'] = '1h', secret = identitySecret) =>
  jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn });

describe('tickets from the widget', () => {
  it('with no agent online the visitor leaves a message with an attachment, learns the ticket number, and reads the reply live', async () => {
    const page = await hostPage();
    const errors = watchErrors(page);
    await page.getByText('No one is online right now').waitFor();
    await page.getByLabel('Your email').fill('offline@example.test');
    await page.getByLabel('Topic').selectOption({ label: 'Deposits and withdrawals' });
    await page.getByLabel('Your message').fill('My deposit from Friday is missing');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files' }).click()]);
    await chooser.setFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Receipt 4711, 100 EUR\n') });
    await page.getByText('receipt.txt').first().waitFor();
    await page.getByRole('button', { name: 'Send' }).click();

    const created = await page.getByText(/Ticket \d+ created/).first().textContent();
    const number = Number(/Ticket (\d+)/.exec(created ?? '')![1]);
    const stored = await e2e.server.models.Conversation.findOne({ ticketNumber: number }).lean();
    expect(stored).toMatchObject({ visitorEmail: 'offline@example.test', category: 'deposits-withdrawals', ticketStatus: 'open' });
    const messages = await e2e.server.models.Message.find({ conversationId: stored!._id, authorType: 'visitor' }).lean();
    expect(messages.map((m) => [m.body, m.attachments.map((a) => a.name)])).toEqual([['My deposit from Friday is missing', ['receipt.txt']]]);
    await e2e.mail.waitFor((m) => m.to.includes('offline@example.test') && m.subject.includes(String(number)));

    const agent = await onlineAgent('Replier');
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId: stored!._id.toHexString(), clientId: 'widget-e2e-reply-1', body: 'We found it, it arrives today.' }));
    await page.getByText('We found it, it arrives today.').first().waitFor();
    expect(errors).toEqual([]);
  }, 60_000);

  it('a queued visitor who tires of waiting leaves a message instead, and keeps what they wrote', async () => {
    const agent = await onlineAgent('Busy');
    ok(await call(agent, 'queue:list', {}));
    const queue = record<{ id: string; status: string; ticket: unknown }>(agent, 'conversation:updated');
    const page = await hostPage();
    await page.getByRole('button', { name: 'Start chat' }).click();
    // Queued, and told where: the only chat waiting (no history yet for an estimate).
    await page.getByText('You are number 1 in the queue').waitFor();
    await page.getByLabel('Type your message').fill('Can I change my username?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Leave a message instead' }).click();
    await page.getByLabel('Your email').fill('waiting@example.test');
    await page.getByLabel('Topic').selectOption({ label: 'Account' });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText(/Ticket \d+/).first().waitFor();
    await page.getByText('Can I change my username?').first().waitFor();
    await queue.until((xs) => xs.some((c) => c.status === 'ended' && c.ticket));
  }, 60_000);

  it('a logged-in user sees the tickets they opened on another device under "My tickets" and opens one', async () => {
    const token = userToken({ sub: 'user-42', email: 'ada@example.test', name: 'Ada' });
    // "Another device": a different visitor token, the same host user.
    const phone = await connectVisitor(e2e.server.url, undefined, { userToken: token });
    const fromPhone = ok(await call<SyncResult>(phone, 'ticket:create', { clientId: 'phone-ticket-1', category: 'security', body: 'New device login from Lisbon?' })).conversation;

    const page = await hostPage(`data-user-token="${token}"`);
    await page.getByRole('button', { name: 'My tickets' }).click();
    const fullPage = await page.getByRole('link', { name: 'Open in full page' }).getAttribute('href');
    expect(fullPage).toMatch(/\/tickets\/#site=default&token=/);
    await page.getByText('New device login from Lisbon?').first().click();
    await page.getByText(`Ticket ${fromPhone.ticket!.number}`).first().waitFor();
    await page.getByText('New device login from Lisbon?').first().waitFor();
  }, 60_000);

  it('a forged user token is refused: the visitor continues anonymous and the host developer gets one console warning', async () => {
    const forged = userToken({ sub: 'user-42', email: 'ada@example.test', name: 'Ada' }, '1h', 'not-the-site-secret-at-all-0123456789');
    const host = await startHostSite(e2e.server.url, `data-user-token="${forged}"`);
    hosts.push(host);
    const page = await (await e2e.browser.newContext()).newPage();
    const warnings: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'warning') warnings.push(msg.text());
    });
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel(/Your email/).waitFor();
    await expect.poll(() => warnings.filter((w) => w.includes('user token was refused')).length).toBe(1);
    // Anonymous: the email is asked for, not taken from the token.
    expect(await page.getByLabel(/Your email/).inputValue()).toBe('');
  }, 60_000);
});
