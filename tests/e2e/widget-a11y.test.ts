/**
 * An automated accessibility scan (axe-core, colour contrast included) of the widget on a
 * customer's site of another origin under a strict CSP, in each state a visitor meets: the closed
 * launcher, the chat form, a chat with an agent's reply, the offline form and "My tickets". No
 * serious or critical violation may be left in any of them.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import { formatFindings, scanAccessibility } from '../helpers/axe.js';
import { startHostSite, watchErrors } from '../helpers/browser.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectVisitor,
  login,
  ok,
  rest,
  signUserToken,
  siteIdentitySecret,
  type AgentClient,
} from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E({ host: true });
const hosts: Array<{ close(): Promise<void> }> = [];
afterEach(() => closeAllClients());
afterAll(async () => {
  for (const h of hosts) await h.close();
});

async function hostPage(url = e2e.host.url): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext({ locale: 'en-US' })).newPage();
  page.setDefaultTimeout(8_000);
  const errors = watchErrors(page);
  await page.goto(url);
  await page.getByRole('button', { name: 'Open chat' }).waitFor();
  return { page, errors };
}

async function onlineAgent(name: string): Promise<AgentClient> {
  return (await agentSession(e2e.server.url, await e2e.server.addAgent(name))).socket;
}

/** The id of the chat the visitor of this name started. */
async function conversationOf(visitorName: string): Promise<string> {
  await expect.poll(() => e2e.server.models.Conversation.exists({ visitorName })).toBeTruthy();
  return (await e2e.server.models.Conversation.findOne({ visitorName }).lean())!._id.toHexString();
}

async function expectAccessible(page: Page): Promise<void> {
  const findings = await scanAccessibility(page);
  expect(findings, `axe found serious or critical violations:\n${formatFindings(findings)}`).toEqual([]);
}

describe('the widget passes an accessibility scan', () => {
  it('with the launcher closed', async () => {
    const { page, errors } = await hostPage();
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it('with the chat form open, and in a chat with an agent’s reply', async () => {
    const agent = await onlineAgent('Ava');
    const { page, errors } = await hostPage();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    await expectAccessible(page);

    await page.getByLabel('Your name (optional)').fill('Scan Visitor');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByLabel('Type your message').fill('Is my card payment through?');
    await page.getByRole('button', { name: 'Send' }).click();
    const conversationId = await conversationOf('Scan Visitor');
    ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId }));
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId, clientId: 'a11y-reply-1', body: 'Yes, it arrived this morning.' }));
    await page.getByText('Yes, it arrived this morning.').waitFor();
    await page.getByText('You are chatting with Ava').waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it('with the offline form (no agent online)', async () => {
    const { page, errors } = await hostPage();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText('No one is online right now').waitFor();
    await page.getByLabel('Your message').waitFor();
    await expectAccessible(page);

    // Its check failing, with the field marked and the error shown, is a state of its own.
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Please enter a valid email address.').waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it('on "My tickets"', async () => {
    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    const token = signUserToken(await siteIdentitySecret(e2e.server.url, admin.token), { sub: 'a11y-user', email: 'a11y@example.test', name: 'Alex' });
    const device = await connectVisitor(e2e.server.url, undefined, { userToken: token });
    ok(await call<SyncResult>(device, 'ticket:create', { clientId: 'a11y-ticket-1', category: 'account', body: 'Please change my address' }));
    const host = await startHostSite(e2e.server.url, `data-user-token="${token}"`);
    hosts.push(host);

    const { page, errors } = await hostPage(host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'My tickets' }).click();
    await page.getByText('Please change my address').first().waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  // Last: it changes the site's look for the tests after it.
  it('in the site’s own colour, where the widget picks the text colour that contrasts', async () => {
    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    // A brand blue of middling lightness: white text on it fails AA (3.6:1), dark text passes (4.7:1).
    const res = await rest(e2e.server.url, 'PATCH', '/api/admin/sites/default', {
      token: admin.token,
      body: { widget: { color: '#0087ff', position: 'right', greeting: {}, offlineMessage: {}, languages: [] } },
    });
    expect(res.status, JSON.stringify(res.error)).toBe(200);
    await onlineAgent('Cole');
    const { page, errors } = await hostPage();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Start chat' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(0, 135, 255)');
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
});
