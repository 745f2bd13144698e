import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO, QueueSnapshot, SyncResult, TypingDTO } from '../../shared/types.js';
import { agentSession, call, closeAllClients, connectVisitor, newVisitorToken, ok, record, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { io } from 'socket.io-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

async function newAgent(name: string): Promise<AgentClient> {
  const creds = await server.addAgent(name);
  return (await agentSession(server.url, creds)).socket;
}

async function startChat(visitor: VisitorClient, name = 'Vera Visitor', email: string | null = 'vera@example.test'): Promise<ConversationDTO> {
  return ok(await call<SyncResult>(visitor, 'conversation:start', { name, ...(email ? { email } : {}), locale: 'de' })).conversation;
}

let clientSeq = 0;
const cid = () => `client-${Date.now().toString(36)}-${++clientSeq}`;

describe('a live chat from visitor to agent', () => {
  it('a client that starts with HTTP long-polling, as browsers do, connects and talks', async () => {
    const socket = io(`${server.url}/visitor`, { auth: { visitorToken: newVisitorToken() }, transports: ['polling'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(ok(await call<ConversationDTO | null>(socket as VisitorClient, 'conversation:current', {}))).toBeNull();
    } finally {
      socket.disconnect();
    }
  });

  it('a new chat appears in the queue of every agent watching it, with the visitor details', async () => {
    const [a1, a2] = [await newAgent('Ann'), await newAgent('Bob')];
    const seen1 = record<ConversationDTO>(a1, 'conversation:updated');
    const seen2 = record<ConversationDTO>(a2, 'conversation:updated');
    ok(await call(a1, 'queue:list', {}));
    ok(await call(a2, 'queue:list', {}));

    const conv = await startChat(await connectVisitor(server.url));
    expect(conv.status).toBe('queued');
    for (const seen of [seen1, seen2]) {
      const [update] = await seen.until((xs) => xs.some((c) => c.id === conv.id));
      expect(update).toMatchObject({ status: 'queued', visitor: { name: 'Vera Visitor', email: 'vera@example.test' }, locale: 'de' });
    }
    const queue = ok(await call<QueueSnapshot>(a1, 'queue:list', {}));
    expect(queue.queued.map((c) => c.id)).toContain(conv.id);
  });

  it('starting again while a chat is open returns the same chat, also from several tabs at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      const token = newVisitorToken();
      const tabs = await Promise.all(Array.from({ length: 6 }, () => connectVisitor(server.url, token)));
      const started = await Promise.all(tabs.map((tab) => call<SyncResult>(tab, 'conversation:start', {})));
      const ids = new Set(started.map((r) => ok(r).conversation.id));
      expect(ids.size).toBe(1);
      const current = ok(await call<ConversationDTO | null>(tabs[0]!, 'conversation:current', {}));
      expect(current?.id).toBe([...ids][0]);
      for (const tab of tabs) tab.disconnect();
    }
  });

  it('when two agents accept the same chat at once, exactly one wins, every time', async () => {
    const [a1, a2] = [await newAgent('Cleo'), await newAgent('Dan')];
    const rounds = 8;
    // Room for every chat: this is about the race for one chat, not about capacity (routing.test.ts).
    await server.models.Agent.updateMany({ name: { $in: ['Cleo', 'Dan'] } }, { $set: { maxChats: rounds } });
    const convs = await Promise.all(Array.from({ length: rounds }, async () => startChat(await connectVisitor(server.url))));
    for (const conv of convs) {
      const [r1, r2] = await Promise.all([
        call<ConversationDTO>(a1, 'conversation:accept', { conversationId: conv.id }),
        call<ConversationDTO>(a2, 'conversation:accept', { conversationId: conv.id }),
      ]);
      const winners = [r1, r2].filter((r) => r.ok);
      const losers = [r1, r2].filter((r) => !r.ok);
      expect(winners).toHaveLength(1);
      expect(losers[0]).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

      const history = ok(await call<SyncResult>(a1, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
      const winner = winners[0]!.ok ? winners[0]!.data.agent : null;
      expect(history.conversation).toMatchObject({ status: 'active', agent: winner });
      // One "joined" line, not two.
      expect(history.messages.filter((m) => m.system?.kind === 'agent.joined')).toHaveLength(1);
    }
  });

  it('visitor and agent exchange messages live and in order; the visitor sees who answers', async () => {
    const agent = await newAgent('Eve');
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    const visitorUpdates = record<ConversationDTO>(visitor, 'conversation:updated');
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));
    const [joined] = await visitorUpdates.until((xs) => xs.some((c) => c.status === 'active'));
    expect(joined?.agent?.name).toBe('Eve');

    const atAgent = record<MessageDTO>(agent, 'message:created');
    const atVisitor = record<MessageDTO>(visitor, 'message:created');
    // Fired without waiting: the server must still store them in the order they were sent.
    const sends = Array.from({ length: 15 }, (_, i) => call<MessageDTO>(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: `question ${i}` }));
    const acks = (await Promise.all(sends)).map(ok);
    expect(acks.map((m) => m.body)).toEqual(Array.from({ length: 15 }, (_, i) => `question ${i}`));
    const seqs = acks.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    await atAgent.until((xs) => xs.filter((m) => m.author.type === 'visitor').length === 15);
    expect(atAgent.items.filter((m) => m.author.type === 'visitor').map((m) => m.body)).toEqual(acks.map((m) => m.body));

    const reply = ok(await call<MessageDTO>(agent, 'message:send', { conversationId: conv.id, clientId: cid(), body: '  Hello, Eve here  ' }));
    expect(reply).toMatchObject({ body: 'Hello, Eve here', author: { type: 'agent', name: 'Eve' } });
    await atVisitor.until((xs) => xs.some((m) => m.id === reply.id));
  });

  it('a resend of a message whose node died before announcing it makes the other side catch up now', async () => {
    const agent = await newAgent('Ivo');
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));
    const before = ok(await call<SyncResult>(agent, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 })).conversation.lastSeq;
    // What a node killed between its write and its broadcast leaves: the message stored, lastSeq
    // not raised, nobody told. The visitor's client never got the ack, so it sends again.
    const clientId = cid();
    await server.models.Message.create({
      conversationId: conv.id,
      seq: before + 1,
      clientId,
      body: 'sent as the node died',
      authorType: 'visitor',
      authorId: conv.visitor.id,
      authorName: 'Vera Visitor',
      attachments: [],
      system: null,
      createdAt: new Date(),
    });
    const updates = record<ConversationDTO>(agent, 'conversation:updated');
    const again = ok(await call<MessageDTO>(visitor, 'message:send', { conversationId: conv.id, clientId, body: 'sent as the node died' }));
    expect(again.seq).toBe(before + 1);
    // The agent hears that the conversation moved on, and a sync from what it had brings the message.
    const [moved] = await updates.until((xs) => xs.some((c) => c.id === conv.id && c.lastSeq >= again.seq));
    expect(moved).toBeDefined();
    const synced = ok(await call<SyncResult>(agent, 'conversation:sync', { conversationId: conv.id, afterSeq: before }));
    expect(synced.messages.map((m) => m.body)).toEqual(['sent as the node died']);
  });

  it('a resend with the same client id returns the first message and stores it once', async () => {
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    const clientId = cid();
    const payload = { conversationId: conv.id, clientId, body: 'only once please' };
    const first = ok(await call<MessageDTO>(visitor, 'message:send', payload));
    const again = ok(await call<MessageDTO>(visitor, 'message:send', payload));
    expect(again).toEqual(first);

    // Resends racing each other from two tabs of the same visitor.
    const tab2 = await connectVisitor(server.url, (visitor.auth as { visitorToken: string }).visitorToken);
    const racing = { conversationId: conv.id, clientId: cid(), body: 'racing' };
    const raced = (await Promise.all([call<MessageDTO>(visitor, 'message:send', racing), call<MessageDTO>(tab2, 'message:send', racing)])).map(ok);
    expect(raced[0]!.id).toBe(raced[1]!.id);

    const history = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(history.messages.filter((m) => m.body === 'only once please')).toHaveLength(1);
    expect(history.messages.filter((m) => m.body === 'racing')).toHaveLength(1);
  });

  it('writers racing in one conversation never share a sequence number and leave no gap', async () => {
    const agent = await newAgent('Finn');
    const token = newVisitorToken();
    const [tab1, tab2] = [await connectVisitor(server.url, token), await connectVisitor(server.url, token)];
    const conv = await startChat(tab1);
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));

    const writers: Array<[VisitorClient | AgentClient, string]> = [[tab1, 'v1'], [tab2, 'v2'], [agent, 'a']];
    const acks = await Promise.all(
      writers.flatMap(([socket, who]) => Array.from({ length: 12 }, (_, i) => call<MessageDTO>(socket, 'message:send', { conversationId: conv.id, clientId: cid(), body: `${who}-${i}` }))),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    const history = ok(await call<SyncResult>(tab1, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    const seqs = history.messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(history.messages.filter((m) => !m.system)).toHaveLength(36);
    expect(history.conversation.lastSeq).toBe(seqs.length);
  });

  it('a visitor who was away receives exactly the messages they missed, after the last one they saw', async () => {
    const agent = await newAgent('Gus');
    const token = newVisitorToken();
    let visitor = await connectVisitor(server.url, token);
    const conv = await startChat(visitor);
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));
    ok(await call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'before the tunnel' }));
    const seen = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    const lastSeen = seen.messages.at(-1)!.seq;
    visitor.disconnect();

    // More than the conversation keeps the ids of (20): the server reads these with a query.
    const missed = [];
    for (let i = 0; i < 25; i++) missed.push(ok(await call<MessageDTO>(agent, 'message:send', { conversationId: conv.id, clientId: cid(), body: `while away ${i}` })));

    visitor = await connectVisitor(server.url, token);
    const current = ok(await call<ConversationDTO | null>(visitor, 'conversation:current', {}));
    expect(current?.id).toBe(conv.id);
    const caughtUp = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: lastSeen }));
    expect(caughtUp.messages.map((m) => m.body)).toEqual(missed.map((m) => m.body));
    expect(caughtUp.hasMore).toBe(false);
    // A few: read by id. The same messages either way, and nothing when nothing is newer.
    const fewMissed = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: missed.at(-4)!.seq }));
    expect(fewMissed.messages).toEqual(caughtUp.messages.slice(-3));
    const none = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: missed.at(-1)!.seq }));
    expect(none.messages).toEqual([]);
  });

  it('a long history comes back in pages that fit together', async () => {
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    for (let i = 0; i < 230; i++) {
      // Sequential awaits would be slow; per-socket ordering keeps these in order anyway.
      void call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: `m${i}` });
    }
    ok(await call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'last' }));
    const first = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(first.hasMore).toBe(true);
    const second = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: first.messages.at(-1)!.seq }));
    expect(second.hasMore).toBe(false);
    const all = [...first.messages, ...second.messages];
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.at(-1)!.body).toBe('last');
  }, 60_000);

  it('each side sees the other typing', async () => {
    const creds = await server.addAgent('Hana');
    const { socket: agent } = await agentSession(server.url, creds);
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor);
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));

    const agentSees = record<TypingDTO>(agent, 'typing:changed');
    ok(await call(visitor, 'typing:set', { conversationId: conv.id, typing: true }));
    const [t1] = await agentSees.until((xs) => xs.length > 0);
    expect(t1).toEqual({ conversationId: conv.id, author: { type: 'visitor', name: null }, typing: true });

    const visitorSees = record<TypingDTO>(visitor, 'typing:changed');
    ok(await call(agent, 'typing:set', { conversationId: conv.id, typing: true }));
    const [t2] = await visitorSees.until((xs) => xs.length > 0);
    expect(t2).toEqual({ conversationId: conv.id, author: { type: 'agent', name: 'Hana' }, typing: true });
  });

  it('an agent must accept a chat before replying, and cannot reply in a colleague\'s chat', async () => {
    const [a1, a2] = [await newAgent('Ida'), await newAgent('Jon')];
    const conv = await startChat(await connectVisitor(server.url));
    const early = await call(a1, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'hi' });
    expect(early).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'Accept the chat before replying' } });
    ok(await call(a1, 'conversation:accept', { conversationId: conv.id }));
    const other = await call(a2, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'hi' });
    expect(other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a visitor never sees another visitor\'s conversation', async () => {
    const conv = await startChat(await connectVisitor(server.url));
    const stranger = await connectVisitor(server.url);
    for (const [event, payload] of [
      ['conversation:sync', { conversationId: conv.id, afterSeq: 0 }],
      ['message:send', { conversationId: conv.id, clientId: cid(), body: 'let me in' }],
      ['conversation:end', { conversationId: conv.id }],
    ] as const) {
      expect(await call(stranger, event, payload)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await call(stranger, 'typing:set', { conversationId: conv.id, typing: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(ok(await call(stranger, 'conversation:current', {}))).toBeNull();
  });

  it('ending a chat (one that leaves no email, so no ticket) tells both sides, refuses new messages, and lets the visitor start a new one', async () => {
    const agent = await newAgent('Kim');
    const visitor = await connectVisitor(server.url);
    const conv = await startChat(visitor, 'Anonymous', null);
    ok(await call(agent, 'conversation:accept', { conversationId: conv.id }));
    const sent = { conversationId: conv.id, clientId: cid(), body: 'thanks, bye' };
    const bye = ok(await call<MessageDTO>(visitor, 'message:send', sent));

    const agentUpdates = record<ConversationDTO>(agent, 'conversation:updated');
    const ended = ok(await call<ConversationDTO>(visitor, 'conversation:end', { conversationId: conv.id }));
    expect(ended.status).toBe('ended');
    await agentUpdates.until((xs) => xs.some((c) => c.id === conv.id && c.status === 'ended'));

    expect(await call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'one more' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'This chat has ended' },
    });
    // A resend of a message stored before the end still returns it: nothing acknowledged is lost.
    expect(ok(await call<MessageDTO>(visitor, 'message:send', sent)).id).toBe(bye.id);

    const history = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(history.messages.at(-1)?.system).toEqual({ kind: 'chat.ended', by: 'visitor' });

    const next = await startChat(visitor);
    expect(next.id).not.toBe(conv.id);
    expect(next.status).toBe('queued');
  });
});
