import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fillPlaceholders } from '../../shared/canned-placeholders.js';
import type { ConversationDTO, SyncResult } from '../../shared/types.js';
import type { CannedReplyDTO } from '../../shared/workspace.js';
import { agentSession, call, closeAllClients, connectVisitor, ok, record, type AgentClient } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

async function agent(name: string, role: 'agent' | 'admin' = 'agent'): Promise<{ socket: AgentClient; id: string }> {
  const creds = await server.addAgent(name, role);
  return { socket: (await agentSession(server.url, creds)).socket, id: creds.id };
}

const save = (socket: AgentClient, reply: Record<string, unknown>) => call<CannedReplyDTO>(socket, 'canned:save', reply);
const list = async (socket: AgentClient) => ok(await call<CannedReplyDTO[]>(socket, 'canned:list', {}));

describe('canned replies', () => {
  it('admins write shared replies every agent sees; agents keep personal ones only they see, all sorted by shortcut', async () => {
    const admin = (await agentSession(server.url, ADMIN)).socket;
    const ana = await agent('Ana');
    const bo = await agent('Bo');

    const shared = ok(await save(admin, { shortcut: 'welcome', title: 'Welcome', body: 'Hi {visitor.name}, I am {agent.name}.', scope: 'shared' }));
    expect(shared).toMatchObject({ shortcut: 'welcome', scope: 'shared', ownerId: null, body: 'Hi {visitor.name}, I am {agent.name}.' });
    const mine = ok(await save(ana.socket, { shortcut: 'bye', title: 'Goodbye', body: 'Ticket {ticket.number} stays open for you.', scope: 'personal' }));
    expect(mine).toMatchObject({ scope: 'personal', ownerId: ana.id });

    expect((await list(ana.socket)).map((r) => r.shortcut)).toEqual(['bye', 'welcome']);
    // Bo sees the shared reply but not Ana's personal one, and cannot touch it either.
    expect((await list(bo.socket)).map((r) => r.shortcut)).toEqual(['welcome']);
    expect(await save(bo.socket, { id: mine.id, shortcut: 'bye', title: 'Mine now', body: 'x', scope: 'personal' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(bo.socket, 'canned:delete', { id: mine.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Not even an admin edits someone's personal reply.
    expect(await call(admin, 'canned:delete', { id: mine.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await list(ana.socket)).map((r) => r.shortcut)).toEqual(['bye', 'welcome']);
  });

  it('an agent who is not an admin cannot create, change or delete shared replies', async () => {
    const admin = (await agentSession(server.url, ADMIN)).socket;
    const cy = await agent('Cy');
    const refused = await save(cy.socket, { shortcut: 'refund', title: 'Refund', body: 'We refunded you.', scope: 'shared' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const shared = ok(await save(admin, { shortcut: 'hours', title: 'Opening hours', body: 'We are here 24/7.', scope: 'shared' }));
    expect(await save(cy.socket, { id: shared.id, shortcut: 'hours', title: 'Hacked', body: 'x', scope: 'shared' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Nor by moving it into their personal scope.
    expect(await save(cy.socket, { id: shared.id, shortcut: 'hours', title: 'Hacked', body: 'x', scope: 'personal' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call(cy.socket, 'canned:delete', { id: shared.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await list(cy.socket)).find((r) => r.id === shared.id)).toMatchObject({ title: 'Opening hours', body: 'We are here 24/7.' });

    // The admin edits and deletes it; every agent is told to reload their list.
    const changed = record<{ id: string }>(cy.socket, 'canned:changed');
    const edited = ok(await save(admin, { id: shared.id, shortcut: 'hours', title: 'Opening hours', body: 'We are here around the clock.', scope: 'shared' }));
    expect(edited).toMatchObject({ id: shared.id, body: 'We are here around the clock.' });
    await changed.until((items) => items.some((c) => c.id === shared.id));
    expect(ok(await call(admin, 'canned:delete', { id: shared.id }))).toBeNull();
    expect((await list(cy.socket)).some((r) => r.id === shared.id)).toBe(false);
  });

  it('a shortcut is unique per scope and owner, also when two saves race, and the refusal says why', async () => {
    const admin = (await agentSession(server.url, ADMIN)).socket;
    const di = await agent('Di');
    const eve = await agent('Eve');
    const reply = { shortcut: 'same', title: 'Same', body: 'Same body', scope: 'personal' };

    ok(await save(di.socket, reply));
    const dup = await save(di.socket, { ...reply, title: 'Again' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (!dup.ok) expect(dup.error.message).toMatch(/already uses the shortcut \/same/);
    // Another agent's personal reply and a shared one may use the same shortcut.
    ok(await save(eve.socket, reply));
    ok(await save(admin, { ...reply, scope: 'shared' }));

    // Two admins' tabs save the same new shared shortcut at the same moment: exactly one wins.
    const racers = await Promise.all(Array.from({ length: 6 }, (_, i) => save(admin, { shortcut: 'racy', title: `Racy ${i}`, body: 'b', scope: 'shared' })));
    expect(racers.filter((r) => r.ok)).toHaveLength(1);
    expect(racers.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(Array(5).fill('CONFLICT'));
    expect(await server.models.CannedReply.countDocuments({ shortcut: 'racy' })).toBe(1);

    // Renaming onto a taken shortcut is refused as well, and leaves the reply as it was.
    const other = ok(await save(di.socket, { shortcut: 'other', title: 'Other', body: 'Other body', scope: 'personal' }));
    expect(await save(di.socket, { id: other.id, shortcut: 'same', title: 'Other', body: 'Other body', scope: 'personal' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await list(di.socket)).find((r) => r.id === other.id)?.shortcut).toBe('other');
  });

  it('refuses malformed replies with the field at fault', async () => {
    const fay = await agent('Fay');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ shortcut: 'Has Space', title: 't', body: 'b', scope: 'personal' }, 'shortcut'],
      [{ shortcut: 'UPPER', title: 't', body: 'b', scope: 'personal' }, 'shortcut'],
      [{ shortcut: 'x'.repeat(33), title: 't', body: 'b', scope: 'personal' }, 'shortcut'],
      [{ shortcut: 'ok', title: '', body: 'b', scope: 'personal' }, 'title'],
      [{ shortcut: 'ok', title: 't'.repeat(101), body: 'b', scope: 'personal' }, 'title'],
      [{ shortcut: 'ok', title: 't', body: 'b'.repeat(4001), scope: 'personal' }, 'body'],
      [{ shortcut: 'ok', title: 't', body: '   ', scope: 'personal' }, 'body'],
      [{ shortcut: 'ok', title: 't', body: 'b', scope: 'team' }, 'scope'],
    ];
    for (const [input, path] of cases) {
      expect(await save(fay.socket, input), JSON.stringify(input).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path }] } });
    }
    expect((await list(fay.socket)).filter((r) => r.scope === 'personal')).toEqual([]);
  });

  it('placeholders are filled from what the agent holds: the visitor, the ticket and the agent', async () => {
    const creds = await server.addAgent('Gus');
    const session = await agentSession(server.url, creds);
    const gus = session.socket;
    const reply = ok(await save(gus, { shortcut: 'status', title: 'Status', body: 'Hi {visitor.name}, {agent.name} here: ticket {ticket.number} is with us. {unknown} stays.', scope: 'personal' }));

    const named = await connectVisitor(server.url);
    const chat = ok(await call<SyncResult>(named, 'conversation:start', { name: 'Tove' })).conversation;
    ok(await call(gus, 'conversation:accept', { conversationId: chat.id }));
    const ticket = ok(await call<ConversationDTO>(gus, 'ticket:convert', { conversationId: chat.id, category: 'account' }));
    const values = (c: ConversationDTO) => ({ visitorName: c.visitor.name, ticketNumber: c.ticket?.number, agentName: session.login.agent.name });
    expect(fillPlaceholders(reply.body, values(ticket))).toBe(`Hi Tove, Gus here: ticket ${ticket.ticket!.number} is with us. {unknown} stays.`);

    // No name and no ticket: a friendly fallback, and no gap where the number would be.
    const anonymous = await connectVisitor(server.url);
    const plain = ok(await call<SyncResult>(anonymous, 'conversation:start', {})).conversation;
    expect(fillPlaceholders(reply.body, values(plain))).toBe('Hi there, Gus here: ticket is with us. {unknown} stays.');
  });

  it('visitors cannot read canned replies', async () => {
    const visitor = await connectVisitor(server.url);
    expect(await call(visitor, 'canned:list', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
