import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import type { ReadReceiptsDTO } from '../../shared/visitor-features.js';
import { agentSession, call, closeAllClients, connectAgent, connectVisitor, newVisitorToken, ok, record, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

let n = 0;
const cid = () => `rr-${Date.now().toString(36)}-${++n}`;

const say = async (socket: VisitorClient | AgentClient, conversationId: string, body: string) =>
  ok(await call<MessageDTO>(socket, 'message:send', { conversationId, clientId: cid(), body }));

/** A live chat: a visitor who wrote, and the agent who accepted it (and so has it open). */
async function liveChat(name: string) {
  const { socket: agent, login } = await agentSession(server.url, await server.addAgent(name));
  const visitorToken = newVisitorToken();
  const visitor = await connectVisitor(server.url, visitorToken);
  const started = ok(await call<SyncResult>(visitor, 'conversation:start', { name: `Visitor of ${name}` })).conversation;
  const chat = ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId: started.id }));
  return { agent, agentToken: login.token, visitor, visitorToken, chat };
}

describe('read receipts', () => {
  it("the visitor learns live how far the agent has read, and the agent how far the visitor has", async () => {
    const { agent, visitor, chat } = await liveChat('Ada');
    const question = await say(visitor, chat.id, 'Is my order on its way?');
    const toVisitor = record<ReadReceiptsDTO>(visitor, 'receipts:changed');
    const toAgent = record<ReadReceiptsDTO>(agent, 'receipts:changed');

    // The agent reads the visitor's question: the widget can show "Seen" under it.
    ok(await call(agent, 'conversation:read', { conversationId: chat.id, seq: question.seq }));
    await toVisitor.until((items) => items.some((r) => r.conversationId === chat.id && r.agentSeq === question.seq));

    // The agent answers, the visitor reads it: the agent can show "Seen" under the reply.
    const reply = await say(agent, chat.id, 'It left the warehouse today.');
    const ack = ok(await call<ReadReceiptsDTO>(visitor, 'conversation:read', { conversationId: chat.id, seq: reply.seq }));
    expect(ack).toEqual({ conversationId: chat.id, visitorSeq: reply.seq, agentSeq: question.seq });
    await toAgent.until((items) => items.some((r) => r.conversationId === chat.id && r.visitorSeq === reply.seq));
  });

  it('a sync brings both marks, to the visitor and to an agent', async () => {
    const { agent, visitor, chat } = await liveChat('Bea');
    const question = await say(visitor, chat.id, 'Hello?');
    ok(await call(agent, 'conversation:read', { conversationId: chat.id, seq: question.seq }));
    const reply = await say(agent, chat.id, 'Hi there');
    ok(await call(visitor, 'conversation:read', { conversationId: chat.id, seq: reply.seq }));

    const expected = { conversationId: chat.id, visitorSeq: reply.seq, agentSeq: question.seq };
    expect(ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 })).receipts).toEqual(expected);
    const other = (await agentSession(server.url, await server.addAgent('Bea2'))).socket;
    expect(ok(await call<SyncResult>(other, 'conversation:sync', { conversationId: chat.id, afterSeq: reply.seq })).receipts).toEqual(expected);
    // A chat nobody has read yet reports zeros, and the start of a chat carries them too.
    const fresh = ok(await call<SyncResult>(await connectVisitor(server.url), 'conversation:start', {}));
    expect(fresh.receipts).toEqual({ conversationId: fresh.conversation.id, visitorSeq: 0, agentSeq: 0 });
  });

  it('a lower mark is ignored, announces nothing, and a mark past the last message stops at it', async () => {
    const { agent, visitor, chat } = await liveChat('Cy');
    await say(visitor, chat.id, 'one');
    const two = await say(visitor, chat.id, 'two');
    const reply = await say(agent, chat.id, 'three');

    // Past the end: capped at the conversation's last message.
    const capped = ok(await call<ReadReceiptsDTO>(visitor, 'conversation:read', { conversationId: chat.id, seq: reply.seq + 50 }));
    expect(capped.visitorSeq).toBe(reply.seq);
    ok(await call(agent, 'conversation:read', { conversationId: chat.id, seq: two.seq + 100 }));
    expect((await server.models.ReadReceipt.findById(chat.id).lean())?.agentSeq).toBe(reply.seq);

    const heard = record<ReadReceiptsDTO>(agent, 'receipts:changed');
    const lowered = ok(await call<ReadReceiptsDTO>(visitor, 'conversation:read', { conversationId: chat.id, seq: 1 }));
    expect(lowered).toEqual({ conversationId: chat.id, visitorSeq: reply.seq, agentSeq: reply.seq });
    // Nor does an agent who saw less.
    ok(await call(agent, 'conversation:read', { conversationId: chat.id, seq: 1 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.items).toEqual([]);
    expect(ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 })).receipts).toEqual(lowered);
  });

  it("another visitor cannot mark someone's conversation as read, and bad input is refused", async () => {
    const { visitor, chat } = await liveChat('Dot');
    await say(visitor, chat.id, 'private');
    const stranger = await connectVisitor(server.url);
    expect(await call(stranger, 'conversation:read', { conversationId: chat.id, seq: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // One that does not exist answers the same, so the answer tells nothing about others.
    expect(await call(stranger, 'conversation:read', { conversationId: '0123456789abcdef01234567', seq: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    for (const bad of [{ conversationId: chat.id, seq: -1 }, { conversationId: chat.id, seq: 1.5 }, { conversationId: chat.id }, { conversationId: 'x', seq: 1 }, { conversationId: chat.id, seq: 1, extra: true }]) {
      expect(await call(visitor, 'conversation:read', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await server.models.ReadReceipt.findById(chat.id).lean()).toBeNull();
  });

  it("every tab of the visitor hears the agent's read, and reads from many tabs at once keep the highest", async () => {
    const { agent, agentToken, visitor, visitorToken, chat } = await liveChat('Eve');
    const sent: MessageDTO[] = [];
    for (let i = 0; i < 6; i++) sent.push(await say(i % 2 ? agent : visitor, chat.id, `m${i}`));
    const top = sent[sent.length - 1]!.seq;
    // A second tab that never opened the conversation still hears it (the visitor's room).
    const tab = await connectVisitor(server.url, visitorToken);
    const heard = record<ReadReceiptsDTO>(tab, 'receipts:changed');
    const tabs = [visitor, tab, ...(await Promise.all([1, 2, 3].map(() => connectVisitor(server.url, visitorToken))))];
    const desks = [agent, ...(await Promise.all([1, 2, 3].map(() => connectAgent(server.url, agentToken))))];
    // Both sides raise their marks at the same time: neither may undo the other's (one document).
    await Promise.all([
      ...Array.from({ length: top }, (_, i) => call(tabs[i % tabs.length]!, 'conversation:read', { conversationId: chat.id, seq: i + 1 })),
      ...Array.from({ length: top }, (_, i) => call(desks[i % desks.length]!, 'conversation:read', { conversationId: chat.id, seq: top - i })),
    ]);
    const stored = await server.models.ReadReceipt.findById(chat.id).lean();
    expect({ visitorSeq: stored?.visitorSeq, agentSeq: stored?.agentSeq }).toEqual({ visitorSeq: top, agentSeq: top });
    await heard.until((items) => items.some((r) => r.agentSeq === top));
  });
});
