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
  it('what an agent read on one device counts as read on the other, and the marker never goes down', async () => {
    const creds = await server.addAgent('Eli');
    const laptop = await agentSession(server.url, creds);
    const phone = await connectAgent(server.url, laptop.login.token);
    const { visitor, chat } = await liveChat(laptop.socket, 'Rua');
    await say(visitor, chat.id, 'one');
    const last = await say(visitor, chat.id, 'two');

    expect(ok(await call<Record<string, number>>(phone, 'reads:list', { conversationIds: [chat.id] }))).toEqual({});
    const heard = record<ReadMarkerDTO>(phone, 'reads:changed');
    expect(ok(await call(laptop.socket, 'conversation:read', { conversationId: chat.id, seq: last.seq }))).toBeNull();
    await heard.until((items) => items.some((r) => r.conversationId === chat.id && r.seq === last.seq));
    expect(ok(await call<Record<string, number>>(phone, 'reads:list', { conversationIds: [chat.id] }))).toEqual({ [chat.id]: last.seq });

    // A stale tab reporting an older seq, or a seq beyond the last message, does not move it wrongly.
    ok(await call(phone, 'conversation:read', { conversationId: chat.id, seq: 1 }));
    ok(await call(phone, 'conversation:read', { conversationId: chat.id, seq: last.seq + 100 }));
    expect(ok(await call<Record<string, number>>(laptop.socket, 'reads:list', {}))).toEqual({ [chat.id]: last.seq });

    // Another agent's markers are their own.
    const other = await newAgent('Fin');
    expect(ok(await call<Record<string, number>>(other, 'reads:list', { conversationIds: [chat.id] }))).toEqual({});

    // New messages after the marker are what is unread.
    const third = await say(visitor, chat.id, 'three');
    const stored = await server.models.Conversation.findById(chat.id).lean();
    expect(stored!.lastSeq - last.seq).toBe(1);
    expect(third.seq).toBe(stored!.lastSeq);
  });

  it('several devices marking at once keep the highest seq', async () => {
    const creds = await server.addAgent('Gil');
    const a = await agentSession(server.url, creds);
    const devices = [a.socket, ...(await Promise.all([1, 2, 3, 4, 5].map(() => connectAgent(server.url, a.login.token))))];
    const { visitor, chat } = await liveChat(a.socket, 'Sam');
    for (let i = 0; i < 10; i++) await say(visitor, chat.id, `m${i}`);
    const top = (await server.models.Conversation.findById(chat.id).lean())!.lastSeq;
    await Promise.all(Array.from({ length: top }, (_, i) => call(devices[i % devices.length]!, 'conversation:read', { conversationId: chat.id, seq: i + 1 })));
    expect(ok(await call<Record<string, number>>(devices[1]!, 'reads:list', { conversationIds: [chat.id] }))).toEqual({ [chat.id]: top });
  });

  it('refuses bad input', async () => {
    const hal = await newAgent('Hal');
    expect(await call(hal, 'conversation:read', { conversationId: 'nope', seq: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(hal, 'conversation:read', { conversationId: '0123456789abcdef01234567', seq: -1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(hal, 'conversation:read', { conversationId: '0123456789abcdef01234567', seq: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
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
