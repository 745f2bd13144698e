/**
 * Script injection, in a real browser: names, messages, file names, ticket subjects, category and
 * form labels, answers, feedback, canned replies and an agent's name that hold HTML and script
 * render as the literal text in the widget (on a host page of another origin), the agent UI and the
 * customer page; nothing runs, no dialog opens, and no element of the input exists in the DOM
 * (shadow roots included). The pages run with their CSP bypassed (Playwright's bypassCSP), so the
 * rendering alone must keep the input inert; a last test tours the same pages with the CSP on and
 * finds no violation of it. Mails carrying the same text escape it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDTO, UploadResult } from '../../shared/api.js';
import type { MessageDTO, SyncResult } from '../../shared/types.js';
import type { FeedbackDTO } from '../../shared/visitor-features.js';
import { signInAgent, startHostSite } from '../helpers/browser.js';
import { agentSession, call, closeAllClients, connectVisitor, customerSession, login, ok, rest, signUserToken, type AgentClient } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E({ mail: true });

// Each would set window.__pwned (or open a dialog) if it were ever parsed as HTML.
const NAME = '<img src=x onerror="window.__pwned=1">';
const MSG = '<script>window.__pwned=2</script><b>bold</b>';
const FILE = '"><svg onload=window.__pwned=3>.png';
const SUBJECT = '<img src=x onerror=window.__pwned=4> Card blocked';
const CATEGORY = '<b onmouseover=window.__pwned=5>Billing</b>';
const FIELD_LABEL = '<u>Ref</u> <img src=x onerror=window.__pwned=6>';
const ANSWER = '"><img src=x onerror=alert(7)>';
const FEEDBACK = '<iframe srcdoc="<script>parent.__pwned=8</script>"></iframe> the app is slow';
const CANNED_TITLE = '<svg onload=window.__pwned=9>Greeting';
const CANNED_BODY = 'Hi {visitor.name} <a href="javascript:window.__pwned=10">click</a>';
const AGENT_NAME = '<img src=x onerror=window.__pwned=11>Ann';
const REPLY = '<iframe src="javascript:window.__pwned=12"></iframe> we unblocked it';
const JS_URL = 'javascript:window.__pwned=13';
const USER_EMAIL = 'html.user@example.test';

/** A 1×1 PNG: the server decides an upload's type by its content. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** A host page that blocks nothing: only the widget's own rendering stands between the input and the page. */
const OPEN_CSP = "default-src * data: blob: 'unsafe-inline' 'unsafe-eval'";

const agentCreds = { email: 'html.agent@example.test', password: 'html-agent-password-long' };
let adminToken: string;
let identitySecret: string;
let agent: AgentClient;
const hosts: Array<{ close(): Promise<void> }> = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  adminToken = (await login(e2e.server.url, ADMIN.email, ADMIN.password)).token;
  await e2e.server.auth.createAgent({ ...agentCreds, name: AGENT_NAME, role: 'agent' });
  agent = (await agentSession(e2e.server.url, agentCreds)).socket;
  const site = await rest<SiteDTO>(e2e.server.url, 'PATCH', '/api/admin/sites/default', {
    token: adminToken,
    body: {
      categories: [
        { id: 'billing', label: CATEGORY },
        { id: 'other', label: 'Other' },
      ],
      widget: {
        color: '#1f6feb',
        position: 'right',
        greeting: {},
        offlineMessage: {},
        languages: [],
        prechat: { name: 'optional', email: 'hidden', fields: [{ key: 'ref', label: { en: FIELD_LABEL }, type: 'text', required: false }] },
      },
    },
  });
  expect(site.status, JSON.stringify(site.body)).toBe(200);
  identitySecret = site.body.identitySecret;
});
afterAll(async () => {
  closeAllClients();
  for (const c of contexts) await c.close();
  for (const h of hosts) await h.close();
});

interface Watched {
  page: Page;
  dialogs: string[];
}

