/**
 * A guest comes back to their ticket from the email, in a real browser: the link and the code come
 * from mails received over a real SMTP conversation, and the agent sees the reply live.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { MessageDTO, SyncResult } from '../../shared/types.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { agentSession, call, connectVisitor, ok, record } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ mail: true });

/** A tiny valid PNG, so the server's content check accepts it as an image. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: 8 }, () => Buffer.from([0, ...Array.from({ length: 8 }, () => [255, 128, 0]).flat()])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

describe('a guest back in their ticket', () => {
  it('opens the email link, asks for a code, enters the code from the second email, reads the history and replies with a screenshot the agent sees live', async () => {
    // The ticket: the visitor left a message while no agent was online; an agent answered and
    // set it to pending (waiting on the customer).
    const visitor = await connectVisitor(e2e.server.url);
    const created = ok(
      await call<SyncResult>(visitor, 'ticket:create', { clientId: 'guest-e2e-form-1', email: 'guest@example.test', category: 'security', body: 'Someone logged in to my account', locale: 'en' }),
    );
    const ticket = created.conversation;
    const number = ticket.ticket!.number;
    const agent = (await agentSession(e2e.server.url, await e2e.server.addAgent('Agnes'))).socket;
    ok(await call<MessageDTO>(agent, 'message:send', { conversationId: ticket.id, clientId: 'guest-e2e-agent-1', body: 'Please send us a screenshot of the login alert.' }));
    ok(await call(agent, 'ticket:update', { conversationId: ticket.id, status: 'pending' }));
    ok(await call(agent, 'conversation:sync', { conversationId: ticket.id, afterSeq: 0 }));
    const agentSees = record<MessageDTO>(agent, 'message:created');

    const createdMail = await e2e.mail.waitFor((m) => m.to.includes('guest@example.test') && m.subject.includes(String(number)));
    const link = /https?:\/\/\S+\/tickets\/#t=[A-Za-z0-9_-]+/.exec(createdMail.text)?.[0];
    expect(link, createdMail.text).toBeTruthy();
    expect(createdMail.text).not.toContain('Please send us a screenshot'); // an alert, not the conversation

    // An agent has the ticket open in the agent UI.
    const agentPage = await (await e2e.browser.newContext()).newPage();
    const agentErrors = watchErrors(agentPage);
    await signInAgent(agentPage, e2e.server.url);
    await agentPage.getByRole('link', { name: 'Tickets' }).click();
    await agentPage.getByText('Someone logged in to my account').first().click();
    await agentPage.getByText('Please send us a screenshot of the login alert.').first().waitFor();

    const page = await (await e2e.browser.newContext()).newPage();
    const errors = watchErrors(page);
    await page.goto(link!);
    await page.getByText('g•••@example.test').first().waitFor();
    expect(page.url()).not.toContain('#t='); // the token does not linger in the address bar

    await page.getByRole('button', { name: 'Send code' }).click();
    const codeMail = await e2e.mail.waitFor((m) => m.to.includes('guest@example.test') && /\b\d{6}\b/.test(m.text) && m !== createdMail);
    const code = /\b(\d{6})\b/.exec(codeMail.text)![1]!;
    expect(codeMail.subject).toContain(String(number));

    await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: /not right/i }).waitFor();
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();

    const history = page.getByTestId('history');
    await history.getByText('Someone logged in to my account').waitFor();
    await history.getByText('Please send us a screenshot of the login alert.').waitFor();
    await page.getByText(String(number)).first().waitFor();

    await page.getByLabel('Your reply').fill('Here is the alert I got.');
    await page.getByLabel('Attach files').setInputFiles({ name: 'login-alert.png', mimeType: 'image/png', buffer: png() });
    await page.getByRole('button', { name: 'Send' }).click();
    await history.getByText('Here is the alert I got.').waitFor();
    await history.locator('img[src^="blob:"]').first().waitFor();

    // The agent hears it live, with the attachment, and the reply reopened the pending ticket.
    const [reply] = await agentSees.until((xs) => xs.some((m) => m.body === 'Here is the alert I got.'));
    const heard = agentSees.items.find((m) => m.body === 'Here is the alert I got.') ?? reply!;
    expect(heard.attachments).toMatchObject([{ name: 'login-alert.png', type: 'image/png', inline: true }]);
    const after = ok(await call<SyncResult>(agent, 'conversation:sync', { conversationId: ticket.id, afterSeq: 0 }));
    expect(after.conversation.ticket!.status).toBe('open');
    // ...and so does the agent UI, without a reload: the reply, its image, and the reopened status.
    await agentPage.getByText('Here is the alert I got.').first().waitFor();
    await agentPage.locator('img[src^="blob:"]').first().waitFor();
    expect(agentErrors).toEqual([]);

    // An agent's answer appears on the guest's page without a reload.
    ok(await call(agent, 'message:send', { conversationId: ticket.id, clientId: 'guest-e2e-agent-2', body: 'Thanks, we locked the session.' }));
    await history.getByText('Thanks, we locked the session.').waitFor();
    expect(errors.filter((e) => !/401|Unauthorized/i.test(e))).toEqual([]);
  }, 60_000);

  it('a wrong or made-up link shows one clear page that says nothing about any ticket', async () => {
    const page = await (await e2e.browser.newContext()).newPage();
    await page.goto(`${e2e.server.url}/tickets/#t=${'A'.repeat(43)}`);
    await page.getByText('This link doesn’t work').waitFor();
    expect(await page.getByRole('button', { name: 'Send code' }).count()).toBe(0);
  }, 30_000);
});
