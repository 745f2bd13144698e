/**
 * Product feedback (issue 6): visitors rate the product with a comment and screenshots; every agent
 * hears of it live and reads it, newest first, with the average.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResult } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { AttachmentDTO, SyncResult } from '../../shared/types.js';
import type { FeedbackDTO, FeedbackListResult } from '../../shared/visitor-features.js';
import {
  agentSession,
  call,
  closeAllClients,
  connectVisitor,
  customerSession,
  login,
  newVisitorToken,
  ok,
  record,
  siteIdentitySecret,
  signUserToken,
  type AgentClient,
  type VisitorClient,
} from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

const PER_HOUR = 4;

let server: TestServer;
let ana: { socket: AgentClient; token: string };
let bo: { socket: AgentClient; token: string };

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let seq = 0;
const cid = () => `fb-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  server = await startTestServer({ FEEDBACK_PER_HOUR: String(PER_HOUR) });
  for (const [name, set] of [
    ['Ana Agent', (s: typeof ana) => (ana = s)],
    ['Bo Agent', (s: typeof bo) => (bo = s)],
  ] as const) {
    const session = await agentSession(server.url, await server.addAgent(name));
    set({ socket: session.socket, token: session.login.token });
  }
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
});

interface Visitor {
  socket: VisitorClient;
  /** The REST session for uploads. */
  token: string;
}

async function visitor(siteKey: string, extraAuth: Record<string, unknown> = {}, visitorToken = newVisitorToken()): Promise<Visitor> {
  const socket = await connectVisitor(server.url, visitorToken, { siteKey, ...extraAuth });
  return { socket, token: (await customerSession(socket)).token };
}

async function upload(token: string, name: string, data: Buffer): Promise<AttachmentDTO> {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(data)]), name);
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as Partial<UploadResult> & { error?: ErrorBody };
  if (res.status !== 201 || !body.attachments?.[0]) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
  return body.attachments[0];
}

