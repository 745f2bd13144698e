import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import type { ReadMarkerDTO } from '../../shared/workspace.js';
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
const cid = () => `ws-${Date.now().toString(36)}-${++n}`;

async function newAgent(name: string): Promise<AgentClient> {
  return (await agentSession(server.url, await server.addAgent(name))).socket;
}

async function liveChat(agent: AgentClient, visitorName: string, email?: string): Promise<{ visitor: VisitorClient; chat: ConversationDTO }> {
  const visitor = await connectVisitor(server.url);
  const started = ok(await call<SyncResult>(visitor, 'conversation:start', { name: visitorName, ...(email ? { email } : {}) })).conversation;
  const chat = ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId: started.id }));
  return { visitor, chat };
}

const say = async (socket: VisitorClient | AgentClient, conversationId: string, body: string) =>
  ok(await call<MessageDTO>(socket, 'message:send', { conversationId, clientId: cid(), body }));

describe('labels', () => {
  it('are stored lower-cased and trimmed, and another agent who has the conversation open sees them live', async () => {
    const ann = await newAgent('Ann');
    const ben = await newAgent('Ben');
    const { chat } = await liveChat(ann, 'Lena');
    ok(await call(ben, 'conversation:sync', { conversationId: chat.id, afterSeq: 0 }));
    const seen = record<ConversationDTO>(ben, 'conversation:updated');

    const labelled = ok(await call<ConversationDTO>(ann, 'conversation:labels', { conversationId: chat.id, labels: ['  VIP ', 'Refund'] }));
    expect(labelled.labels).toEqual(['vip', 'refund']);
    await seen.until((items) => items.some((c) => c.id === chat.id && c.labels.join() === 'vip,refund'));
    expect((await server.models.Conversation.findById(chat.id).lean())?.labels).toEqual(['vip', 'refund']);

    // Removing one is replacing the list.
    expect(ok(await call<ConversationDTO>(ben, 'conversation:labels', { conversationId: chat.id, labels: ['vip'] })).labels).toEqual(['vip']);
  });

  it('refuses too many, too long, empty or repeated labels, and leaves the conversation as it was', async () => {
    const cid_ = (await liveChat(await newAgent('Cal'), 'Mo')).chat.id;
    const cal = await newAgent('Cal2');
    const bad: unknown[][] = [
      Array.from({ length: 11 }, (_, i) => `l${i}`),
      ['x'.repeat(33)],
      ['  '],
      ['vip', 'VIP '],
      [42],
    ];
    for (const labels of bad) {
      expect(await call(cal, 'conversation:labels', { conversationId: cid_, labels }), JSON.stringify(labels)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await call(cal, 'conversation:labels', { conversationId: '0123456789abcdef01234567', labels: ['a'] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await server.models.Conversation.findById(cid_).lean())?.labels).toEqual([]);
  });

  it('a label change and messages at the same moment do not undo each other', async () => {
    const creds = await server.addAgent('Dee');
    const dee = await agentSession(server.url, creds);
    const token = newVisitorToken();
    const visitor = await connectVisitor(server.url, token);
    const started = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Pia' })).conversation;
    const chat = ok(await call<ConversationDTO>(dee.socket, 'conversation:accept', { conversationId: started.id }));
    // Several tabs on each side, so writes really overlap (one socket's commands run in order).
    const tabs = [visitor, ...(await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => connectVisitor(server.url, token))))];
    const desks = [dee.socket, ...(await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => connectAgent(server.url, dee.login.token))))];
    // Agents keep relabelling while the visitor's tabs send; then every write must still be there.
    let sending = true;
    const relabel = desks.map(async (desk, d) => {
      for (let i = 0; sending; i++) ok(await call(desk, 'conversation:labels', { conversationId: chat.id, labels: [`desk-${d}-${i}`, 'kept'] }));
    });
    await Promise.all(tabs.map(async (tab, t) => {
      for (let i = 0; i < 4; i++) await say(tab, chat.id, `tab ${t} message ${i}`);
    }));
    sending = false;
    await Promise.all(relabel);
    const stored = await server.models.Conversation.findById(chat.id).lean();
    const top = await server.models.Message.find({ conversationId: chat.id }).sort({ seq: -1 }).limit(1).lean();
    // Every message raised lastSeq (none undone by a label write), and no message write undid the labels.
    expect(stored?.lastSeq).toBe(top[0]?.seq);
    expect(stored?.labels).toContain('kept');
  });
});

