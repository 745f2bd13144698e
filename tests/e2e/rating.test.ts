/**
 * The end of a chat in a real browser: the widget on the demo page, an agent on a socket. The agent
 * ends the chat; the visitor rates it on the five-point scale with a comment, which the agent sees
 * on the conversation, and has the transcript mailed (real SMTP).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO } from '../../shared/types.js';
import { agentSession, call, connectVisitor, ok, record, type AgentClient } from '../helpers/clients.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ mail: true });
let agent: AgentClient;

beforeAll(async () => {
  agent = (await agentSession(e2e.server.url, await e2e.server.addAgent('Rosa'))).socket;
});

describe('rating a chat in the widget', () => {
  it('the agent ends the chat, the visitor rates it “fantastic” with a comment, and the agent sees the rating', async () => {
    const updates = record<ConversationDTO>(agent, 'conversation:updated');
    ok(await call(agent, 'queue:list', {}));

    const page = await (await e2e.browser.newContext({ locale: 'en-US' })).newPage();
    page.setDefaultTimeout(8_000);
    const errors = watchErrors(page);
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(new URL(res.url()).pathname);
    });
    await page.goto(`${e2e.server.url}/demo`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Your name (optional)').fill('Vera');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByLabel('Type your message').fill('Can I change my delivery address?');
    await page.getByLabel('Type your message').press('Enter');

    const isVeras = (c: ConversationDTO) => c.visitor.name === 'Vera' && c.status === 'queued';
    const conversationId = (await updates.until((xs) => xs.some(isVeras))).find(isVeras)!.id;
    ok(await call(agent, 'conversation:accept', { conversationId }));
    await page.getByText('You are chatting with Rosa').waitFor();
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId, clientId: 'rosa-reply-0001', body: 'Yes, I have changed it for you.' }));
    await page.getByText('Yes, I have changed it for you.').waitFor();

    // Nothing to rate while the chat runs.
    expect(await page.getByRole('radiogroup').count()).toBe(0);
    ok(await call(agent, 'conversation:end', { conversationId }));
    await page.getByText('The agent ended the chat').waitFor();

    // Five labelled choices in one radio group, terrible to fantastic.
    const scale = page.getByRole('radiogroup', { name: 'How was this chat?' });
    await scale.waitFor();
    const names = [...(await scale.ariaSnapshot()).matchAll(/- radio "([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['Terrible', 'Bad', 'Okay', 'Great', 'Fantastic']);
    // A visitor clicks the face or the word; the radio itself is visually hidden.
    await scale.getByText('Fantastic').click();
    expect(await scale.getByRole('radio', { name: 'Fantastic' }).isChecked()).toBe(true);
    await page.getByLabel('Comment (optional)').fill('Rosa was quick and friendly.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Thank you for your feedback!').waitFor();

    // The agent's socket hears of the rating on the conversation, and it is stored.
    const hasRating = (c: ConversationDTO) => c.id === conversationId && c.rating !== null;
    const rated = (await updates.until((xs) => xs.some(hasRating))).find(hasRating);
    expect(rated!.rating).toMatchObject({ score: 5, comment: 'Rosa was quick and friendly.' });
    const stored = await e2e.server.models.Conversation.findById(conversationId).lean();
    expect(stored?.rating).toMatchObject({ score: 5, comment: 'Rosa was quick and friendly.' });

    // The transcript: the chat has no address, so the widget asks for one.
    await page.getByRole('button', { name: 'Email me the transcript' }).click();
    await page.getByLabel('Your email').fill('vera.rating@example.test');
    await page.getByRole('button', { name: 'Email me the transcript' }).click();
    await page.getByText('We sent the transcript to vera.rating@example.test.').waitFor();
    const mail = await e2e.mail.waitFor((m) => m.to.includes('vera.rating@example.test'));
    expect(mail.text).toContain('Can I change my delivery address?');
    expect(mail.text).toContain('Yes, I have changed it for you.');

    // The demo page has no favicon; the browser's request for one is the only thing allowed to fail.
    expect(failed.filter((path) => path !== '/favicon.ico')).toEqual([]);
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  }, 30_000);

  it('the agent workspace shows the rating in the conversation header, live, and the averages in the top bar', async () => {
    const page = await (await e2e.browser.newContext()).newPage();
    page.setDefaultTimeout(8_000);
    const errors = watchErrors(page);
    await signInAgent(page, e2e.server.url);

    const visitor = await connectVisitor(e2e.server.url);
    const seen = record<ConversationDTO>(visitor, 'conversation:updated');
    const conv = ok(await call<{ conversation: ConversationDTO }>(visitor, 'conversation:start', { name: 'Walt' })).conversation;
    await page.getByRole('button', { name: 'Accept chat from Walt' }).click();
    await seen.until((xs) => xs.some((c) => c.id === conv.id && c.status === 'active'));

    ok(await call(visitor, 'conversation:rate', { conversationId: conv.id, score: 4, comment: 'Helpful, thanks' }));
    const rating = page.locator('conversation-rating');
    await rating.getByText('Great').waitFor();
    await rating.getByText('Helpful, thanks').waitFor();
    expect(await rating.locator('p').textContent()).toContain('Visitor rating: 4 of 5');

    // The admin's own average, and every agent's (Rosa's "fantastic" from the chat above).
    await page.getByRole('button', { name: /^Ratings/ }).click();
    const panel = page.getByRole('group', { name: 'Visitor ratings' });
    await panel.getByText('Yours: 4 of 5 from 1 chat').waitFor();
    const rosa = panel.getByRole('row', { name: /Rosa/ });
    expect((await rosa.textContent())?.replace(/\s+/g, ' ')).toContain('5 1');
    expect(errors).toEqual([]);
  }, 30_000);
});
