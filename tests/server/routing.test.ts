/**
 * Routing against the real app and store: automatic assignment with capacity and skills, manual
 * accept at capacity, queue positions and wait estimates, opening hours, and transfers.
 */
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDTO, MessageDTO, NoteDTO, QueueSnapshot, SiteConfigDTO, SyncResult } from '../../shared/types.js';
import type { Locale } from '../../shared/schemas/common.js';
import type { PresenceDTO, QueuePositionDTO, TeamDTO } from '../../shared/workspace.js';
import { agentSession, call, closeAllClients, connectVisitor, login, newVisitorToken, ok, record, rest, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';
import { isOpen, msUntilNextChange } from '../../server/modules/routing/business-hours.js';

let server: TestServer;
let adminToken: string;
beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

interface Agent {
  id: string;
  name: string;
  socket: AgentClient;
}

async function newAgent(name: string, o: { maxChats?: number; languages?: Locale[]; teamIds?: string[]; role?: 'agent' | 'admin' } = {}): Promise<Agent> {
  const creds = await server.addAgent(name, o.role);
  // What admins set in the admin screens (tested in admin.test.ts).
  await server.models.Agent.updateOne(
    { _id: creds.id },
    { $set: { maxChats: o.maxChats ?? 3, skills: { languages: o.languages ?? [], categories: [] }, teamIds: (o.teamIds ?? []).map((t) => new Types.ObjectId(t)) } },
  );
  return { id: creds.id, name, socket: (await agentSession(server.url, creds)).socket };
}

async function configureSite(siteKey: string, settings: Record<string, unknown>): Promise<void> {
  const res = await rest(server.url, 'PATCH', `/api/admin/sites/${siteKey}`, { token: adminToken, body: settings });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

function visitorOf(siteKey: string): Promise<VisitorClient> {
  return connectVisitor(server.url, newVisitorToken(), { siteKey });
}

async function startChat(visitor: VisitorClient, locale: Locale = 'en'): Promise<ConversationDTO> {
  return ok(await call<SyncResult>(visitor, 'conversation:start', { name: 'Vera', locale })).conversation;
}

async function until<T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mine = async (a: Agent) => ok(await call<QueueSnapshot>(a.socket, 'queue:list', {})).mine.map((c) => c.id);
const joinedLines = (conversationId: string) => server.models.Message.countDocuments({ conversationId: new Types.ObjectId(conversationId), 'system.kind': 'agent.joined' });

describe('automatic assignment', () => {
  it('8 chats at once to 3 agents of 2 chats each: 6 assigned, nobody above capacity, none twice, languages preferred', async () => {
    await configureSite('burst', { routing: 'auto' });
    const agents = [await newAgent('Anke', { maxChats: 2, languages: ['de'] }), await newAgent('Bill', { maxChats: 2, languages: ['en'] }), await newAgent('Cora', { maxChats: 2, languages: ['en'] })];
    const locales: Locale[] = ['de', 'en', 'en', 'de', 'en', 'en', 'en', 'en'];
    const visitors = await Promise.all(locales.map(() => visitorOf('burst')));
    const chats = await Promise.all(visitors.map((v, i) => startChat(v, locales[i])));

    const stored = await until('6 chats assigned', async () => {
      const docs = await server.models.Conversation.find({ siteKey: 'burst' }).lean();
      return docs.filter((c) => c.status === 'active').length === 6 && docs;
    });
    // Nothing more happens once everyone is full.
    await new Promise((r) => setTimeout(r, 800));
    const settled = await server.models.Conversation.find({ siteKey: 'burst' }).lean();
    expect(settled.filter((c) => c.status === 'active')).toHaveLength(6);
    expect(settled.filter((c) => c.status === 'queued')).toHaveLength(2);

    // Each agent's own view agrees: 2 each, disjoint, and each chat has one "joined" line only.
    const lists = await Promise.all(agents.map(mine));
    for (const list of lists) expect(list).toHaveLength(2);
    expect(new Set(lists.flat()).size).toBe(6);
    for (const c of chats) expect(await joinedLines(c.id)).toBeLessThanOrEqual(1);
    expect(await server.models.Claim.countDocuments({ _id: { $regex: `^slot:(${agents.map((a) => a.id).join('|')}):` } })).toBe(6);

    // Skills: a chat went to an agent without its language only when every agent with it was
    // already full at that moment (assignments are recorded in order on this node).
    const assigned = stored.filter((c) => c.status === 'active');
    const langs = new Map([[agents[0]!.id, ['de']], [agents[1]!.id, ['en']], [agents[2]!.id, ['en']]]);
    for (const c of settled.filter((x) => x.status === 'active')) {
      if (langs.get(c.agentId!.toHexString())!.includes(c.locale)) continue;
      for (const speaker of agents.filter((a) => langs.get(a.id)!.includes(c.locale))) {
        const before = settled.filter((x) => x.agentId?.toHexString() === speaker.id && x.acceptedAt! <= c.acceptedAt!);
        expect(before, `${c.locale} chat given to a non-speaker while ${speaker.name} had room`).toHaveLength(2);
      }
    }
    expect(assigned.length).toBe(6);

    // One chat ends: its agent's slot frees and the oldest waiting chat fills it.
    const anke = agents[0]!;
    const [first] = await mine(anke);
    ok(await call(anke.socket, 'conversation:end', { conversationId: first!, resolved: true }));
    await until('the freed slot filled', async () => (await mine(anke)).length === 2);
    const after = await server.models.Conversation.find({ siteKey: 'burst' }).lean();
    expect(after.filter((c) => c.status === 'queued')).toHaveLength(1);
    expect(after.filter((c) => c.status === 'active')).toHaveLength(6);
    // Agents serve every site: the last waiting visitor gives up, so later tests start with an empty queue.
    const left = chats.findIndex((c) => after.find((x) => x._id.toHexString() === c.id)?.status === 'queued');
    ok(await call(visitors[left]!, 'conversation:end', { conversationId: chats[left]!.id }));
  });

  it('a matching language outweighs a lighter load, and the visitor sees who joined', async () => {
    await configureSite('skills', { routing: 'auto' });
    const dora = await newAgent('Dora', { maxChats: 3, languages: ['de'] });
    const emil = await newAgent('Emil', { maxChats: 3, languages: ['en'] });
    for (let i = 0; i < 2; i++) {
      const visitor = await visitorOf('skills');
      const messages = record<MessageDTO>(visitor, 'message:created');
      await startChat(visitor, 'de');
      const [joined] = await messages.until((xs) => xs.some((m) => m.system?.kind === 'agent.joined'));
      expect(messages.items.find((m) => m.system?.kind === 'agent.joined')?.system).toEqual({ kind: 'agent.joined', agentName: 'Dora' });
      expect(joined).toBeDefined();
    }
    expect(await mine(dora)).toHaveLength(2);
    expect(await mine(emil)).toHaveLength(0);
    await startChat(await visitorOf('skills'), 'en');
    await until('the English chat with Emil', async () => (await mine(emil)).length === 1);
  });

  it('an agent who is away gets nothing; coming back online takes the waiting chat', async () => {
    await configureSite('away-site', { routing: 'auto' });
    const fay = await newAgent('Fay', { maxChats: 2 });
    ok(await call(fay.socket, 'presence:set', { status: 'away' }));
    const conv = await startChat(await visitorOf('away-site'));
    await new Promise((r) => setTimeout(r, 700));
    expect((await server.models.Conversation.findById(conv.id).lean())!.status).toBe('queued');
    ok(await call(fay.socket, 'presence:set', { status: 'online' }));
    await until('the chat assigned to Fay', async () => (await mine(fay)).includes(conv.id));
  });
});

describe('manual accept and capacity', () => {
  it('an agent at capacity cannot accept another chat until one ends', async () => {
    const gus = await newAgent('Gus', { maxChats: 1 });
    const [c1, c2] = [await startChat(await visitorOf('manual-cap')), await startChat(await visitorOf('manual-cap'))];
    const presence = record<PresenceDTO>(gus.socket, 'presence:changed');
    ok(await call(gus.socket, 'conversation:accept', { conversationId: c1.id }));
    // Every agent sees the load change.
    await presence.until((xs) => xs.some((p) => p.agentId === gus.id && p.activeChats === 1));
    expect(ok(await call<PresenceDTO[]>(gus.socket, 'presence:list', {})).find((p) => p.agentId === gus.id)).toEqual({ agentId: gus.id, name: 'Gus', status: 'online', activeChats: 1, maxChats: 1 });
    const refused = await call(gus.socket, 'conversation:accept', { conversationId: c2.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(!refused.ok && refused.error.message).toMatch(/as many live chats as you can take/);
    // The refused chat stays in the queue for others.
    expect((await server.models.Conversation.findById(c2.id).lean())!.status).toBe('queued');
    ok(await call(gus.socket, 'conversation:end', { conversationId: c1.id, resolved: true }));
    expect(ok(await call<ConversationDTO>(gus.socket, 'conversation:accept', { conversationId: c2.id })).agent?.name).toBe('Gus');
  });
});

describe('queue position and wait estimate', () => {
  it('with too little history the visitor learns the place but no estimate', async () => {
    await newAgent('Hal', { maxChats: 1 });
    const visitor = await visitorOf('fresh-site');
    const positions = record<QueuePositionDTO>(visitor, 'queue:position');
    const conv = await startChat(visitor);
    const [p] = await positions.until((xs) => xs.length > 0);
    expect(p).toEqual({ conversationId: conv.id, position: 1, estimatedWaitSeconds: null });
  });

  it('every waiting visitor hears the new place and estimate when a chat is taken', async () => {
    const site = 'queue-site';
    // Six past chats of this site: waited 60 s each, then talked 300 s.
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 6; i++) {
      const queuedAt = new Date(base + i * 1000);
      await server.models.Conversation.create({
        siteKey: site,
        status: 'ended',
        visitorId: new Types.ObjectId(),
        locale: 'en',
        createdAt: queuedAt,
        queuedAt,
        acceptedAt: new Date(queuedAt.getTime() + 60_000),
        endedAt: new Date(queuedAt.getTime() + 360_000),
        lastActivityAt: queuedAt,
      });
    }
    const ivy = await newAgent('Ivy', { maxChats: 1 });
    const waiting: Array<{ token: string; conv: ConversationDTO; heard: ReturnType<typeof record<QueuePositionDTO>> }> = [];
    for (let i = 0; i < 3; i++) {
      const token = newVisitorToken();
      const visitor = await connectVisitor(server.url, token, { siteKey: site });
      const heard = record<QueuePositionDTO>(visitor, 'queue:position');
      const conv = await startChat(visitor);
      await heard.until((xs) => xs.length > 0);
      waiting.push({ token, conv, heard });
    }
    const latest = (i: number) => waiting[i]!.heard.items.at(-1);
    // Ivy has one free place: the first is next (the usual 60 s wait); the others wait for chats
    // to end: one round of the usual 300 s talk per place beyond the free one.
    await waiting[2]!.heard.until(() => latest(2)?.position === 3);
    expect(latest(0)).toEqual({ conversationId: waiting[0]!.conv.id, position: 1, estimatedWaitSeconds: 60 });
    expect(latest(1)).toEqual({ conversationId: waiting[1]!.conv.id, position: 2, estimatedWaitSeconds: 300 });
    expect(latest(2)).toEqual({ conversationId: waiting[2]!.conv.id, position: 3, estimatedWaitSeconds: 600 });

    const before = waiting.map((w) => w.heard.items.length);
    ok(await call(ivy.socket, 'conversation:accept', { conversationId: waiting[0]!.conv.id }));
    // Everyone still waiting moves up; Ivy is now full, so the next one waits for her chat to end.
    await waiting[1]!.heard.until((xs) => xs.length > before[1]! && xs.at(-1)!.position === 1);
    await waiting[2]!.heard.until((xs) => xs.length > before[2]! && xs.at(-1)!.position === 2);
    expect(latest(1)).toEqual({ conversationId: waiting[1]!.conv.id, position: 1, estimatedWaitSeconds: 300 });
    expect(latest(2)).toEqual({ conversationId: waiting[2]!.conv.id, position: 2, estimatedWaitSeconds: 600 });

    // The second visitor opens another tab: it is told the place at once. Then they give up
    // waiting, and the last one moves up again.
    const leaver = waiting[1]!;
    const tab = await connectVisitor(server.url, leaver.token, { siteKey: site });
    const told = record<QueuePositionDTO>(tab, 'queue:position');
    await told.until((xs) => xs.length > 0);
    expect(told.items[0]).toEqual({ conversationId: leaver.conv.id, position: 1, estimatedWaitSeconds: 300 });
    ok(await call(tab, 'conversation:end', { conversationId: leaver.conv.id }));
    await waiting[2]!.heard.until((xs) => xs.at(-1)!.position === 1);
    expect(latest(2)).toEqual({ conversationId: waiting[2]!.conv.id, position: 1, estimatedWaitSeconds: 300 });
  });
});

describe('availability: opening hours and agents', () => {
  it('opening hours are read on the wall clock of the site, summer time included', () => {
    const weekdays = { mon: [{ from: '09:00', to: '17:00' }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [{ from: '22:00', to: '24:00' }] };
    const hours = { timeZone: 'Europe/Stockholm', days: weekdays };
    // Monday 5 January 2026: Stockholm is UTC+1.
    expect(isOpen(hours, new Date('2026-01-05T07:30:00Z'))).toBe(false);
    expect(isOpen(hours, new Date('2026-01-05T08:30:00Z'))).toBe(true);
    expect(msUntilNextChange(hours, new Date('2026-01-05T07:30:00Z'))).toBe(30 * 60_000);
    // Monday 1 June 2026: UTC+2, so 07:30 UTC is already 09:30 there.
    expect(isOpen(hours, new Date('2026-06-01T07:30:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-06-01T15:00:00Z'))).toBe(false);
    // "24:00" is until midnight; Sunday 23:59 in Stockholm is open, Monday 00:00 is not.
    expect(isOpen(hours, new Date('2026-01-04T22:59:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-01-04T23:00:00Z'))).toBe(false);
    expect(isOpen(null, new Date())).toBe(true);
    expect(msUntilNextChange(null, new Date())).toBeNull();
  });

  it('outside opening hours the widget is told "closed" live, and "open" again, and "no-agents" when the agent steps away', async () => {
    const site = 'hours-site';
    const jan = await newAgent('Jan');
    const visitor = await visitorOf(site);
    const pushed = record<SiteConfigDTO>(visitor, 'site:config');
    expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {}))).toMatchObject({ available: true, unavailableReason: null, agentsOnline: true });

    await configureSite(site, { businessHours: { timeZone: 'Europe/Stockholm', days: {} } });
    await pushed.until((xs) => xs.at(-1)?.available === false);
    expect(pushed.items.at(-1)).toMatchObject({ available: false, unavailableReason: 'closed', agentsOnline: true });
    expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {}))).toMatchObject({ available: false, unavailableReason: 'closed' });

    const allDay = [{ from: '00:00', to: '24:00' }];
    await configureSite(site, { businessHours: { timeZone: 'Europe/Stockholm', days: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } } });
    await pushed.until((xs) => xs.at(-1)?.available === true);

    ok(await call(jan.socket, 'presence:set', { status: 'away' }));
    await pushed.until((xs) => xs.at(-1)?.unavailableReason === 'no-agents');
    expect(pushed.items.at(-1)).toMatchObject({ available: false, agentsOnline: false });
    ok(await call(jan.socket, 'presence:set', { status: 'online' }));
    await pushed.until((xs) => xs.at(-1)?.available === true);
  });
});

