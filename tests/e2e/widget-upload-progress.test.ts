/**
 * Upload progress in the widget, in a real browser on a customer's page of another origin: the
 * upload is slowed down (Chromium's network emulation) so that a person would watch it.
 */
import { describe, expect, it } from 'vitest';
import { watchErrors } from '../helpers/browser.js';
import { agentSession } from '../helpers/clients.js';
import { useE2E } from '../helpers/e2e.js';
import { ADMIN } from '../helpers/server.js';

const e2e = useE2E({ host: true });

describe('upload progress in the widget', () => {
  it('a file being uploaded shows how far it has got, then becomes a chip that is sent with the message', async () => {
    const context = await e2e.browser.newContext();
    const visitor = await context.newPage();
    const errors = watchErrors(visitor);
    // An agent online, so the widget offers the live chat.
    await agentSession(e2e.server.url, ADMIN);
    await visitor.goto(e2e.host.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByLabel('Type your message').waitFor();

    // About 3 seconds for 768 KB.
    const cdp = await context.newCDPSession(visitor);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const text = Buffer.from('line of a long support log\n'.repeat(Math.ceil((768 * 1024) / 27)));
    const [chooser] = await Promise.all([visitor.waitForEvent('filechooser'), visitor.getByRole('button', { name: 'Attach files' }).click()]);
    await chooser.setFiles({ name: 'support.log', mimeType: 'text/plain', buffer: text });

    const bar = visitor.getByRole('progressbar', { name: 'Uploading… support.log' });
    await bar.waitFor();
    // The bar moves: some of the file has gone, not all of it.
    await expect.poll(async () => Number((await bar.getAttribute('value')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(0.05);
    expect(Number(await bar.getAttribute('value'))).toBeLessThan(1);

    await visitor.getByRole('button', { name: 'Remove support.log' }).waitFor({ timeout: 15_000 });
    expect(await bar.count()).toBe(0);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await visitor.getByLabel('Type your message').fill('Here is the log');
    await visitor.getByRole('button', { name: 'Send' }).click();
    await visitor.getByRole('button', { name: /support\.log/ }).first().waitFor();
    const stored = await e2e.server.models.Message.findOne({ body: 'Here is the log' }).lean();
    expect(stored?.attachments).toMatchObject([{ name: 'support.log', type: 'text/plain', size: text.length }]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('an upload refused for an expired session is sent once more after renewing it, and the visitor sees only the file', async () => {
    const visitor = await (await e2e.browser.newContext()).newPage();
    await agentSession(e2e.server.url, ADMIN);
    await visitor.goto(e2e.host.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByLabel('Type your message').waitFor();

    // The server refuses the first try as it would a token that expired meanwhile.
    const tokens: string[] = [];
    await visitor.route('**/api/uploads', async (route) => {
      tokens.push(route.request().headers()['authorization'] ?? '');
      if (tokens.length === 1) await route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":{"code":"UNAUTHENTICATED","message":"expired"}}' });
      else await route.continue();
    });
    const [chooser] = await Promise.all([visitor.waitForEvent('filechooser'), visitor.getByRole('button', { name: 'Attach files' }).click()]);
    await chooser.setFiles({ name: 'short.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await visitor.getByRole('button', { name: 'Remove short.txt' }).waitFor();
    expect(tokens).toHaveLength(2);
    expect(tokens.every((t) => /^Bearer \S+$/.test(t))).toBe(true);
    expect(await visitor.getByRole('alert').count()).toBe(0);
  }, 60_000);
});