/** A page whose dialogs are recorded (and dismissed); its own CSP is bypassed unless `csp` is kept. */
async function newPage(browser: Browser, opts: { keepCsp?: boolean } = {}): Promise<Watched> {
  const context = await browser.newContext({ bypassCSP: !opts.keepCsp, viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { page, dialogs };
}

/** The widget on a host page of another origin that blocks nothing. */
async function widgetPage(attrs = ''): Promise<Watched> {
  const host = await startHostSite(e2e.server.url, attrs, OPEN_CSP);
  hosts.push(host);
  const w = await newPage(e2e.browser);
  await w.page.goto(host.url);
  return w;
}

/**
 * What of the input became markup, in the document and every shadow root: event-handler
 * attributes, javascript: URLs, frames, and the elements the payloads spell.
 */
function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const tag = el.localName;
        for (const attr of el.getAttributeNames()) {
          const value = el.getAttribute(attr) ?? '';
          if (/^on/i.test(attr)) found.push(`<${tag} ${attr}="${value}">`);
          if (/^(href|src|action|formaction|xlink:href|srcdoc|data)$/i.test(attr) && /^\s*javascript:|__pwned/i.test(value)) found.push(`<${tag} ${attr}="${value}">`);
        }
        if (['iframe', 'frame', 'object', 'embed'].includes(tag)) found.push(`<${tag}>`);
        if (tag === 'script' && /__pwned/.test(el.textContent ?? '')) found.push('<script>');
        if (tag === 'img' && el.getAttribute('src') === 'x') found.push('<img src=x>');
        if ((tag === 'b' && /^(bold|Billing)$/.test(el.textContent ?? '')) || (tag === 'u' && el.textContent === 'Ref')) found.push(`<${tag}>`);
        if (tag === 'svg' && /Greeting/.test(el.textContent ?? '')) found.push('<svg>');
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return found;
  });
}

/** Nothing ran, nothing opened, nothing of the input is markup. */
async function expectInert(w: Watched, where: string): Promise<void> {
  expect(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `${where}: window.__pwned`).toBeUndefined();
  expect(w.dialogs, `${where}: dialogs`).toEqual([]);
  expect(await injectedElements(w.page), `${where}: elements from the input`).toEqual([]);
}

/** The literal text is shown on the page (Playwright's text search pierces shadow roots). */
async function seeText(page: Page, text: string): Promise<void> {
  await page.getByText(text).filter({ visible: true }).first().waitFor();
}

function pngFile(page: Page, name: string) {
  return page.evaluateHandle(
    ([name, base64]) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }));
      return data;
    },
    [name, PNG] as const,
  );
}

/** The live chat of the first test, a ticket after it. */
let chatId: string;
let storedFileName: string;