describe('transfers', () => {
  async function liveChat(siteKey: string, agent: Agent): Promise<{ visitor: VisitorClient; conv: ConversationDTO; messages: ReturnType<typeof record<MessageDTO>> }> {
    const visitor = await visitorOf(siteKey);
    const messages = record<MessageDTO>(visitor, 'message:created');
    const conv = await startChat(visitor);
    ok(await call(agent.socket, 'conversation:accept', { conversationId: conv.id }));
    return { visitor, conv, messages };
  }

  it('to an agent: the visitor sees who took over, the note stays internal, and capacity moves with the chat', async () => {
    const kai = await newAgent('Kai', { maxChats: 1 });
    const lea = await newAgent('Lea', { maxChats: 1 });
    const leaUpdates = record<ConversationDTO>(lea.socket, 'conversation:updated');
    const { conv, messages, visitor } = await liveChat('transfer-site', kai);

    const moved = ok(await call<ConversationDTO>(kai.socket, 'conversation:transfer', { conversationId: conv.id, agentId: lea.id, note: 'Wants a refund for order 77' }));
    expect(moved).toMatchObject({ status: 'active', agent: { id: lea.id, name: 'Lea' } });
    await messages.until((xs) => xs.some((m) => m.system?.kind === 'agent.joined' && m.system.agentName === 'Lea'));
    await leaUpdates.until((xs) => xs.some((c) => c.id === conv.id && c.agent?.id === lea.id));

    // The note: agents only.
    const notes = ok(await call<NoteDTO[]>(lea.socket, 'notes:list', { conversationId: conv.id }));
    expect(notes.map((n) => n.body)).toEqual(['Transferred to Lea: Wants a refund for order 77']);
    const visitorView = ok(await call<SyncResult>(visitor, 'conversation:sync', { conversationId: conv.id, afterSeq: 0 }));
    expect(JSON.stringify(visitorView)).not.toContain('refund');

    // Lea writes now; Kai no longer may, and has room for a new chat.
    ok(await call(lea.socket, 'message:send', { conversationId: conv.id, clientId: 'lea-hello-1', body: 'Hi, Lea here' }));
    expect(await call(kai.socket, 'message:send', { conversationId: conv.id, clientId: 'kai-late-1', body: 'still me?' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const next = await liveChat('transfer-site', kai);

    // Lea is full now: a transfer to her is refused.
    const refused = await call(kai.socket, 'conversation:transfer', { conversationId: next.conv.id, agentId: lea.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(!refused.ok && refused.error.message).toMatch(/Lea already has 1 live chats/);
    // And nobody transfers to someone who is offline.
    const mia = await newAgent('Mia');
    mia.socket.disconnect();
    await until('Mia offline', async () => !(await server.models.PresenceSocket.exists({ agentId: mia.id })));
    expect(await call(kai.socket, 'conversation:transfer', { conversationId: next.conv.id, agentId: mia.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call(kai.socket, 'conversation:transfer', { conversationId: next.conv.id, agentId: lea.id, teamId: new Types.ObjectId().toHexString() })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('to a team: the chat waits again, the visitor is told, and automatic routing keeps it within the team', async () => {
    await configureSite('team-site', { routing: 'auto' });
    const billing = await server.models.Team.create({ name: 'Billing' });
    const teamId = billing._id.toHexString();
    const ned = await newAgent('Ned', { maxChats: 2 });
    const visitor = await visitorOf('team-site');
    const messages = record<MessageDTO>(visitor, 'message:created');
    const conv = await startChat(visitor);
    await until('the chat with Ned', async () => (await mine(ned)).includes(conv.id));

    const ola = await newAgent('Ola', { maxChats: 2, teamIds: [teamId] });
    const pia = await newAgent('Pia', { maxChats: 2 });
    const teams = ok(await call<TeamDTO[]>(ned.socket, 'teams:list', {}));
    expect(teams).toContainEqual({ id: teamId, name: 'Billing' });

    const moved = ok(await call<ConversationDTO>(ned.socket, 'conversation:transfer', { conversationId: conv.id, teamId, note: 'Invoice question' }));
    expect(moved.teamId).toBe(teamId);
    await messages.until((xs) => xs.some((m) => m.system?.kind === 'chat.transferred'));
    expect(messages.items.find((m) => m.system?.kind === 'chat.transferred')!.system).toEqual({ kind: 'chat.transferred', teamName: 'Billing' });
    // Ned and Pia have room, but only Ola is in Billing.
    await messages.until((xs) => xs.some((m) => m.system?.kind === 'agent.joined' && m.system.agentName === 'Ola'));
    expect(await mine(ola)).toEqual([conv.id]);
    expect(await mine(ned)).toEqual([]);
    expect(await mine(pia)).toEqual([]);
  });

  it('in a manual queue a team transfer shows the chat to everyone, marked with the team', async () => {
    const support = await server.models.Team.create({ name: 'Support' });
    const quinn = await newAgent('Quinn');
    const rita = await newAgent('Rita');
    const { conv } = await liveChat('manual-team', quinn);
    ok(await call(quinn.socket, 'conversation:transfer', { conversationId: conv.id, teamId: support._id.toHexString() }));
    const queue = ok(await call<QueueSnapshot>(rita.socket, 'queue:list', {}));
    expect(queue.queued.find((c) => c.id === conv.id)).toMatchObject({ status: 'queued', teamId: support._id.toHexString(), agent: null });
    expect(ok(await call<ConversationDTO>(rita.socket, 'conversation:accept', { conversationId: conv.id })).agent?.name).toBe('Rita');
  });

  it("an agent cannot transfer a colleague's chat; an admin can", async () => {
    const sam = await newAgent('Sam');
    const tom = await newAgent('Tom');
    const boss = await newAgent('Uma', { role: 'admin' });
    const { conv, messages } = await liveChat('perm-site', sam);
    expect(await call(tom.socket, 'conversation:transfer', { conversationId: conv.id, agentId: tom.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Nor a waiting chat nobody accepted.
    const waiting = await startChat(await visitorOf('perm-site'));
    expect(await call(tom.socket, 'conversation:transfer', { conversationId: waiting.id, agentId: tom.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await server.models.Conversation.findById(conv.id).lean())!.agentName).toBe('Sam');

    expect(ok(await call<ConversationDTO>(boss.socket, 'conversation:transfer', { conversationId: conv.id, agentId: tom.id })).agent?.name).toBe('Tom');
    await messages.until((xs) => xs.some((m) => m.system?.kind === 'agent.joined' && m.system.agentName === 'Tom'));
  });
});
