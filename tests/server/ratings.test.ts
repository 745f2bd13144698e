/**
 * The end of a chat: the visitor's rating, which agents see live and averaged per agent, and the
 * transcript by email (through the real SMTP catcher).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../shared/errors.js';
import type { ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import type { AgentRatingDTO, TranscriptSentDTO } from '../../shared/workspace.js';
import { agentSession, call, closeAllClients, connectVisitor, ok, record, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let catcher: MailCatcher;

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: catcher.url });
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
});
afterEach(() => closeAllClients());

let n = 0;
const cid = () => `rating-${Date.now().toString(36)}-${++n}`;

async function newAgent(name: string, role: 'agent' | 'admin' = 'agent'): Promise<{ socket: AgentClient; id: string }> {
  const creds = await server.addAgent(name, role);
  return { socket: (await agentSession(server.url, creds)).socket, id: creds.id };
}

/** A visitor starts a chat and `agent` takes it. */
async function liveChat(agent: AgentClient, opts: { email?: string; locale?: 'en' | 'de' | 'sv' | 'cs' | 'zh' } = {}): Promise<{ visitor: VisitorClient; conv: ConversationDTO }> {
  const visitor = await connectVisitor(server.url);
  const started = ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Rita', ...(opts.email ? { email: opts.email } : {}), locale: opts.locale ?? 'en' }));
  const conv = ok(await call<ConversationDTO>(agent, 'conversation:accept', { conversationId: started.conversation.id }));
  return { visitor, conv };
}

const errorOf = (ack: { ok: boolean; error?: ErrorBody }) => (ack.ok ? null : ack.error!);

describe('rating a chat', () => {
  it('the visitor rates the chat and the agent sees the rating on the conversation at once', async () => {
    const agent = await newAgent('Ada');
    const { visitor, conv } = await liveChat(agent.socket);
    const updates = record<ConversationDTO>(agent.socket, 'conversation:updated');

    const rated = ok(await call<ConversationDTO>(visitor, 'conversation:rate', { conversationId: conv.id, score: 5, comment: '  Quick and kind!  ' }));
    expect(rated.rating).toMatchObject({ score: 5, comment: 'Quick and kind!' });

    const hasRating = (c: ConversationDTO) => c.id === conv.id && c.rating !== null;
    const seen = (await updates.until((xs) => xs.some(hasRating))).find(hasRating);
    expect(seen!.rating).toMatchObject({ score: 5, comment: 'Quick and kind!' });
    const synced = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(synced.conversation.rating?.score).toBe(5);
  });

  it('a chat still waiting for an agent cannot be rated yet; once ended by the agent it can', async () => {
    const agent = await newAgent('Ben');
    const visitor = await connectVisitor(server.url);
    const waiting = ok(await call<SyncResult>(visitor, 'conversation:start', {})).conversation;
    expect(errorOf(await call(visitor, 'conversation:rate', { conversationId: waiting.id, score: 4 }))?.code).toBe('CONFLICT');

    ok(await call(agent.socket, 'conversation:accept', { conversationId: waiting.id }));
    ok(await call(agent.socket, 'conversation:end', { conversationId: waiting.id, resolved: true }));
    const rated = ok(await call<ConversationDTO>(visitor, 'conversation:rate', { conversationId: waiting.id, score: 4 }));
    expect(rated).toMatchObject({ status: 'ended', rating: { score: 4, comment: null } });
  });

  it('another visitor cannot rate a chat that is not theirs, and learns nothing about it', async () => {
    const agent = await newAgent('Cid');
    const { conv } = await liveChat(agent.socket);
    const stranger = await connectVisitor(server.url);
    const refused = errorOf(await call(stranger, 'conversation:rate', { conversationId: conv.id, score: 1, comment: 'fake' }));
    expect(refused?.code).toBe('NOT_FOUND');
    // The same answer as for a conversation that does not exist.
    expect(errorOf(await call(stranger, 'conversation:rate', { conversationId: '0123456789abcdef01234567', score: 1 }))?.code).toBe('NOT_FOUND');
    const synced = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(synced.conversation.rating).toBeNull();
  });

  it('only whole scores from 1 to 5 and comments up to 1000 characters are taken', async () => {
    const agent = await newAgent('Dee');
    const { visitor, conv } = await liveChat(agent.socket);
    for (const score of [0, 6, 2.5, '5', null]) {
      const ack = await call(visitor, 'conversation:rate', { conversationId: conv.id, score });
      expect(errorOf(ack)?.code, `score ${String(score)}`).toBe('VALIDATION');
    }
    const tooLong = await call(visitor, 'conversation:rate', { conversationId: conv.id, score: 3, comment: 'x'.repeat(1001) });
    expect(errorOf(tooLong)).toMatchObject({ code: 'VALIDATION', details: [{ path: 'comment' }] });
    expect(errorOf(await call(visitor, 'conversation:rate', { conversationId: conv.id, score: 3, extra: true }))?.code).toBe('VALIDATION');

    const longest = ok(await call<ConversationDTO>(visitor, 'conversation:rate', { conversationId: conv.id, score: 3, comment: 'y'.repeat(1000) }));
    expect(longest.rating?.comment).toHaveLength(1000);
  });

  it('rating again replaces the first rating', async () => {
    const agent = await newAgent('Eve');
    const { visitor, conv } = await liveChat(agent.socket);
    ok(await call(visitor, 'conversation:rate', { conversationId: conv.id, score: 2, comment: 'Slow at first' }));
    const second = ok(await call<ConversationDTO>(visitor, 'conversation:rate', { conversationId: conv.id, score: 4 }));
    expect(second.rating).toMatchObject({ score: 4, comment: null });
    const synced = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(synced.conversation.rating).toMatchObject({ score: 4, comment: null });
  });

  it('a rating and a message sent at the same moment both stay (one conversation document, no lost update)', async () => {
    const agent = await newAgent('Fay');
    const { visitor, conv } = await liveChat(agent.socket);
    await Promise.all([
      call(visitor, 'conversation:rate', { conversationId: conv.id, score: 5 }),
      call<MessageDTO>(agent.socket, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'Anything else?' }),
      call<MessageDTO>(agent.socket, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'Have a nice day' }),
    ]);
    const synced = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(synced.conversation.rating?.score).toBe(5);
    expect(synced.conversation.preview).toBe(synced.messages.at(-1)!.body);
  });
});

