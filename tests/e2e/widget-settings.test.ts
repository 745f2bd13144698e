/**
 * An admin's widget settings (PATCH /api/admin/sites/:key) in a real browser: the site's colour
 * with readable text on it, its side of the page, its greeting per language and its offline
 * message; and the end of a chat, which keeps the conversation's last lines in view.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO } from '../../shared/types.js';
import type { SiteDTO } from '../../shared/api.js';
import { startHostSite, watchErrors } from '../helpers/browser.js';
import { agentSession, call, login, ok, record, rest } from '../helpers/clients.js';
import { ADMIN } from '../helpers/server.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E();
const hosts: Array<{ close(): Promise<void> }> = [];

/** A light yellow: white text on it would be unreadable, so the widget must write in dark. */
const YELLOW = 'rgb(245, 196, 0)';
const DARK_TEXT = 'rgb(27, 31, 36)';

beforeAll(async () => {
  const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
  const res = await rest<SiteDTO>(e2e.server.url, 'PATCH', '/api/admin/sites/default', {
    token: admin.token,
    body: {
      widget: {
        color: '#F5C400',
        position: 'left',
        greeting: { de: 'Willkommen bei Nordbank! Wie können wir helfen?', en: 'Welcome to Nordbank! How can we help?' },
        offlineMessage: { de: 'Unser Team ist gerade nicht da. Schreiben Sie uns, wir antworten bis morgen früh.' },
        languages: [],
      },
    },
  });
  expect(res.status).toBe(200);
  expect(res.body.widget).toMatchObject({ color: '#f5c400', position: 'left' });
});
afterAll(async () => {
  for (const h of hosts) await h.close();
});

async function widgetPage(locale: 'de' | 'en'): Promise<{ page: Page; url: string }> {
  const host = await startHostSite(e2e.server.url, `data-locale="${locale}"`);
  hosts.push(host);
  const page = await (await e2e.browser.newContext({ reducedMotion: 'reduce' })).newPage();
  page.setDefaultTimeout(8_000);
  await page.goto(host.url);
  return { page, url: host.url };
}

const style = (locator: Locator) =>
  locator.evaluate((el) => {
    const { backgroundColor, color } = getComputedStyle(el);
    return { backgroundColor, color };
  });
const left = async (locator: Locator) => (await locator.boundingBox())!.x;

describe('widget settings', () => {
  it('with no agent online the offline form shows the site’s message, in the site’s colour on the left; the next page shows the look before loading the app', async () => {
    const { page, url } = await widgetPage('de');
    const errors = watchErrors(page);
    const launcher = page.getByRole('button', { name: 'Chat öffnen' });
    await launcher.click();

    await page.getByText('Unser Team ist gerade nicht da. Schreiben Sie uns, wir antworten bis morgen früh.').waitFor();
    expect(await page.getByText('Gerade ist niemand online').count()).toBe(0);

    // The launcher and the form's main button wear the site's colour, with dark text on it.
    expect(await style(launcher)).toMatchObject({ backgroundColor: YELLOW, color: DARK_TEXT });
    expect(await style(page.getByRole('button', { name: 'Senden' }))).toMatchObject({ backgroundColor: YELLOW, color: DARK_TEXT });
    // Both sit on the left of the page.
    const width = page.viewportSize()!.width;
    expect(await left(launcher)).toBeLessThan(width / 4);
    expect(await left(page.getByRole('dialog'))).toBeLessThan(width / 4);

    // Another page of the site: the launcher has the look at once, before the chat app is loaded.
    const next = await page.context().newPage();
    let appRequested = false;
    next.on('request', (req) => {
      if (req.url().endsWith('/chat-app.js')) appRequested = true;
    });
    await next.goto(url);
    const nextLauncher = next.getByRole('button', { name: 'Chat öffnen' });
    await nextLauncher.waitFor();
    expect(appRequested).toBe(false);
    expect(await style(nextLauncher)).toMatchObject({ backgroundColor: YELLOW, color: DARK_TEXT });
    expect(await left(nextLauncher)).toBeLessThan(width / 4);

    // An English visitor: the site wrote no English offline message, so the built-in one shows.
    const english = await widgetPage('en');
    await english.page.getByRole('button', { name: 'Open chat' }).click();
    await english.page.getByText('No one is online right now. Leave us a message and we will get back to you.').waitFor();
    expect(errors).toEqual([]);
  }, 30_000);

  it('greets in the visitor’s language, and when the agent ends the chat the last reply and the end stay in view above the rating', async () => {
    const agent = (await agentSession(e2e.server.url, await e2e.server.addAgent('Rosa'))).socket;
    const updates = record<ConversationDTO>(agent, 'conversation:updated');
    ok(await call(agent, 'queue:list', {}));

    const english = await widgetPage('en');
    await english.page.getByRole('button', { name: 'Open chat' }).click();
    await english.page.getByText('Welcome to Nordbank! How can we help?').waitFor();

    const { page } = await widgetPage('de');
    const errors = watchErrors(page);
    await page.getByRole('button', { name: 'Chat öffnen' }).click();
    await page.getByText('Willkommen bei Nordbank! Wie können wir helfen?').waitFor();
    expect(await page.getByText('Haben Sie eine Frage?').count()).toBe(0);
    expect(await style(page.getByRole('button', { name: 'Chat starten' }))).toMatchObject({ backgroundColor: YELLOW, color: DARK_TEXT });

    await page.getByLabel('Ihr Name (optional)').fill('Greta');
    await page.getByRole('button', { name: 'Chat starten' }).click();
    await page.getByLabel('Ihre Nachricht').fill('Meine Überweisung ist nicht angekommen');
    await page.getByLabel('Ihre Nachricht').press('Enter');

    const isGretas = (c: ConversationDTO) => c.visitor.name === 'Greta' && c.status === 'queued';
    const conversationId = (await updates.until((xs) => xs.some(isGretas))).find(isGretas)!.id;
    ok(await call(agent, 'conversation:accept', { conversationId }));
    // Enough replies that the list scrolls.
    for (let i = 1; i <= 12; i++) {
      ok(await call<MessageDTO>(agent, 'message:send', { conversationId, clientId: `rosa-reply-${String(i).padStart(4, '0')}`, body: `Schritt ${i}: bitte prüfen Sie Ihr Konto.` }));
    }
    await page.getByText('Schritt 12: bitte prüfen Sie Ihr Konto.').waitFor();
    ok(await call(agent, 'conversation:end', { conversationId }));
    await page.getByRole('radiogroup', { name: 'Wie war dieser Chat?' }).waitFor();

    const list = page.locator('chat-hybrid-messages');
    const inView = async (text: string) => {
      const box = (await list.boundingBox())!;
      const line = (await page.getByText(text).boundingBox())!;
      return line.y >= box.y - 1 && line.y + line.height <= box.y + box.height + 1;
    };
    expect(await list.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await expect.poll(() => inView('Der Support hat den Chat beendet'), { timeout: 3_000 }).toBe(true);
    expect(await inView('Schritt 12: bitte prüfen Sie Ihr Konto.')).toBe(true);

    // Picking a score opens the comment field below; the end stays in view.
    await page.getByRole('radiogroup').getByText('Fantastisch').click();
    await page.getByRole('textbox').first().waitFor();
    await expect.poll(() => inView('Der Support hat den Chat beendet'), { timeout: 3_000 }).toBe(true);
    expect(errors).toEqual([]);
  }, 30_000);
});
