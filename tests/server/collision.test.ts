import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, SyncResult } from '../../shared/types.js';
import type { ViewersDTO } from '../../shared/workspace.js';
import { agentSession, call, closeAllClients, connectVisitor, ok, record, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

interface Agent {
  id: string;
  name: string;
  creds: { email: string; password: string };
  socket: AgentClient;
}

async function newAgent(name: string): Promise<Agent> {
  const creds = await server.addAgent(name);
  return { id: creds.id, name, creds, socket: (await agentSession(server.url, creds)).socket };
}

/** Another tab of the same agent. */
async function anotherTab(agent: Agent): Promise<AgentClient> {
  return (await agentSession(server.url, agent.creds)).socket;
}

async function startChat(): Promise<{ visitor: VisitorClient; conv: ConversationDTO }> {
  const visitor = await connectVisitor(server.url);
  const conv = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Vera' })).conversation;
  return { visitor, conv };
}

/** What an agent's conversation view does when it opens: load the stream, then say it views it. */
async function openView(socket: AgentClient, conversationId: string): Promise<ViewersDTO> {
  ok(await call(socket, 'conversation:sync', { conversationId, afterSeq: 0 }));
  return ok(await call<ViewersDTO>(socket, 'conversation:view', { conversationId, viewing: true }));
}

const names = (v: ViewersDTO | undefined) => (v?.agents ?? []).map((a) => a.name).sort();
const typingNames = (v: ViewersDTO | undefined) => (v?.agents ?? []).filter((a) => a.typing).map((a) => a.name).sort();
const latest = (items: ViewersDTO[], conversationId: string) => items.filter((v) => v.conversationId === conversationId).at(-1);

describe('collision warnings: who else views a conversation', () => {
  it('two agents who open the same chat each learn of the other', async () => {
    const [ida, max] = [await newAgent('Ida'), await newAgent('Max')];
    const { conv } = await startChat();
    const idaHears = record<ViewersDTO>(ida.socket, 'conversation:viewers');

    const first = await openView(ida.socket, conv.id);
    expect(first).toEqual({ conversationId: conv.id, agents: [{ id: ida.id, name: 'Ida', typing: false }] });

    const second = await openView(max.socket, conv.id);
    expect(names(second)).toEqual(['Ida', 'Max']);
    await idaHears.until((xs) => names(latest(xs, conv.id)).join() === 'Ida,Max');
  });

  it('an agent typing in the reply box shows as typing to the other viewer, and stops', async () => {
    const [ida, max] = [await newAgent('Ida'), await newAgent('Max')];
    const { conv } = await startChat();
    ok(await call(ida.socket, 'conversation:accept', { conversationId: conv.id }));
    await openView(ida.socket, conv.id);
    await openView(max.socket, conv.id);
    const maxHears = record<ViewersDTO>(max.socket, 'conversation:viewers');

    ok(await call(ida.socket, 'typing:set', { conversationId: conv.id, typing: true }));
    await maxHears.until((xs) => typingNames(latest(xs, conv.id)).join() === 'Ida');
    ok(await call(ida.socket, 'typing:set', { conversationId: conv.id, typing: false }));
    await maxHears.until((xs) => latest(xs, conv.id)!.agents.length === 2 && typingNames(latest(xs, conv.id)).length === 0);
  });

  it('typing stops by itself when the typing agent goes quiet without saying so', async () => {
    const [ida, max] = [await newAgent('Ida'), await newAgent('Max')];
    const { conv } = await startChat();
    await openView(ida.socket, conv.id);
    await openView(max.socket, conv.id);
    const maxHears = record<ViewersDTO>(max.socket, 'conversation:viewers');

    ok(await call(ida.socket, 'typing:set', { conversationId: conv.id, typing: true }));
    await maxHears.until((xs) => typingNames(latest(xs, conv.id)).join() === 'Ida');
    const startedAt = Date.now();
    await maxHears.until((xs) => typingNames(latest(xs, conv.id)).length === 0, 10_000);
    expect(Date.now() - startedAt).toBeGreaterThan(4_000);
    expect(names(latest(maxHears.items, conv.id))).toEqual(['Ida', 'Max']);
  }, 15_000);

  it('closing the view or disconnecting takes the agent off the list', async () => {
    const [ida, max, zoe] = [await newAgent('Ida'), await newAgent('Max'), await newAgent('Zoe')];
    const { conv } = await startChat();
    await openView(ida.socket, conv.id);
    await openView(max.socket, conv.id);
    await openView(zoe.socket, conv.id);
    const idaHears = record<ViewersDTO>(ida.socket, 'conversation:viewers');

    const closed = ok(await call<ViewersDTO>(max.socket, 'conversation:view', { conversationId: conv.id, viewing: false }));
    expect(names(closed)).toEqual(['Ida', 'Zoe']);
    await idaHears.until((xs) => names(latest(xs, conv.id)).join() === 'Ida,Zoe');

    zoe.socket.disconnect();
    await idaHears.until((xs) => names(latest(xs, conv.id)).join() === 'Ida');
  });

  it('an agent with two tabs is one viewer until the last tab lets go', async () => {
    const [ida, max] = [await newAgent('Ida'), await newAgent('Max')];
    const { conv } = await startChat();
    const maxTab2 = await anotherTab(max);
    await openView(ida.socket, conv.id);
    await openView(max.socket, conv.id);
    const both = await openView(maxTab2, conv.id);
    expect(both.agents.map((a) => a.name)).toEqual(['Ida', 'Max']);

    const idaHears = record<ViewersDTO>(ida.socket, 'conversation:viewers');
    // Typing in one tab shows, whatever the other tab does.
    ok(await call(maxTab2, 'typing:set', { conversationId: conv.id, typing: true }));
    await idaHears.until((xs) => typingNames(latest(xs, conv.id)).join() === 'Max');

    max.socket.disconnect();
    const afterOne = ok(await call<ViewersDTO>(ida.socket, 'conversation:view', { conversationId: conv.id, viewing: true }));
    expect(afterOne.agents).toEqual([
      { id: ida.id, name: 'Ida', typing: false },
      { id: max.id, name: 'Max', typing: true },
    ]);

    maxTab2.disconnect();
    await idaHears.until((xs) => names(latest(xs, conv.id)).join() === 'Ida');
  });

  it('agents not viewing the conversation and visitors never hear of viewers', async () => {
    const [ida, max, outsider] = [await newAgent('Ida'), await newAgent('Max'), await newAgent('Olga')];
    const { visitor, conv } = await startChat();
    const other = await startChat();
    // Olga has another chat open, and once looked at this one and closed it again.
    await openView(outsider.socket, other.conv.id);
    await openView(outsider.socket, conv.id);
    ok(await call(outsider.socket, 'conversation:view', { conversationId: conv.id, viewing: false }));
    const outsiderHears = record<ViewersDTO>(outsider.socket, 'conversation:viewers');
    const visitorHears = record<unknown>(visitor, 'conversation:viewers');
    const idaHears = record<ViewersDTO>(ida.socket, 'conversation:viewers');

    ok(await call(ida.socket, 'conversation:accept', { conversationId: conv.id }));
    await openView(ida.socket, conv.id);
    await openView(max.socket, conv.id);
    ok(await call(ida.socket, 'typing:set', { conversationId: conv.id, typing: true }));
    await idaHears.until((xs) => typingNames(latest(xs, conv.id)).join() === 'Ida');
    max.socket.disconnect();
    await idaHears.until((xs) => names(latest(xs, conv.id)).join() === 'Ida');

    expect(outsiderHears.items).toEqual([]);
    expect(visitorHears.items).toEqual([]);
    // The visitor's own command list has no such thing either.
    const refused = await call(visitor, 'conversation:view', { conversationId: conv.id, viewing: true });
    expect(refused.ok).toBe(false);
  });

  it('a conversation that does not exist cannot be viewed, and a bad payload is refused', async () => {
    const ida = await newAgent('Ida');
    const missing = await call(ida.socket, 'conversation:view', { conversationId: '0123456789abcdef01234567', viewing: true });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await call(ida.socket, 'conversation:view', { conversationId: 'x', viewing: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
