/**
 * The agent workspace end to end in Chromium (issue 5): two agents and two visitors, each in their
 * own browser context, against the real server. The site routes automatically; Ada takes one chat
 * at a time, Ben two. Ada speaks the visitors' language, so the router prefers her: only her
 * capacity sends the second visitor to Ben. Ada then transfers her chat to Ben, Ben answers with a
 * canned reply picked by "/", ends the chat, and the visitor's rating shows up live in Ben's view.
 *
 * REST and one admin socket only set things up (routing, capacity, skills, a shared canned reply;
 * the canned-reply screen itself is covered by canned-replies.test.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CannedReplyDTO } from '../../shared/workspace.js';
import { signInAgent, watchErrors } from '../helpers/browser.js';
import { call, connectAgent, login, ok, rest } from '../helpers/clients.js';
import { ADMIN } from '../helpers/server.js';
import { useE2E } from '../helpers/e2e.js';

const e2e = useE2E({ host: true });

interface Tab {
  page: Page;
  errors: string[];
}

async function newTab(): Promise<Tab> {
  const page = await (await e2e.browser.newContext({ locale: 'en-US' })).newPage();
  page.setDefaultTimeout(10_000);
  return { page, errors: watchErrors(page) };
}

/** A visitor on the customer's site who starts a chat and says hello. */
async function startChat(tab: Tab, name: string, message: string): Promise<void> {
  const { page } = tab;
  await page.goto(e2e.host.url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByLabel('Your name (optional)').fill(name);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByLabel('Type your message').fill(message);
  await page.getByLabel('Type your message').press('Enter');
}

/** The agent's own live chats ("My chats" in the left column), by visitor name. */
const myChats = (page: Page) => page.getByRole('region', { name: 'My chats' }).getByRole('listitem');

async function myChatNames(page: Page): Promise<string[]> {
  return (await myChats(page).locator('.name').allTextContents()).map((s) => s.trim()).sort();
}

/** One agent's line in the (expanded) team panel: "<name>, Online … 1 of 1 chats, full". */
const teamLine = (page: Page, name: string) => page.locator('team-panel').getByRole('listitem').filter({ hasText: name });

describe('the agent workspace with automatic routing', () => {
  it('two visitors are split by capacity, a chat is transferred, answered with a canned reply, ended and rated, and the agent sees the rating', async () => {
    // ---- setup: agents, capacity, skills, routing, a shared canned reply ----------------------
    const admin = await login(e2e.server.url, ADMIN.email, ADMIN.password);
    const adaCreds = await e2e.server.addAgent('Ada');
    const benCreds = await e2e.server.addAgent('Ben');
    const patch = async (path: string, body: unknown) => {
      const res = await rest(e2e.server.url, 'PATCH', path, { token: admin.token, body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    // Ada matches the widget's language (en), so routing prefers her over Ben as long as she has room.
    await patch(`/api/admin/agents/${adaCreds.id}`, { maxChats: 1, skills: { languages: ['en'], categories: [] } });
    await patch(`/api/admin/agents/${benCreds.id}`, { maxChats: 2 });
    await patch('/api/admin/sites/default', { routing: 'auto' });

    // A shared reply, saved over an admin socket that is closed again before anyone is routed.
    const adminSocket = await connectAgent(e2e.server.url, admin.token);
    ok(
      await call<CannedReplyDTO>(adminSocket, 'canned:save', {
        shortcut: 'refund',
        title: 'Refund on its way',
        body: 'Hi {visitor.name}, {agent.name} here. The double charge is refunded; you will see it in 2 days.',
        scope: 'shared',
      }),
    );
    adminSocket.disconnect();

    // ---- 1. both agents signed in and online ---------------------------------------------------
    const ada = await newTab();
    const ben = await newTab();
    await signInAgent(ada.page, e2e.server.url, adaCreds);
    await signInAgent(ben.page, e2e.server.url, benCreds);
    for (const { page } of [ada, ben]) {
      await page.getByRole('button', { name: 'Your availability: Online' }).waitFor();
      // The team panel lists both as online (the admin, whose socket closed, is not).
      await page.locator('team-panel summary').click();
      await page.locator('team-panel summary').getByText('· 2 online').waitFor();
    }

    // ---- 2. two visitors, one after the other: auto-assignment splits them by capacity --------
    const vera = await newTab();
    await startChat(vera, 'Vera', 'I was charged twice for my order.');
    await vera.page.getByText('You are chatting with Ada').waitFor();
    await myChats(ada.page).filter({ hasText: 'Vera' }).waitFor();

    const walt = await newTab();
    await startChat(walt, 'Walt', 'How do I change my password?');
    // Ada is the better match but full (1 of 1): Walt goes to Ben.
    await walt.page.getByText('You are chatting with Ben').waitFor();
    await myChats(ben.page).filter({ hasText: 'Walt' }).waitFor();
    expect(await myChatNames(ada.page)).toEqual(['Vera']);
    expect(await myChatNames(ben.page)).toEqual(['Walt']);
    // Nobody waits, and both agents see the load in the team panel, live.
    await ada.page.getByRole('region', { name: 'Queue' }).getByText('No one is waiting right now.').waitFor();
    await teamLine(ben.page, 'Ada').getByText('1 of 1 chats, full').waitFor();
    await teamLine(ada.page, 'Ben').getByText('1 of 2 chats').waitFor();

    // ---- 3. Ada transfers Vera to Ben through the dialog, with a note ---------------------------
    await myChats(ada.page).filter({ hasText: 'Vera' }).getByRole('button').click();
    await ada.page.locator('conversation-view').getByText('I was charged twice for my order.').waitFor();
    await ada.page.locator('conversation-view').getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = ada.page.getByRole('dialog', { name: 'Transfer this chat' });
    await dialog.getByRole('radio', { name: /Ben\s+1 of 2 chats/ }).check();
    await dialog.getByLabel('Note for whoever takes over (optional)').fill('Double charge; refund is approved.');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The visitor sees who they talk to now; the chat left Ada's list and is in Ben's.
    await vera.page.getByText('Ben joined the chat').waitFor();
    await vera.page.getByText('You are chatting with Ben').waitFor();
    await myChats(ben.page).filter({ hasText: 'Vera' }).waitFor();
    await myChats(ada.page).first().waitFor({ state: 'detached' });
    await ada.page.getByText('No active chats. Accept one from the list above.').waitFor();
    // Ada's view stays open, read-only.
    await ada.page.getByText('Ben is handling this chat.').waitFor();
    expect(await myChatNames(ben.page)).toEqual(['Vera', 'Walt']);
    await teamLine(ada.page, 'Ben').getByText('2 of 2 chats, full').waitFor();

    // ---- 4. Ben answers Vera with the canned reply, picked with "/" ----------------------------
    await myChats(ben.page).filter({ hasText: 'Vera' }).getByRole('button').click();
    const benView = ben.page.locator('conversation-view');
    await benView.getByRole('heading', { name: 'Vera' }).waitFor();
    // The transfer note is for whoever takes over: Ben has it in the chat, marked internal.
    await benView.getByText('Transferred to Ben: Double charge; refund is approved.').waitFor();
    await benView.getByText('Internal note — customers never see this').waitFor();
    const reply = ben.page.getByLabel('Reply to the customer', { exact: true });
    await reply.click();
    await reply.pressSequentially('/refu', { delay: 15 });
    const picker = ben.page.getByRole('listbox', { name: 'Canned replies' });
    const option = picker.getByRole('option', { name: /\/refund/ });
    const filled = 'Hi Vera, Ben here. The double charge is refunded; you will see it in 2 days.';
    await option.getByText(filled).waitFor();
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await reply.press('Enter');
    await picker.waitFor({ state: 'detached' });
    expect(await reply.inputValue()).toBe(filled);
    await reply.press('Enter');
    await vera.page.getByText(filled).waitFor();
    expect(await vera.page.getByText('Double charge; refund is approved.').count()).toBe(0);

    // An internal note in the live chat: Ada, still viewing, gets it; Vera never does.
    await benView.getByRole('radio', { name: 'Internal note' }).check();
    const note = ben.page.getByLabel('Internal note text', { exact: true });
    await note.fill('Vera asked twice before; keep her posted.');
    await note.press('Enter');
    await benView.getByText('Vera asked twice before; keep her posted.').waitFor();
    await ada.page.locator('conversation-view').getByText('Vera asked twice before; keep her posted.').waitFor();
    await benView.getByRole('radio', { name: 'Public reply' }).check();
    await vera.page.getByText(filled).waitFor();
    expect(await vera.page.getByText('Vera asked twice before').count()).toBe(0);

    // ---- 5. Ben ends the chat; Vera rates it; Ben sees the rating without a reload -------------
    await benView.getByRole('button', { name: 'End chat' }).click();
    await benView.getByRole('button', { name: 'End as resolved' }).click();
    await vera.page.getByText('The agent ended the chat').waitFor();
    // Ben's log says it was him; Ada, who still has the chat open, reads who it was.
    await benView.getByText('You ended the chat').waitFor();
    await ada.page.locator('conversation-view').getByText('Ben ended the chat').waitFor();
    const rating = ben.page.locator('conversation-rating');
    expect(await rating.getByText('Great').count()).toBe(0);

    const scale = vera.page.getByRole('radiogroup', { name: 'How was this chat?' });
    await scale.getByText('Great').click();
    expect(await scale.getByRole('radio', { name: 'Great' }).isChecked()).toBe(true);
    await vera.page.getByLabel('Comment (optional)').fill('Ben sorted it out quickly.');
    await vera.page.getByRole('button', { name: 'Send', exact: true }).click();
    await vera.page.getByText('Thank you for your feedback!').waitFor();

    await rating.getByText('Great').waitFor();
    await rating.getByText('Ben sorted it out quickly.').waitFor();
    expect(await rating.locator('p').textContent()).toContain('Visitor rating: 4 of 5');
    // Still the same page and the same open conversation: it updated live.
    await benView.getByRole('heading', { name: 'Vera' }).waitFor();
    expect(await myChatNames(ben.page)).toEqual(['Walt']);

    // Walt's chat with Ben went on untouched.
    await walt.page.getByText('You are chatting with Ben').waitFor();

    const stored = await e2e.server.models.Conversation.findOne({ visitorName: 'Vera' }).lean();
    expect(stored).toMatchObject({ status: 'ended', agentName: 'Ben', rating: { score: 4, comment: 'Ben sorted it out quickly.' } });

    for (const tab of [ada, ben, vera, walt]) expect(tab.errors).toEqual([]);
  }, 60_000);
});