async function download(token: string, id: string) {
  const res = await fetch(`${server.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), data: Buffer.from(await res.arrayBuffer()) };
}

const send = (v: Visitor, input: Record<string, unknown>) => call<FeedbackDTO>(v.socket, 'feedback:send', input);
const list = async (socket: AgentClient, input: Record<string, unknown>) => ok(await call<FeedbackListResult>(socket, 'feedback:list', input));
const stored = () => server.models.Feedback.countDocuments({});

/** Fixed rate windows start on the hour: a test that fills one waits out its last seconds first. */
async function awayFromWindowEdge(windowMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 200));
}

describe('sending feedback', () => {
  it('a visitor sends feedback with a screenshot; every agent sees it live and in the list, with the average', async () => {
    const site = 'fb-live';
    const vera = await visitor(site);
    // Her name and email come from the chat she started before.
    ok(await call<SyncResult>(vera.socket, 'conversation:start', { name: 'Vera Visitor', email: 'vera@example.test' }));
    const shot = await upload(vera.token, 'screen.png', PNG);
    const atAna = record<FeedbackDTO>(ana.socket, 'feedback:created');
    const atBo = record<FeedbackDTO>(bo.socket, 'feedback:created');

    const sent = ok(await send(vera, { clientId: cid(), score: 4, comment: '  Search is slow on mobile  ', screenshotIds: [shot.id], pageUrl: 'https://shop.example/search?q=x', locale: 'de' }));
    expect(sent).toMatchObject({
      siteKey: site,
      score: 4,
      comment: 'Search is slow on mobile',
      screenshots: [{ id: shot.id, name: 'screen.png', type: 'image/png', inline: true }],
      visitor: { id: expect.any(String), name: 'Vera Visitor', email: 'vera@example.test', userId: null },
      pageUrl: 'https://shop.example/search?q=x',
      locale: 'de',
    });
    expect(new Date(sent.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    for (const heard of [atAna, atBo]) expect((await heard.until((items) => items.some((f) => f.id === sent.id))).find((f) => f.id === sent.id)).toEqual(sent);

    const second = ok(await send(await visitor(site), { clientId: cid(), score: 1 }));
    expect(second).toMatchObject({ score: 1, comment: null, screenshots: [], pageUrl: null, locale: 'en', visitor: { name: null, email: null } });

    const page = await list(bo.socket, { siteKey: site });
    expect(page.items.map((f) => f.id)).toEqual([second.id, sent.id]);
    expect(page.items[1]).toEqual(sent);
    expect(page).toMatchObject({ average: 2.5, count: 2, nextCursor: null });
  });

  it('agents can download a feedback screenshot; another visitor cannot, and it goes into no chat message afterwards', async () => {
    const vera = await visitor('fb-files');
    const conversation = ok(await call<SyncResult>(vera.socket, 'conversation:start', {})).conversation;
    const shot = await upload(vera.token, 'bug.png', PNG);
    ok(await send(vera, { clientId: cid(), score: 2, screenshotIds: [shot.id] }));

    const byAgent = await download(ana.token, shot.id);
    expect(byAgent.status).toBe(200);
    expect(byAgent.type).toBe('image/png');
    expect(byAgent.data.equals(PNG)).toBe(true);

    const stranger = await visitor('fb-files');
    expect((await download(stranger.token, shot.id)).status).toBe(404);
    // The visitor still sees their own screenshot.
    expect((await download(vera.token, shot.id)).status).toBe(200);

    const reuse = await call(vera.socket, 'message:send', { conversationId: conversation.id, clientId: cid(), body: 'see this', attachmentIds: [shot.id] });
    expect(reuse).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('a resend with the same client id returns the first feedback and stores nothing new', async () => {
    const vera = await visitor('fb-resend');
    const shot = await upload(vera.token, 'once.png', PNG);
    const atAna = record<FeedbackDTO>(ana.socket, 'feedback:created');
    const clientId = cid();
    const first = ok(await send(vera, { clientId, score: 5, comment: 'Love it', screenshotIds: [shot.id] }));
    const before = await stored();
    // A retry after a lost ack, even with different content, answers with what was stored.
    const again = ok(await send(vera, { clientId, score: 5, comment: 'Love it', screenshotIds: [shot.id] }));
    const changed = ok(await send(vera, { clientId, score: 1 }));
    expect(again).toEqual(first);
    expect(changed).toEqual(first);
    expect(await stored()).toBe(before);
    await atAna.until((items) => items.some((f) => f.id === first.id));
    await new Promise((r) => setTimeout(r, 200));
    expect(atAna.items.filter((f) => f.id === first.id)).toHaveLength(1);
  });

  it('the same feedback sent from two tabs at once is stored once, and both tabs get it', async () => {
    const visitorToken = newVisitorToken();
    const tabs = [await visitor('fb-tabs', {}, visitorToken), await visitor('fb-tabs', {}, visitorToken)];
    const shot = await upload(tabs[0]!.token, 'both.png', PNG);
    const before = await stored();
    const clientId = cid();
    const answers = await Promise.all(tabs.map((tab) => send(tab, { clientId, score: 4, screenshotIds: [shot.id] })));
    const [a, b] = answers.map((x) => ok(x));
    expect(b).toEqual(a);
    expect(a!.screenshots.map((s) => s.id)).toEqual([shot.id]);
    expect(await stored()).toBe(before + 1);
  });

  it('a logged-in user’s feedback carries their user id, name and email from the host’s token', async () => {
    const admin = await login(server.url, ADMIN.email, ADMIN.password);
    const secret = await siteIdentitySecret(server.url, admin.token, 'fb-users');
    const userToken = signUserToken(secret, { sub: 'user-42', email: 'Kim@Example.test', name: 'Kim User' });
    const kim = await visitor('fb-users', { userToken });
    const sent = ok(await send(kim, { clientId: cid(), score: 3 }));
    expect(sent.visitor).toMatchObject({ userId: 'user-42', name: 'Kim User', email: 'kim@example.test' });
  });
});

describe('bad input', () => {
  it('scores out of range, wrong types, operators, too many or unfit screenshots get a clear error and store nothing', async () => {
    const vera = await visitor('fb-bad');
    const other = await visitor('fb-bad');
    const png = await upload(vera.token, 'ok.png', PNG);
    const pdf = await upload(vera.token, 'report.pdf', PDF);
    const othersPng = await upload(other.token, 'theirs.png', PNG);
    const shots = await Promise.all([1, 2, 3, 4].map((i) => upload(vera.token, `s${i}.png`, PNG)));
    const conversation = ok(await call<SyncResult>(vera.socket, 'conversation:start', {})).conversation;
    const inMessage = await upload(vera.token, 'sent.png', PNG);
    ok(await call(vera.socket, 'message:send', { conversationId: conversation.id, clientId: cid(), body: 'look', attachmentIds: [inMessage.id] }));
    const before = await stored();

    const cases: Array<[Record<string, unknown> | unknown, RegExp]> = [
      [{ clientId: cid(), score: 0 }, /score must be 1 to 5/],
      [{ clientId: cid(), score: 6 }, /score must be 1 to 5/],
      [{ clientId: cid(), score: '4' }, /score/],
      [{ clientId: cid(), score: 2.5 }, /score/],
      [{ clientId: cid(), score: { $gt: '' } }, /score/],
      [{ clientId: { $gt: '' }, score: 3 }, /clientId/],
      [{ score: 3 }, /clientId/],
      [{ clientId: cid(), score: 3, comment: 'x'.repeat(4001) }, /comment must be at most 4000/],
      [{ clientId: cid(), score: 3, screenshotIds: [...shots, png].map((s) => s.id) }, /at most 3 screenshots/],
      [{ clientId: cid(), score: 3, screenshotIds: [png.id, png.id] }, /twice/],
      [{ clientId: cid(), score: 3, screenshotIds: [{ $gt: '' }] }, /screenshotIds/],
      [{ clientId: cid(), score: 3, screenshotIds: [png.id, pdf.id] }, /screenshot 2 \("report\.pdf"\) is not an image/],
      [{ clientId: cid(), score: 3, screenshotIds: [png.id, othersPng.id] }, /screenshot 2 is not one of your uploads/],
      [{ clientId: cid(), score: 3, screenshotIds: ['0123456789abcdef01234567'] }, /screenshot 1 is not one of your uploads/],
      [{ clientId: cid(), score: 3, screenshotIds: [inMessage.id] }, /screenshot 1 was already sent elsewhere/],
      [{ clientId: cid(), score: 3, siteKey: 'someone-elses' }, /siteKey/],
      ['five stars', /Invalid input/],
    ];
    for (const [payload, message] of cases) {
      const answer = await call(vera.socket, 'feedback:send', payload);
      expect(answer, JSON.stringify(payload).slice(0, 120)).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(message) } });
    }
    expect(await stored()).toBe(before);

    // Nothing was taken by the refused sends: the good screenshot still goes with the next one.
    const fine = ok(await send(vera, { clientId: cid(), score: 3, screenshotIds: [png.id] }));
    expect(fine.screenshots.map((s) => s.id)).toEqual([png.id]);
    // ...and once used, it is used.
    expect(await send(vera, { clientId: cid(), score: 3, screenshotIds: [png.id] })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/already sent elsewhere/) } });
  });

  it('past FEEDBACK_PER_HOUR a visitor is told to wait, while a resend of an earlier one still returns it', async () => {
    await awayFromWindowEdge(3600_000);
    const vera = await visitor('fb-limit');
    const clientIds = Array.from({ length: PER_HOUR }, cid);
    const sent: FeedbackDTO[] = [];
    for (const clientId of clientIds) sent.push(ok(await send(vera, { clientId, score: 5 })));
    const before = await stored();
    const limited = await send(vera, { clientId: cid(), score: 5 });
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(new RegExp(`${PER_HOUR} times an hour`)), details: { retryAfterSeconds: expect.any(Number) } } });
    expect(await stored()).toBe(before);
    const resend = ok(await send(vera, { clientId: clientIds[0], score: 5 }));
    expect(resend.id).toBe(sent[0]!.id);
    // Another visitor has their own allowance.
    ok(await send(await visitor('fb-limit'), { clientId: cid(), score: 4 }));
  });
});

describe('listing feedback', () => {
  it('pages newest first with nextCursor, filters by site, and averages over the whole filtered list', async () => {
    const site = 'fb-pages';
    const ids: string[] = [];
    for (const score of [5, 4, 1]) ids.push(ok(await send(await visitor(site), { clientId: cid(), score })).id);
    ok(await send(await visitor('fb-pages-other'), { clientId: cid(), score: 2 }));

    const first = await list(ana.socket, { siteKey: site, limit: 2 });
    expect(first.items.map((f) => f.id)).toEqual([ids[2], ids[1]]);
    expect(first).toMatchObject({ average: 3.33, count: 3, nextCursor: ids[1] });
    const second = await list(ana.socket, { siteKey: site, limit: 2, before: first.nextCursor });
    expect(second.items.map((f) => f.id)).toEqual([ids[0]]);
    expect(second).toMatchObject({ average: 3.33, count: 3, nextCursor: null });

    const everything = await list(ana.socket, {});
    expect(everything.count).toBe(await stored());
    expect(everything.items[0]!.siteKey).toBe('fb-pages-other');

    expect(await list(ana.socket, { siteKey: 'fb-nothing-here' })).toEqual({ items: [], nextCursor: null, average: null, count: 0 });
    expect(await call(ana.socket, 'feedback:list', { before: 'not-a-cursor' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(ana.socket, 'feedback:list', { limit: 1000 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call(ana.socket, 'feedback:list', { siteKey: { $ne: null } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
