/**
 * Read receipts in both directions, in a real browser: the widget on a customer's page of another
 * origin and the agent UI in a second browser context.
 */
import { describe, expect, it } from 'vitest';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ host: true });

describe('read receipts in the browser', () => {
  it('the visitor sees "Seen" once the agent opened the chat, and the agent once the visitor opened the panel', async () => {
    const visitor = await (await e2e.browser.newContext()).newPage();
    const agent = await (await e2e.browser.newContext()).newPage();
    const visitorErrors = watchErrors(visitor);
    const agentErrors = watchErrors(agent);
    await signInAgent(agent, e2e.server.url);

    await visitor.goto(e2e.host.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByLabel('Your name (optional)').fill('Rita');
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByLabel('Type your message').fill('Has my refund been sent?');
    await visitor.getByRole('button', { name: 'Send' }).click();
    const log = visitor.getByRole('log', { name: 'Messages' });
    await log.getByText('Has my refund been sent?').waitFor();
    // Delivered, but nobody has read it yet.
    await visitor.getByText('Sending…').waitFor({ state: 'detached' });
    expect(await log.getByText('Seen', { exact: true }).count()).toBe(0);

    // The agent opens the chat: the visitor's message shows "Seen", live.
    await agent.getByRole('button', { name: 'Accept chat from Rita' }).click();
    await agent.getByText('Has my refund been sent?').waitFor();
    await log.getByText('Seen', { exact: true }).waitFor();

    // The visitor has the panel closed while the agent answers: not seen yet.
    await visitor.getByRole('button', { name: 'Minimise chat' }).click();
    await agent.getByLabel('Reply to the customer').fill('Yes, it went out this morning.');
    await agent.getByRole('button', { name: 'Send' }).click();
    const agentLog = agent.getByRole('log', { name: 'Messages' });
    await agentLog.getByText('Yes, it went out this morning.').waitFor();
    await agent.waitForTimeout(500);
    expect(await agentLog.getByText('Seen by the visitor').count()).toBe(0);

    // The visitor opens the panel and so sees the reply: the agent's reply shows "Seen", live.
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await log.getByText('Yes, it went out this morning.').waitFor();
    await agentLog.getByText('Seen by the visitor').waitFor();
    // Under the reply, the newest agent message the visitor has seen, and only there.
    const reply = agentLog.locator('.msg', { hasText: 'Yes, it went out this morning.' });
    await reply.getByText('Seen by the visitor').waitFor();
    expect(await agentLog.getByText('Seen by the visitor').count()).toBe(1);

    const stored = await e2e.server.models.ReadReceipt.findById((await e2e.server.models.Conversation.findOne({ visitorName: 'Rita' }).lean())!._id.toHexString()).lean();
    const last = await e2e.server.models.Message.findOne({ body: 'Yes, it went out this morning.' }).lean();
    expect(stored?.visitorSeq).toBe(last!.seq);
    expect(visitorErrors).toEqual([]);
    expect(agentErrors).toEqual([]);
  }, 60_000);
});
