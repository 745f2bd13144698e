/**
 * The widget with the keyboard alone, on a customer's site of another origin under a strict CSP:
 * from the page to the launcher, into the chat form, a whole chat, the agent's reply announced in
 * a live region, Escape back to the launcher, and Tab and Shift+Tab that always lead out again.
 * And with reduced motion asked for, nothing in the widget moves.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO } from '../../shared/types.js';
import { watchErrors } from '../helpers/browser.js';
import { agentSession, call, closeAllClients, ok, type AgentClient } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ host: true });
afterEach(() => closeAllClients());

async function onlineAgent(name: string): Promise<AgentClient> {
  return (await agentSession(e2e.server.url, await e2e.server.addAgent(name))).socket;
}

async function hostPage(opts: { reducedMotion?: 'reduce' } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await (await e2e.browser.newContext({ locale: 'en-US', ...opts })).newPage();
  page.setDefaultTimeout(8_000);
  const errors = watchErrors(page);
  await page.goto(e2e.host.url);
  await page.getByRole('button', { name: 'Open chat' }).waitFor();
  return { page, errors };
}

/** What has the keyboard focus, through the shadow roots: tag, id and name, for messages. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
    return `${el.localName}${el.id ? `#${el.id}` : ''} "${name}"`;
  });
}

/** Whether this element has the keyboard focus (the innermost focused element, through shadow roots). */
function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((target) => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el === target;
  });
}

/**
 * Links of the host page before and after the widget (which the loader appends to the body), so
 * that leaving the widget by Tab or Shift+Tab has somewhere on the page to go.
 */
async function addPageLinks(page: Page): Promise<{ before: Locator; after: Locator }> {
  await page.evaluate(() => {
    const link = (text: string, href: string) => Object.assign(document.createElement('a'), { textContent: text, href });
    document.body.prepend(link('Shop home', '#home'));
    document.body.append(link('Contact us', '#contact'));
  });
  return { before: page.getByRole('link', { name: 'Shop home' }), after: page.getByRole('link', { name: 'Contact us' }) };
}

/**
 * Presses `key` until `target` has the focus and returns where focus went on the way; fails naming
 * that way when it never gets there (a trap, or a control the keyboard cannot reach).
 */
async function pressUntilFocused(page: Page, key: string, target: Locator, max: number): Promise<string[]> {
  const visited: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await hasFocus(target)) return visited;
    visited.push(await focused(page));
  }
  throw new Error(`${key} ×${max} never reached the target; focus went: ${visited.join(' → ')}`);
}

/**
 * The ARIA live region around an element, looking up through parents and shadow hosts: its role
 * and aria-live, or null when it is in none.
 */
function liveRegionAround(locator: Locator): Promise<{ role: string | null; live: string | null } | null> {
  return locator.evaluate((start) => {
    for (let el: Element | null = start; el; ) {
      const role = el.getAttribute('role');
      const live = el.getAttribute('aria-live');
      if (live !== null || role === 'log' || role === 'status' || role === 'alert') return { role, live };
      el = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host || null);
    }
    return null;
  });
}