describe('unread counts', () => {
  const readsOf = async (socket: AgentClient, conversationIds?: string[]) =>
    ok(await call<ReadMarkerDTO[]>(socket, 'reads:list', conversationIds ? { conversationIds } : {}));

  it('count only the customer\'s messages: a new chat with one visitor message is 1 unread, system lines and agent replies aside', async () => {
    const kim = await newAgent('Kim');
    const { visitor, chat } = await liveChat(kim, 'Ola');
    // "Chat started" and "Kim joined the chat" are already in the stream.
    expect(chat.lastSeq).toBe(2);
    const first = await say(visitor, chat.id, 'Hello, anyone there?');
    expect(await readsOf(kim, [chat.id])).toEqual([{ conversationId: chat.id, seq: 0, unread: 1, lastSeq: first.seq }]);

    // The agent's own reply and a system line (the end of the chat) add no unread; the customer's next message does.
    await say(kim, chat.id, 'Yes, how can I help?');
    const second = await say(visitor, chat.id, 'My card was declined');
    ok(await call(kim, 'conversation:end', { conversationId: chat.id }));
    const lastSeq = (await server.models.Conversation.findById(chat.id).lean())!.lastSeq;
    expect(lastSeq).toBe(second.seq + 1);
    // The end line names the agent who ended it (the agent UI says "You ended the chat" to them).
    expect((await server.models.Message.findOne({ conversationId: chat.id, seq: lastSeq }).lean())?.system).toMatchObject({ kind: 'chat.ended', by: 'agent', agentName: 'Kim' });
    expect(await readsOf(kim, [chat.id])).toEqual([{ conversationId: chat.id, seq: 0, unread: 2, lastSeq }]);

    // Read up to the first message: the second is still unread; up to the end: nothing is.
    ok(await call(kim, 'conversation:read', { conversationId: chat.id, seq: first.seq }));
    expect(await readsOf(kim, [chat.id])).toEqual([{ conversationId: chat.id, seq: first.seq, unread: 1, lastSeq }]);
    ok(await call(kim, 'conversation:read', { conversationId: chat.id, seq: lastSeq }));
    expect(await readsOf(kim, [chat.id])).toEqual([{ conversationId: chat.id, seq: lastSeq, unread: 0, lastSeq }]);
  });

  it('what an agent read on one device counts as read on the other, and the marker never goes down', async () => {
    const creds = await server.addAgent('Eli');
    const laptop = await agentSession(server.url, creds);
    const phone = await connectAgent(server.url, laptop.login.token);
    const { visitor, chat } = await liveChat(laptop.socket, 'Rua');
    const one = await say(visitor, chat.id, 'one');
    const last = await say(visitor, chat.id, 'two');

    expect(await readsOf(phone, [chat.id])).toEqual([{ conversationId: chat.id, seq: 0, unread: 2, lastSeq: last.seq }]);
    const heard = record<ReadMarkerDTO>(phone, 'reads:changed');
    // Half read on the laptop: the phone hears the marker with the count that goes with it.
    ok(await call(laptop.socket, 'conversation:read', { conversationId: chat.id, seq: one.seq }));
    await heard.until((items) => items.some((r) => r.seq === one.seq));
    expect(heard.items.at(-1)).toEqual({ conversationId: chat.id, seq: one.seq, unread: 1, lastSeq: last.seq });
    expect(ok(await call(laptop.socket, 'conversation:read', { conversationId: chat.id, seq: last.seq }))).toBeNull();
    await heard.until((items) => items.some((r) => r.seq === last.seq));
    expect(heard.items.at(-1)).toEqual({ conversationId: chat.id, seq: last.seq, unread: 0, lastSeq: last.seq });
    expect(await readsOf(phone, [chat.id])).toEqual([{ conversationId: chat.id, seq: last.seq, unread: 0, lastSeq: last.seq }]);

    // A stale tab reporting an older seq, or a seq beyond the last message, does not move it wrongly.
    ok(await call(phone, 'conversation:read', { conversationId: chat.id, seq: 1 }));
    ok(await call(phone, 'conversation:read', { conversationId: chat.id, seq: last.seq + 100 }));
    expect(await readsOf(laptop.socket)).toEqual([{ conversationId: chat.id, seq: last.seq, unread: 0, lastSeq: last.seq }]);

    // Another agent's markers are their own: for them every customer message is unread.
    const other = await newAgent('Fin');
    expect(await readsOf(other, [chat.id])).toEqual([{ conversationId: chat.id, seq: 0, unread: 2, lastSeq: last.seq }]);
    expect(await readsOf(other)).toEqual([]);

    // New customer messages after the marker are what is unread; unknown ids are left out.
    const third = await say(visitor, chat.id, 'three');
    expect(await readsOf(phone, [chat.id, '0123456789abcdef01234567', chat.id])).toEqual([
      { conversationId: chat.id, seq: last.seq, unread: 1, lastSeq: third.seq },
    ]);
  });

  it('several devices marking at once keep the highest seq', async () => {
    const creds = await server.addAgent('Gil');
    const a = await agentSession(server.url, creds);
    const devices = [a.socket, ...(await Promise.all([1, 2, 3, 4, 5].map(() => connectAgent(server.url, a.login.token))))];
    const { visitor, chat } = await liveChat(a.socket, 'Sam');
    for (let i = 0; i < 10; i++) await say(visitor, chat.id, `m${i}`);
    const top = (await server.models.Conversation.findById(chat.id).lean())!.lastSeq;
    await Promise.all(Array.from({ length: top }, (_, i) => call(devices[i % devices.length]!, 'conversation:read', { conversationId: chat.id, seq: i + 1 })));
    expect(await readsOf(devices[1]!, [chat.id])).toEqual([{ conversationId: chat.id, seq: top, unread: 0, lastSeq: top }]);
  });

  it('counts many conversations in one request, each after its own marker', async () => {
    const lea = await newAgent('Lea');
    // Three chats (an agent's default capacity): chat i gets i + 1 customer messages; the agent
    // reads chat 2 up to its first message.
    const chats = [await liveChat(lea, 'V0'), await liveChat(lea, 'V1'), await liveChat(lea, 'V2')];
    const sent: MessageDTO[][] = [];
    for (const [i, { visitor, chat }] of chats.entries()) {
      sent.push([]);
      for (let k = 0; k <= i; k++) sent[i]!.push(await say(visitor, chat.id, `c${i} m${k}`));
    }
    ok(await call(lea, 'conversation:read', { conversationId: chats[2]!.chat.id, seq: sent[2]![0]!.seq }));
    const reads = await readsOf(lea, chats.map((c) => c.chat.id));
    const unread = Object.fromEntries(reads.map((r) => [r.conversationId, r.unread]));
    expect(chats.map((c) => unread[c.chat.id])).toEqual([1, 2, 2]);
  });

  it('refuses bad input', async () => {
    const hal = await newAgent('Hal');
    expect(await call(hal, 'conversation:read', { conversationId: 'nope', seq: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(hal, 'conversation:read', { conversationId: '0123456789abcdef01234567', seq: -1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(hal, 'conversation:read', { conversationId: '0123456789abcdef01234567', seq: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(hal, 'reads:list', { conversationIds: ['nope'] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('search', () => {
  it('finds chats and tickets by ticket number, email prefix, name, subject and message text', async () => {
    const ida = await newAgent('Ida');
    const { visitor, chat } = await liveChat(ida, 'Xenia Quartz', 'xenia.q@example.test');
    await say(visitor, chat.id, 'My withdrawal of 300 EUR (wire) is stuck since Monday');
    const ticket = ok(await call<ConversationDTO>(ida, 'ticket:convert', { conversationId: chat.id, category: 'deposits-withdrawals', subject: 'Stuck withdrawal Zebra' }));
    const number = ticket.ticket!.number;
    const other = await liveChat(ida, 'Yusuf Other', 'yusuf@example.test');
    await say(other.visitor, other.chat.id, 'Nothing to do with the rest');

    const search = async (q: string) => ok(await call<ConversationDTO[]>(ida, 'search', { q })).map((c) => c.id);
    expect((await search(String(number)))[0]).toBe(chat.id);
    expect((await search(`#${number}`))[0]).toBe(chat.id);
    expect(await search('XENIA.Q@')).toEqual([chat.id]);
    // A prefix, not anywhere in the address.
    expect(await search('example.test')).not.toContain(chat.id);
    expect(await search('quartz')).toEqual([chat.id]);
    expect(await search('zebra')).toEqual([chat.id]);
    // Message text, with characters that would be regex syntax taken literally.
    expect(await search('300 eur (wire)')).toEqual([chat.id]);
    expect(await search('.*')).toEqual([]);
    expect(await search('nothing to do')).toEqual([other.chat.id]);
    // Both when both match, the newest activity first.
    await say(visitor, chat.id, 'ping');
    expect((await search('Y')).slice(0, 2)).toEqual([chat.id, other.chat.id]);

    const limited = ok(await call<ConversationDTO[]>(ida, 'search', { q: 'e', limit: 1 }));
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ visitor: { name: expect.any(String) } });
  });

  it('validates the query and is not open to visitors', async () => {
    const jo = await newAgent('Jo');
    expect(await call(jo, 'search', { q: '  ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(jo, 'search', { q: 'x'.repeat(201) })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(jo, 'search', { q: 'x', limit: 51 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const visitor = await connectVisitor(server.url);
    ok(await call(visitor, 'conversation:start', { name: 'Snoop', email: 'snoop@example.test' }));
    const res = await call(visitor, 'search', { q: 'snoop' });
    expect(res.ok).toBe(false);
    for (const event of ['conversation:labels', 'conversation:read', 'reads:list']) {
      expect((await call(visitor, event, {})).ok).toBe(false);
    }
  });
});
