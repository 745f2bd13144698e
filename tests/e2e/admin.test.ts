/**
 * The admin screens in a real browser: an admin invites an agent, the agent follows the link in
 * the mail (real SMTP), chooses a password and lands in the workspace; the admin switches the site
 * to automatic routing and sets business hours, and a mistake in them is explained on the form.
 */
import { describe, expect, it } from 'vitest';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ mail: true });

describe('admin screens', () => {
  it('an admin invites an agent, who sets a password from the mailed link and lands in the workspace', async () => {
    const admin = await (await e2e.browser.newContext()).newPage();
    const adminErrors = watchErrors(admin);
    await signInAgent(admin, e2e.server.url);
    await admin.getByRole('link', { name: 'Admin' }).click();
    await admin.getByRole('heading', { name: 'Agents' }).waitFor();

    await admin.getByRole('button', { name: 'Invite agent' }).click();
    // Sending an empty form explains what is missing, next to the fields.
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByText('Enter a name.').waitFor();
    expect(await admin.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await admin.getByLabel('Name', { exact: true }).fill('Greta Neu');
    await admin.getByLabel('Email', { exact: true }).fill('greta@example.test');
    await admin.getByLabel('Chats at once').fill('4');
    await admin.getByRole('group', { name: 'Languages' }).getByLabel('German').check();
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByText('Invitation sent to greta@example.test.').waitFor();
    await admin.getByRole('row', { name: /Greta Neu/ }).getByText('Invited').waitFor();

    const invitation = await e2e.mail.waitFor((m) => m.to.includes('greta@example.test'));
    const link = /https?:\/\/\S+\/agent\/#\/invite\/[A-Za-z0-9_-]{43}/.exec(invitation.text)?.[0];
    expect(link).toBeDefined();

    const agent = await (await e2e.browser.newContext()).newPage();
    const agentErrors = watchErrors(agent);
    await agent.goto(link!);
    await agent.getByRole('heading', { name: 'Set your password' }).waitFor();
    await agent.getByLabel('New password').fill('greta-long-password');
    await agent.getByLabel('Repeat the password').fill('greta-long-passw0rd');
    await agent.getByRole('button', { name: 'Set password and sign in' }).click();
    await agent.getByText('The two passwords are not the same.').waitFor();
    await agent.getByLabel('Repeat the password').fill('greta-long-password');
    await agent.getByRole('button', { name: 'Set password and sign in' }).click();
    await agent.getByRole('heading', { name: 'Queue' }).waitFor();
    // The token left the address bar, and a plain agent has no Admin area.
    expect(new URL(agent.url()).hash).toBe('#/chats');
    expect(await agent.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    const stored = await e2e.server.models.Agent.findOne({ email: 'greta@example.test' }).lean();
    expect(stored).toMatchObject({ name: 'Greta Neu', role: 'agent', maxChats: 4, inviteHash: null, skills: { languages: ['de'] } });

    // The link is spent: opening it again says so.
    const again = await (await e2e.browser.newContext()).newPage();
    await again.goto(link!);
    await again.getByLabel('New password').fill('another-long-password');
    await again.getByLabel('Repeat the password').fill('another-long-password');
    await again.getByRole('button', { name: 'Set password and sign in' }).click();
    await again.getByRole('alert').getByText(/not valid any more/).waitFor();

    expect(adminErrors).toEqual([]);
    expect(agentErrors).toEqual([]);
  }, 40_000);

  it('an admin switches the site to automatic routing and sets business hours; overlapping hours are explained', async () => {
    const page = await (await e2e.browser.newContext()).newPage();
    const errors = watchErrors(page);
    await signInAgent(page, e2e.server.url);
    await page.goto(`${e2e.server.url}/agent/#/admin/site`);
    await page.getByRole('heading', { name: 'Site settings' }).waitFor();

    await page.getByRole('radio', { name: /Automatic/ }).check();
    await page.getByLabel('Offer live chat only during business hours').check();
    await page.getByLabel('Time zone').fill('Europe/Stockholm');
    await page.getByRole('button', { name: 'Add opening hours on Monday' }).click();
    await page.getByLabel('Monday to', { exact: true }).fill('18:00');
    await page.getByRole('button', { name: 'Copy to Tuesday–Friday' }).click();
    // A second Tuesday interval that starts before the first one ends.
    await page.getByRole('button', { name: 'Add opening hours on Tuesday' }).click();
    await page.getByLabel('Tuesday from (2)').fill('17:00');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').getByText('Some settings are not valid: see the messages below.').waitFor();
    await page.getByText('09:00–18:00 and 17:00–24:00 overlap', { exact: true }).waitFor();
    expect((await e2e.server.models.Site.findById('default').lean())?.routing ?? 'manual').toBe('manual');

    await page.getByRole('button', { name: 'Remove Tuesday 17:00 to 24:00' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Site settings saved.').waitFor();

    const site = await e2e.server.models.Site.findById('default').lean();
    expect(site?.routing).toBe('auto');
    expect(site?.businessHours).toEqual({
      timeZone: 'Europe/Stockholm',
      days: {
        mon: [{ from: '09:00', to: '18:00' }],
        tue: [{ from: '09:00', to: '18:00' }],
        wed: [{ from: '09:00', to: '18:00' }],
        thu: [{ from: '09:00', to: '18:00' }],
        fri: [{ from: '09:00', to: '18:00' }],
        sat: [],
        sun: [],
      },
    });
    // After a reload the form shows what was saved.
    await page.reload();
    await page.getByRole('heading', { name: 'Site settings' }).waitFor();
    expect(await page.getByRole('radio', { name: /Automatic/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Friday to', { exact: true }).inputValue()).toBe('18:00');
    // The one refused save, as the browser logs it; nothing else went wrong.
    expect(errors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  }, 30_000);
});
