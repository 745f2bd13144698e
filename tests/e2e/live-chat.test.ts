/**
 * The whole first slice in a real browser: the widget on a customer's page of another origin
 * (under a strict CSP), and the agent UI in a second browser context.
 */
import { describe, expect, it } from 'vitest';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ host: true });

describe('live chat in the browser', () => {
  it('a visitor on a customer site chats with an agent live, and a reload brings the history back', async () => {
    const visitor = await (await e2e.browser.newContext()).newPage();
    const agent = await (await e2e.browser.newContext()).newPage();
    const visitorErrors = watchErrors(visitor);
    const agentErrors = watchErrors(agent);

    await signInAgent(agent, e2e.server.url);

    await visitor.goto(e2e.host.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByLabel('Your name (optional)').fill('Vera');
    await visitor.getByLabel('Your email (optional)').fill('vera@example.test');
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    // "Waiting for an agent…" turns into the queue position as soon as the server pushes it, so
    // either may be what a loaded machine shows first.
    await visitor.getByText(/^(Waiting for an agent…|You are number 1 in the queue)/).waitFor();
    await visitor.getByLabel('Type your message').fill('Hello, my deposit has not arrived');
    await visitor.getByRole('button', { name: 'Send' }).click();

    // The chat appears in the agent's queue without a reload, and the agent takes it.
    await agent.getByRole('button', { name: 'Accept chat from Vera' }).click();
    await agent.getByText('Hello, my deposit has not arrived').waitFor();
    await visitor.getByText(/You are chatting with admin/).waitFor();

    // Typing shows on the other side.
    await visitor.getByLabel('Type your message').pressSequentially('Also', { delay: 20 });
    await agent.getByText('Vera is typing…').waitFor();

    await agent.getByLabel('Reply to the customer').fill('Hi Vera, let me check that for you.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await visitor.getByText('Hi Vera, let me check that for you.').waitFor();

    await visitor.getByLabel('Type your message').fill('Thank you!');
    await visitor.getByLabel('Type your message').press('Enter');
    await agent.getByText('Thank you!').waitFor();

    // A reload of the customer's page restores the whole conversation.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    for (const text of ['Hello, my deposit has not arrived', 'Hi Vera, let me check that for you.', 'Thank you!']) {
      await visitor.getByText(text).waitFor();
    }
    await visitor.getByText(/You are chatting with admin/).waitFor();

    // The messages were stored once each, in order.
    const stored = await e2e.server.models.Message.find({ authorType: { $ne: 'system' } }).sort({ seq: 1 }).lean();
    expect(stored.map((m) => m.body)).toEqual(['Hello, my deposit has not arrived', 'Hi Vera, let me check that for you.', 'Thank you!']);
    expect(visitorErrors).toEqual([]);
    expect(agentErrors).toEqual([]);
  }, 60_000);
});