describe('the widget with the keyboard alone', () => {
  it('a visitor tabs to the launcher, starts a chat, hears the agent’s reply, and Escape takes them back to the launcher', async () => {
    const agent = await onlineAgent('Kai');
    const { page, errors } = await hostPage();
    const launcher = page.getByRole('button', { name: 'Open chat' });
    const links = await addPageLinks(page);

    // Past the page's own link to the launcher.
    expect(await pressUntilFocused(page, 'Tab', launcher, 10)).toEqual(['a "Shop home"']);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');

    // Enter opens the panel, and focus moves into it: to the first field of the chat form.
    await page.keyboard.press('Enter');
    const nameField = page.getByLabel('Your name (optional)');
    await expect.poll(() => hasFocus(nameField), { timeout: 8_000 }).toBe(true);
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.type('Kim Keyboard');
    await pressUntilFocused(page, 'Tab', page.getByRole('button', { name: 'Start chat' }), 4);
    await page.keyboard.press('Enter');

    // The chat starts and the visitor is put where they write.
    const composer = page.getByLabel('Type your message');
    await expect.poll(() => hasFocus(composer), { timeout: 8_000 }).toBe(true);
    await page.keyboard.type('Hello, can you hear me?');
    await page.keyboard.press('Enter');
    await page.getByText('Hello, can you hear me?').waitFor();
    expect(await composer.inputValue()).toBe('');

    const stored = await e2e.server.models.Conversation.findOne({ visitorName: 'Kim Keyboard' }).lean();
    const conversationId = stored!._id.toHexString();
    await expect.poll(() => e2e.server.models.Message.exists({ conversationId, authorType: 'visitor', body: 'Hello, can you hear me?' })).toBeTruthy();
    ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId }));
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId, clientId: 'keyboard-reply-1', body: 'Loud and clear, Kim.' }));

    // Screen readers hear the reply: it arrives inside a polite live region (a log).
    const reply = page.getByText('Loud and clear, Kim.');
    await reply.waitFor();
    const region = await liveRegionAround(reply);
    expect(region, 'the reply is in no live region').not.toBeNull();
    expect(region!.role === 'log' || region!.live === 'polite', `live region ${JSON.stringify(region)}`).toBe(true);
    expect(region!.live).not.toBe('off');
    // Arriving messages leave the visitor where they were.
    expect(await hasFocus(composer)).toBe(true);

    // Escape closes the panel and gives focus back to the launcher.
    await page.keyboard.press('Escape');
    await page.locator('chat-hybrid-panel').waitFor({ state: 'hidden' });
    expect(await hasFocus(launcher), `focus is on ${await focused(page)}`).toBe(true);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');

    // Open again: focus goes back to where the visitor writes.
    await page.keyboard.press('Enter');
    await expect.poll(() => hasFocus(composer), { timeout: 8_000 }).toBe(true);

    // No trap: Tab leads on to the page's next link, Shift+Tab back through the panel and the
    // launcher to the page's previous one.
    expect(await pressUntilFocused(page, 'Tab', links.after, 20)).toEqual(['button "Send"']);
    await pressUntilFocused(page, 'Shift+Tab', composer, 40);
    const backward = await pressUntilFocused(page, 'Shift+Tab', links.before, 40);
    expect(backward.some((f) => f.includes('"End chat"')), `Shift+Tab went ${backward.join(' → ')}`).toBe(true);
    expect(backward.at(-1), `Shift+Tab went ${backward.join(' → ')}`).toBe('button "Open chat"');
    expect(errors).toEqual([]);
  }, 60_000);

  it('with reduced motion asked for, nothing in the widget moves: not the launcher, not the panel', async () => {
    await onlineAgent('Mo');
    const { page, errors } = await hostPage({ reducedMotion: 'reduce' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();

    const moving = await page.evaluate(() => {
      const seconds = (list: string) => Math.max(...list.split(',').map((d) => (d.trim().endsWith('ms') ? parseFloat(d) / 1000 : parseFloat(d) || 0)));
      const host = document.querySelector('chat-hybrid-widget')!;
      const launcher = host.shadowRoot!.querySelector('.launcher')!;
      const panel = host.shadowRoot!.querySelector('chat-hybrid-panel')!.shadowRoot!.querySelector('.panel')!;
      const all: Element[] = [];
      const walk = (root: ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          all.push(el);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(host.shadowRoot!);
      const label = (el: Element) => `${el.localName}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
      return {
        launcher: [getComputedStyle(launcher).transitionDuration, getComputedStyle(launcher).animationDuration],
        panel: [getComputedStyle(panel).transitionDuration, getComputedStyle(panel).animationDuration],
        // Anything else in the widget that would still move.
        others: all
          .map((el) => ({ el, style: getComputedStyle(el) }))
          .filter(({ style }) => seconds(style.transitionDuration) > 0 || (style.animationName !== 'none' && seconds(style.animationDuration) > 0))
          .map(({ el, style }) => `${label(el)}: transition ${style.transitionDuration}, animation ${style.animationName} ${style.animationDuration}`),
      };
    });
    expect(moving.launcher).toEqual(['0s', '0s']);
    expect(moving.panel).toEqual(['0s', '0s']);
    expect(moving.others).toEqual([]);
    expect(errors).toEqual([]);
  }, 30_000);
});