describe('ratings per agent', () => {
  it('averages each agent’s rated chats; an agent sees their own line, an admin every agent’s', async () => {
    const [gil, hal, ivy] = [await newAgent('Gil Summary'), await newAgent('Hal Summary'), await newAgent('Ivy Summary')];
    const admin = (await agentSession(server.url, ADMIN)).socket;

    for (const score of [5, 4]) {
      const { visitor, conv } = await liveChat(gil.socket);
      ok(await call(visitor, 'conversation:rate', { conversationId: conv.id, score }));
    }
    // A chat rated twice counts once, with the second score.
    const { visitor: twice, conv: rerated } = await liveChat(gil.socket);
    ok(await call(twice, 'conversation:rate', { conversationId: rerated.id, score: 1 }));
    ok(await call(twice, 'conversation:rate', { conversationId: rerated.id, score: 3 }));
    // Rated after Hal ended it.
    const { visitor: halVisitor, conv: halConv } = await liveChat(hal.socket);
    ok(await call(hal.socket, 'conversation:end', { conversationId: halConv.id, resolved: true }));
    ok(await call(halVisitor, 'conversation:rate', { conversationId: halConv.id, score: 1 }));

    const own = ok(await call<AgentRatingDTO[]>(gil.socket, 'ratings:summary', {}));
    expect(own).toEqual([{ agentId: gil.id, name: 'Gil Summary', average: 4, count: 3 }]);

    const all = ok(await call<AgentRatingDTO[]>(admin, 'ratings:summary', {}));
    const byId = new Map(all.map((r) => [r.agentId, r]));
    expect(byId.get(gil.id)).toEqual({ agentId: gil.id, name: 'Gil Summary', average: 4, count: 3 });
    expect(byId.get(hal.id)).toEqual({ agentId: hal.id, name: 'Hal Summary', average: 1, count: 1 });
    expect(byId.get(ivy.id)).toEqual({ agentId: ivy.id, name: 'Ivy Summary', average: null, count: 0 });

    const ivyOwn = ok(await call<AgentRatingDTO[]>(ivy.socket, 'ratings:summary', {}));
    expect(ivyOwn).toEqual([{ agentId: ivy.id, name: 'Ivy Summary', average: null, count: 0 }]);
    expect(errorOf(await call(ivy.socket, 'ratings:summary', { agentId: gil.id }))?.code).toBe('VALIDATION');
  });

  it('a visitor cannot ask for the agents’ ratings', async () => {
    const visitor = await connectVisitor(server.url);
    expect(errorOf(await call(visitor, 'ratings:summary', {}))?.code).toBe('VALIDATION');
  });
});