describe('HTML and script typed by visitors, agents and admins', () => {
  it('the checks would notice: the same text parsed as HTML in one of our pages runs and is found', async () => {
    const probe = await newPage(e2e.browser);
    await probe.page.goto(`${e2e.server.url}/agent/`);
    await probe.page.locator('agent-app').waitFor();
    await probe.page.evaluate((html) => {
      const host = document.createElement('div');
      document.body.append(host);
      host.attachShadow({ mode: 'open' }).innerHTML = html;
    }, `${NAME}${CANNED_TITLE}`);
    await expect.poll(() => probe.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeDefined();
    expect(await injectedElements(probe.page)).toEqual(expect.arrayContaining(['<img src=x>', '<svg>']));
  }, 30_000);

  it('a live chat renders every field as text in the widget and in the agent UI (queue, chat, canned replies, ticket list and view)', async () => {
    ok(await call(agent, 'canned:save', { shortcut: 'hi', title: CANNED_TITLE, body: CANNED_BODY, scope: 'personal' }));

    const desk = await newPage(e2e.browser);
    await signInAgent(desk.page, e2e.server.url, agentCreds);
    // The agent's own name in the top bar.
    await seeText(desk.page, AGENT_NAME);
    // The canned reply in the management dialog.
    await desk.page.getByRole('button', { name: 'Canned replies' }).click();
    const canned = desk.page.getByRole('dialog', { name: 'Canned replies' });
    await canned.getByText(CANNED_TITLE).first().waitFor();
    await canned.getByText(CANNED_BODY).first().waitFor();
    await expectInert(desk, 'agent UI, canned replies');
    await canned.getByRole('button', { name: 'Close' }).click();

    const visitor = await widgetPage();
    await visitor.page.getByRole('button', { name: 'Open chat' }).click();
    // The admin's label of the site's own question, as text.
    await visitor.page.getByLabel(FIELD_LABEL).fill(ANSWER);
    await visitor.page.getByLabel('Your name (optional)').fill(NAME);
    await visitor.page.getByRole('button', { name: 'Start chat' }).click();
    const composer = visitor.page.getByLabel('Type your message');
    await composer.fill(MSG);
    await composer.dispatchEvent('drop', { dataTransfer: await pngFile(visitor.page, FILE) });
    await visitor.page.getByRole('button', { name: /^Remove / }).waitFor();
    await composer.press('Enter');
    await seeText(visitor.page, MSG);

    // The queue and the chat in the agent UI.
    await desk.page.getByRole('link', { name: 'Live chats' }).click();
    await seeText(desk.page, NAME);
    await expectInert(desk, 'agent UI, queue');
    await desk.page.getByRole('button', { name: `Accept chat from ${NAME}` }).click();
    await seeText(desk.page, MSG);
    chatId = (await e2e.server.models.Conversation.findOne({ visitorName: NAME }).lean())!._id.toHexString();
    const sent = await e2e.server.models.Message.findOne({ conversationId: chatId, authorType: 'visitor' }).lean();
    expect(sent!.body).toBe(MSG);
    storedFileName = sent!.attachments[0]!.name;
    // Whatever the browser's multipart encoding made of the quote, the rest arrives as typed.
    expect(storedFileName).toMatch(/><svg onload=window\.__pwned=3>\.png$/);
    await seeText(desk.page, storedFileName);
    await seeText(desk.page, ANSWER);
    await expectInert(desk, 'agent UI, chat view');

    // A canned reply, its {visitor.name} filled in with the visitor's HTML name.
    const reply = desk.page.getByLabel('Reply to the customer', { exact: true });
    await reply.pressSequentially('/hi', { delay: 15 });
    await desk.page.getByRole('listbox', { name: 'Canned replies' }).getByRole('option').first().waitFor();
    await expectInert(desk, 'agent UI, canned picker');
    await reply.press('Enter');
    const filled = `Hi ${NAME} <a href="javascript:window.__pwned=10">click</a>`;
    expect(await reply.inputValue()).toBe(filled);
    await reply.press('Enter');

    await seeText(visitor.page, filled);
    await seeText(visitor.page, `You are chatting with ${AGENT_NAME}`);
    // The image shows with the file name as its text alternative.
    await visitor.page.getByRole('img', { name: storedFileName }).waitFor();
    await expectInert(visitor, 'widget, live chat');

    // The chat becomes a ticket with the HTML category and subject, chosen in the agent UI.
    await desk.page.getByRole('button', { name: 'Make ticket' }).click();
    const make = desk.page.getByRole('dialog');
    await make.getByLabel('Category').selectOption({ label: CATEGORY });
    await make.getByLabel(/Subject/).fill(SUBJECT);
    await expectInert(desk, 'agent UI, make-ticket dialog');
    await make.getByRole('button', { name: 'Make ticket' }).click();
    await make.waitFor({ state: 'detached' });
    await desk.page.getByRole('link', { name: 'Tickets' }).first().click();
    const list = desk.page.locator('tickets-panel');
    await list.getByText(SUBJECT).first().waitFor();
    await expectInert(desk, 'agent UI, ticket list');
    await list.getByText(SUBJECT).first().click();
    const view = desk.page.locator('ticket-view');
    await view.getByText(SUBJECT).first().waitFor();
    await view.getByText(MSG).first().waitFor();
    await view.getByText(NAME).first().waitFor();
    await expect.poll(() => view.locator('select').evaluateAll((els) => els.map((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent?.trim()))).toContain(CATEGORY);
    await expectInert(desk, 'agent UI, ticket view');
    await expectInert(visitor, 'widget, after the ticket');
  }, 90_000);

  it("feedback, pre-chat answers and page addresses show as text in the agent UI, and a javascript: page is never a link", async () => {
    const v = await connectVisitor(e2e.server.url);
    const { token } = await customerSession(v);
    const form = new FormData();
    form.append('files', new Blob([Uint8Array.from(Buffer.from(PNG, 'base64'))]), FILE);
    const up = await fetch(`${e2e.server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    expect(up.status).toBe(201);
    const shot = ((await up.json()) as UploadResult).attachments[0]!;
    ok(await call<FeedbackDTO>(v, 'feedback:send', { clientId: 'injection-feedback-1', score: 2, comment: FEEDBACK, screenshotIds: [shot.id], pageUrl: JS_URL }));
    const started = ok(await call<SyncResult>(v, 'conversation:start', { name: 'Page Tester', pageUrl: JS_URL, fields: { ref: ANSWER } })).conversation;

    const desk = await newPage(e2e.browser);
    await signInAgent(desk.page, e2e.server.url);
    await desk.page.getByRole('link', { name: 'Feedback' }).click();
    const feedback = desk.page.locator('feedback-view');
    await feedback.getByText(FEEDBACK).first().waitFor();
    await feedback.getByText(JS_URL).first().waitFor();
    await feedback.getByText(shot.name).first().waitFor();
    await expectInert(desk, 'agent UI, feedback view');

    await desk.page.getByRole('link', { name: 'Live chats' }).click();
    await desk.page.getByRole('button', { name: 'Accept chat from Page Tester' }).click();
    await desk.page.locator('conversation-view').getByText(JS_URL).first().waitFor();
    await desk.page.locator('conversation-view').getByText(ANSWER).first().waitFor();
    expect(started.pageUrl).toBe(JS_URL);
    await expectInert(desk, 'agent UI, chat with a javascript: page');
  }, 60_000);

  it("a logged-in user's tickets show as text on the customer page and in the widget's \"My tickets\", and the mails escape them", async () => {
    const userToken = signUserToken(identitySecret, { sub: 'html-user', email: USER_EMAIL, name: NAME });
    const phone = await connectVisitor(e2e.server.url, undefined, { userToken });
    const { token } = await customerSession(phone);
    const form = new FormData();
    form.append('files', new Blob([Uint8Array.from(Buffer.from(PNG, 'base64'))]), FILE);
    const up = await fetch(`${e2e.server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    const file = ((await up.json()) as UploadResult).attachments[0]!;
    const ticket = ok(await call<SyncResult>(phone, 'ticket:create', { clientId: 'injection-ticket-1', category: 'billing', body: MSG, attachmentIds: [file.id], locale: 'en' })).conversation;
    const created = await e2e.mail.waitFor((m) => m.to.includes(USER_EMAIL) && m.subject.includes(String(ticket.ticket!.number)));
    // Away: the agent's reply is mailed.
    phone.disconnect();
    ok(await call(agent, 'conversation:sync', { conversationId: ticket.id, afterSeq: 0 }));
    ok(await call(agent, 'ticket:update', { conversationId: ticket.id, subject: SUBJECT }));
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId: ticket.id, clientId: 'injection-reply-1', body: REPLY }));
    // Waited for before the customer page opens: once the user is connected, the alert is in-page
    // and no mail is sent (a busy machine let the page connect first).
    const updated = await e2e.mail.waitFor((m) => m.to.includes(USER_EMAIL) && m !== created && m.html.includes('we unblocked it'));

    // The customer page, signed in with the host's token.
    const portal = await newPage(e2e.browser);
    await portal.page.goto(`${e2e.server.url}/tickets/#site=default&token=${encodeURIComponent(userToken)}`);
    await seeText(portal.page, SUBJECT);
    await expectInert(portal, 'customer page, ticket list');
    await portal.page.getByText(SUBJECT).first().click();
    const history = portal.page.getByTestId('history');
    await history.getByText(MSG).first().waitFor();
    await history.getByText(REPLY).first().waitFor();
    await history.getByText(file.name).first().waitFor();
    await seeText(portal.page, AGENT_NAME);
    await expectInert(portal, 'customer page, ticket view');

    // The widget's "My tickets" on the host page of the same user.
    const visitor = await widgetPage(`data-user-token="${userToken}"`);
    await visitor.page.getByRole('button', { name: 'Open chat' }).click();
    await visitor.page.getByRole('button', { name: 'My tickets' }).click();
    await seeText(visitor.page, SUBJECT);
    await expectInert(visitor, 'widget, My tickets');
    await visitor.page.getByText(SUBJECT).first().click();
    await seeText(visitor.page, REPLY);
    await seeText(visitor.page, MSG);
    await expectInert(visitor, 'widget, a ticket');

    // The mails: the request quoted in the confirmation, the subject and the reply in the update.
    for (const mail of [created, updated]) {
      expect(mail.html).not.toMatch(/<(script|img|svg|iframe|b|u)\b/i);
      // Escaped, the words " onerror=" may stay; inside a tag they would be a handler.
      expect(mail.html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    }
    expect(created.html).toContain('&lt;script&gt;window.__pwned=2&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;');
    expect(updated.html).toContain('&lt;img src=x onerror=window.__pwned=4&gt; Card blocked');
    expect(updated.html).toContain('&lt;iframe src=&quot;javascript:window.__pwned=12&quot;&gt;&lt;/iframe&gt; we unblocked it');
    // The plain-text part keeps the words as they were written.
    expect(updated.text).toContain(SUBJECT);
  }, 90_000);

  it('the admin screens show HTML labels as text', async () => {
    const admin = await newPage(e2e.browser);
    await signInAgent(admin.page, e2e.server.url);
    await admin.page.goto(`${e2e.server.url}/agent/#/admin/site`);
    await admin.page.getByRole('heading', { name: 'Site settings' }).waitFor();
    await expect.poll(() => admin.page.getByLabel(/Category \d+ label/).evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toContain(CATEGORY);
    await expectInert(admin, 'agent UI, site settings');
    await admin.page.goto(`${e2e.server.url}/agent/#/admin/agents`);
    await seeText(admin.page, AGENT_NAME);
    await expectInert(admin, 'agent UI, agents');
  }, 60_000);
});

describe('our pages under their own CSP', () => {
  it('the agent UI (chats, tickets, feedback, admin) and the customer page run without a single CSP violation', async () => {
    const violations: string[] = [];
    const watch = (w: Watched) => {
      w.page.on('console', (m) => {
        if (/Content.Security.Policy/i.test(m.text())) violations.push(`${w.page.url()}: ${m.text()}`);
      });
      w.page.on('pageerror', (err) => violations.push(`${w.page.url()}: ${err.message}`));
    };
    const desk = await newPage(e2e.browser, { keepCsp: true });
    watch(desk);
    await signInAgent(desk.page, e2e.server.url);
    await desk.page.goto(`${e2e.server.url}/agent/#/tickets/${chatId}`);
    await desk.page.locator('ticket-view').getByText(SUBJECT).first().waitFor();
    await desk.page.locator('ticket-view').getByText(storedFileName).first().waitFor();
    await desk.page.goto(`${e2e.server.url}/agent/#/feedback`);
    await desk.page.locator('feedback-view').getByText(FEEDBACK).first().waitFor();
    for (const section of ['agents', 'teams', 'site', 'official']) {
      await desk.page.goto(`${e2e.server.url}/agent/#/admin/${section}`);
      await desk.page.getByRole('navigation', { name: 'Admin sections' }).waitFor();
      await desk.page.waitForLoadState('networkidle');
    }
    // The site settings with every section open, the widget's included.
    await desk.page.goto(`${e2e.server.url}/agent/#/admin/site`);
    await desk.page.getByRole('heading', { name: 'Site settings' }).waitFor();
    await desk.page.getByRole('group', { name: 'Chat form' }).waitFor();
    await expectInert(desk, 'agent UI under its CSP');

    const userToken = signUserToken(identitySecret, { sub: 'html-user', email: USER_EMAIL, name: NAME });
    const portal = await newPage(e2e.browser, { keepCsp: true });
    watch(portal);
    await portal.page.goto(`${e2e.server.url}/tickets/#site=default&token=${encodeURIComponent(userToken)}`);
    await portal.page.getByText(SUBJECT).first().click();
    await portal.page.getByTestId('history').locator('img[src^="blob:"]').first().waitFor();

    const demo = await newPage(e2e.browser, { keepCsp: true });
    watch(demo);
    await demo.page.goto(`${e2e.server.url}/demo`);
    await demo.page.getByRole('button', { name: 'Open chat' }).click();
    await demo.page.getByLabel('Type your message').or(demo.page.getByRole('button', { name: 'Start chat' })).first().waitFor();
    expect(await demo.page.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundColor)).toBe('rgb(11, 61, 145)');

    expect(violations).toEqual([]);
  }, 90_000);
});