describe('the transcript by email', () => {
  it('mails both sides’ messages in order, in the visitor’s language, without internal notes', async () => {
    const agent = await newAgent('Jonas Berg');
    const email = `transcript.de.${cid()}@example.test`;
    const { visitor, conv } = await liveChat(agent.socket, { email, locale: 'de' });
    const say = (who: VisitorClient | AgentClient, body: string) => call<MessageDTO>(who, 'message:send', { conversationId: conv.id, clientId: cid(), body }).then(ok);
    await say(visitor, 'Hallo, meine Einzahlung fehlt.');
    await say(agent.socket, 'Ich sehe sofort nach <b>und</b> melde mich.');
    ok(await call(agent.socket, 'note:add', { conversationId: conv.id, clientId: cid(), body: 'INTERNAL: customer is on the watch list' }));
    await say(visitor, 'Danke!\nZweite Zeile.');
    await say(agent.socket, 'Erledigt – das Geld ist da.');
    ok(await call(agent.socket, 'conversation:end', { conversationId: conv.id, resolved: true }));

    const sent = ok(await call<TranscriptSentDTO>(visitor, 'conversation:transcript', { conversationId: conv.id, timeZone: 'Europe/Berlin' }));
    expect(sent).toEqual({ sentTo: email });

    const mail = await catcher.waitFor((m) => m.to.includes(email) && /Chatverlauf/.test(m.subject));
    expect(mail.subject).toMatch(/^Ihr Chatverlauf vom /);
    const order = ['Hallo, meine Einzahlung fehlt.', 'Ich sehe sofort nach <b>und</b> melde mich.', 'Danke!\nZweite Zeile.', 'Erledigt – das Geld ist da.', 'Der Support hat den Chat beendet'];
    const at = order.map((line) => mail.text.indexOf(line));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(mail.text).toContain('Jonas Berg ist dem Chat beigetreten');
    expect(mail.text).toMatch(/^Sie · /m);
    expect(mail.text).toMatch(/^Jonas Berg · /m);
    expect(mail.text).toContain('Europe/Berlin');
    for (const part of [mail.text, mail.html]) expect(part).not.toContain('INTERNAL');
    // Agent text is escaped in the HTML, never markup.
    expect(mail.html).toContain('Ich sehe sofort nach &lt;b&gt;und&lt;/b&gt; melde mich.');
    expect(mail.html).not.toContain('<b>und</b>');
    expect(mail.html).toContain('lang="de"');
  });

  it('an anonymous visitor gives an address, which the conversation keeps; a later one does not replace it', async () => {
    const agent = await newAgent('Kim');
    const { visitor, conv } = await liveChat(agent.socket);
    ok(await call(visitor, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'Where is my order?' }));
    const missing = errorOf(await call(visitor, 'conversation:transcript', { conversationId: conv.id }));
    expect(missing).toMatchObject({ code: 'VALIDATION', details: [{ path: 'email' }] });

    const updates = record<ConversationDTO>(agent.socket, 'conversation:updated');
    const first = `anon.${cid()}@example.test`;
    expect(ok(await call<TranscriptSentDTO>(visitor, 'conversation:transcript', { conversationId: conv.id, email: first }))).toEqual({ sentTo: first });
    await catcher.waitFor((m) => m.to.includes(first) && m.subject.startsWith('Your chat transcript'));
    await updates.until((xs) => xs.some((c) => c.id === conv.id && c.visitor.email === first));

    const other = `other.${cid()}@example.test`;
    expect(ok(await call<TranscriptSentDTO>(visitor, 'conversation:transcript', { conversationId: conv.id, email: other }))).toEqual({ sentTo: first });
    await catcher.waitFor((m) => m.to.includes(first) && catcher.messages.filter((x) => x.to.includes(first)).length === 2);
    expect(catcher.messages.some((m) => m.to.includes(other))).toBe(false);
    const synced = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(synced.conversation.visitor.email).toBe(first);
  });

  it('three transcripts of one conversation an hour; the fourth is RATE_LIMITED and not sent', async () => {
    const agent = await newAgent('Lou');
    const email = `limit.${cid()}@example.test`;
    const { visitor, conv } = await liveChat(agent.socket, { email, locale: 'sv' });
    ok(await call(agent.socket, 'message:send', { conversationId: conv.id, clientId: cid(), body: 'Hej!' }));
    for (let i = 0; i < 3; i++) ok(await call(visitor, 'conversation:transcript', { conversationId: conv.id }));
    const limited = errorOf(await call(visitor, 'conversation:transcript', { conversationId: conv.id }));
    expect(limited?.code).toBe('RATE_LIMITED');
    expect((limited?.details as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);

    await catcher.waitFor((m) => m.to.includes(email) && catcher.messages.filter((x) => x.to.includes(email) && /Din chattlogg/.test(x.subject)).length === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(catcher.messages.filter((m) => m.to.includes(email) && /Din chattlogg/.test(m.subject))).toHaveLength(3);
  });

  it('another visitor cannot have someone else’s conversation mailed to them', async () => {
    const agent = await newAgent('Mo');
    const { conv } = await liveChat(agent.socket);
    const stranger = await connectVisitor(server.url);
    const thief = `thief.${cid()}@example.test`;
    expect(errorOf(await call(stranger, 'conversation:transcript', { conversationId: conv.id, email: thief }))?.code).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 200));
    expect(catcher.messages.some((m) => m.to.includes(thief))).toBe(false);
  });
});
