/**
 * The whole authorization matrix: every role against every REST endpoint and every socket event.
 *
 * The rows are built from the server itself: the REST routes are read from Express's router and
 * the events from `visitorEventSchemas` / `agentEventSchemas`, so a route or an event added
 * without a row here fails the first test of its table. Each row says, for every role, who may
 * (the call is not refused for authorization; most succeed outright) and who may not (refused
 * with UNAUTHORIZED, FORBIDDEN or NOT_FOUND, with no details, nothing of anyone else's in the
 * answer, nothing changed, and, for customers, the very answer a conversation that does not
 * exist would get).
 *
 * Roles: nobody (no token), visitors A and B (widgets), a host site's logged-in user, the guests
 * of tickets X (visitor A's) and Y (someone else's), an agent, an admin, a deactivated agent and
 * a signed-out session. tests/server/ticket-access.test.ts goes deeper into one ticket's doors.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentInviteResult, SiteDTO, UploadResult } from '../../shared/api.js';
import type { OfficialChannelDTO } from '../../shared/visitor-features.js';
import { ERROR_CODES, type ErrorBody } from '../../shared/errors.js';
import type { AgentClientToServer, VisitorClientToServer } from '../../shared/events.js';
import { agentEventSchemas, visitorEventSchemas } from '../../shared/schemas/index.js';
import type { ConversationDTO, LoginResult, MessageDTO, SyncResult } from '../../shared/types.js';
import type { CannedReplyDTO, TeamDTO } from '../../shared/workspace.js';
import {
  call,
  closeAllClients,
  connectAgent,
  connectCustomerPage,
  connectVisitor,
  customerSession,
  guestSignIn,
  login,
  ok,
  rest,
  signUserToken,
  siteIdentitySecret,
  ticketLinkFor,
  type AgentClient,
  type VisitorClient,
} from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

const ROLES = ['anonymous', 'visitorA', 'visitorB', 'user', 'guestX', 'guestY', 'agent', 'admin', 'deactivated', 'revoked'] as const;
type Role = (typeof ROLES)[number];
const CUSTOMERS = ['visitorA', 'visitorB', 'user', 'guestX', 'guestY'] as const;
type CustomerRole = (typeof CUSTOMERS)[number];
const STAFF = ['agent', 'admin'] as const;
type StaffRole = (typeof STAFF)[number];

const WHO: Record<Role, string> = {
  anonymous: 'nobody (no token)',
  visitorA: 'visitor A (owner of ticket X)',
  visitorB: 'visitor B',
  user: "the host site's logged-in user",
  guestX: "ticket X's guest",
  guestY: "ticket Y's guest",
  agent: 'an agent',
  admin: 'an admin',
  deactivated: 'a deactivated agent',
  revoked: 'a signed-out session',
};

/** "may": `ok` must succeed; `allowed` must not be refused for authorization (VALIDATION, CONFLICT, … are fine). */
type May = 'ok' | 'allowed';
type Refusal = 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND';
type Verdict = May | Refusal;
const isRefusal = (v: Verdict): v is Refusal => v !== 'ok' && v !== 'allowed';
const AUTHZ_CODES = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);

let server: TestServer;
let catcher: MailCatcher;
let seq = 0;
const cid = () => `matrix-${Date.now().toString(36)}-${++seq}`;
const NOWHERE = '0123456789abcdef01234567';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** Text only the owners of X (and staff) may ever see, and the same of Y. */
const X_SECRET = 'MATRIX-SECRET-X my card ends in 4242';
const Y_SECRET = 'MATRIX-SECRET-Y my passport number is P1234567';

interface Ctx {
  tokens: Record<Exclude<Role, 'anonymous'>, string>;
  visitorSockets: Record<CustomerRole, VisitorClient>;
  agentSockets: Record<StaffRole, AgentClient>;
  /** Sockets of the deactivated agent and the signed-out session, opened before they lost access. */
  lostSockets: Record<'deactivated' | 'revoked', AgentClient>;
  X: ConversationDTO;
  Y: ConversationDTO;
  attachmentId: string;
  identitySecret: string;
  staffEmails: string[];
  /** Live chats accepted by the admin (the plain agent is not theirs): one per agent row that needs one. */
  adminChats: { end: string; send: string; convert: string; transfer: string };
  /** Queued chats, one for each staff role to accept. */
  queued: Record<StaffRole, string>;
  teamId: string;
  sharedCannedId: string;
  rest: {
    patchableAgentId: string;
    invitedAgentId: string;
    renameTeamId: string;
    deleteTeamId: string;
    officialChannelId: string;
    /** Accounts whose every session "sign out everywhere" may end without touching the shared ones. */
    throwaway: Record<StaffRole, { email: string; password: string }>;
    agentCreds: { email: string; password: string };
  };
}
let ctx: Ctx;

function disconnected(socket: AgentClient): Promise<void> {
  return new Promise((resolve) => {
    if (!socket.connected) resolve();
    else socket.once('disconnect', () => resolve());
  });
}

async function newChat(name: string): Promise<string> {
  const visitor = await connectVisitor(server.url);
  return ok(await call<SyncResult>(visitor, 'conversation:start', { name })).conversation.id;
}

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: catcher.url });

  const adminLogin = await login(server.url, ADMIN.email, ADMIN.password);
  // Room for every chat the rows below give the admin.
  await server.models.Agent.updateOne({ email: ADMIN.email }, { $set: { maxChats: 20 } });
  const agentCreds = await server.addAgent('Ada Matrix');
  const agentLogin = await login(server.url, agentCreds.email, agentCreds.password);
  const [adminSocket, agentSocket] = await Promise.all([connectAgent(server.url, adminLogin.token), connectAgent(server.url, agentLogin.token)]);
  const identitySecret = await siteIdentitySecret(server.url, adminLogin.token);

  const visitorA = await connectVisitor(server.url);
  const visitorB = await connectVisitor(server.url);
  const visitorC = await connectVisitor(server.url);
  const user = await connectVisitor(server.url, undefined, { userToken: signUserToken(identitySecret, { sub: 'matrix-user', email: 'matrix.user@example.test', name: 'Mia User' }) });

  const X = ok(await call<SyncResult>(visitorA, 'ticket:create', { clientId: cid(), email: 'owner.x@example.test', category: 'account', body: X_SECRET })).conversation;
  const Y = ok(await call<SyncResult>(visitorC, 'ticket:create', { clientId: cid(), email: 'owner.y@example.test', category: 'account', body: Y_SECRET })).conversation;
  const sessionA = await customerSession(visitorA);
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(PNG)]), 'x-screenshot.png');
  const uploaded = (await (await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${sessionA.token}` } })).json()) as UploadResult;
  const attachmentId = uploaded.attachments[0]!.id;
  ok(await call<MessageDTO>(visitorA, 'message:send', { conversationId: X.id, clientId: cid(), body: 'the screenshot', attachmentIds: [attachmentId] }));

  const [guestXSession, guestYSession] = await Promise.all([
    ticketLinkFor(catcher, 'owner.x@example.test').then((link) => guestSignIn(server.url, catcher, link, 'owner.x@example.test')),
    ticketLinkFor(catcher, 'owner.y@example.test').then((link) => guestSignIn(server.url, catcher, link, 'owner.y@example.test')),
  ]);
  const guestX = await connectCustomerPage(server.url, guestXSession.token);
  const guestY = await connectCustomerPage(server.url, guestYSession.token);
  // Typing needs the conversation open in this socket.
  for (const s of [visitorA, guestX]) ok(await call(s, 'conversation:sync', { conversationId: X.id, afterSeq: 0 }));
  for (const s of [agentSocket, adminSocket]) ok(await call(s, 'conversation:sync', { conversationId: X.id, afterSeq: 0 }));

  // Access taken back: an agent deactivated by the admin, and a session signed out.
  const dee = await server.addAgent('Dee Deactivated');
  const deeLogin = await login(server.url, dee.email, dee.password);
  const deeSocket = await connectAgent(server.url, deeLogin.token);
  const deeGone = disconnected(deeSocket);
  expect((await rest(server.url, 'PATCH', `/api/admin/agents/${dee.id}`, { token: adminLogin.token, body: { active: false } })).status).toBe(200);
  const revokedLogin = await login(server.url, agentCreds.email, agentCreds.password);
  const revokedSocket = await connectAgent(server.url, revokedLogin.token);
  const revokedGone = disconnected(revokedSocket);
  expect((await rest(server.url, 'POST', '/api/auth/logout', { token: revokedLogin.token })).status).toBe(204);
  await Promise.all([deeGone, revokedGone]);

  const adminChats = { end: await newChat('End Me'), send: await newChat('Send Me'), convert: await newChat('Convert Me'), transfer: await newChat('Transfer Me') };
  for (const id of Object.values(adminChats)) ok(await call(adminSocket, 'conversation:accept', { conversationId: id }));
  const queued = { agent: await newChat('Queue For Agent'), admin: await newChat('Queue For Admin') };

  const team = await rest<TeamDTO>(server.url, 'POST', '/api/admin/teams', { token: adminLogin.token, body: { name: 'Matrix Team' } });
  const renameTeam = await rest<TeamDTO>(server.url, 'POST', '/api/admin/teams', { token: adminLogin.token, body: { name: 'Rename Me' } });
  const deleteTeam = await rest<TeamDTO>(server.url, 'POST', '/api/admin/teams', { token: adminLogin.token, body: { name: 'Delete Me' } });
  const shared = ok(await call<CannedReplyDTO>(adminSocket, 'canned:save', { shortcut: 'matrix-shared', title: 'Shared', body: 'A shared reply', scope: 'shared' }));
  const patchable = await server.addAgent('Pat Patchable');
  const invited = await rest<AgentInviteResult>(server.url, 'POST', '/api/admin/agents', { token: adminLogin.token, body: { email: 'ivy.invited@example.test', name: 'Ivy Invited', role: 'agent' } });
  const channel = await rest<OfficialChannelDTO>(server.url, 'POST', '/api/admin/official-channels', { token: adminLogin.token, body: { kind: 'domain', value: 'delete-me.example.test' } });
  for (const r of [team, renameTeam, deleteTeam, invited, channel]) expect(r.status).toBe(201);

  ctx = {
    tokens: {
      visitorA: sessionA.token,
      visitorB: (await customerSession(visitorB)).token,
      user: (await customerSession(user)).token,
      guestX: guestXSession.token,
      guestY: guestYSession.token,
      agent: agentLogin.token,
      admin: adminLogin.token,
      deactivated: deeLogin.token,
      revoked: revokedLogin.token,
    },
    visitorSockets: { visitorA, visitorB, user, guestX, guestY },
    agentSockets: { agent: agentSocket, admin: adminSocket },
    lostSockets: { deactivated: deeSocket, revoked: revokedSocket },
    X,
    Y,
    attachmentId,
    identitySecret,
    staffEmails: [ADMIN.email, agentCreds.email, dee.email, patchable.email],
    adminChats,
    queued,
    teamId: team.body.id,
    sharedCannedId: shared.id,
    rest: {
      patchableAgentId: patchable.id,
      invitedAgentId: invited.body.agent.id,
      renameTeamId: renameTeam.body.id,
      deleteTeamId: deleteTeam.body.id,
      officialChannelId: channel.body.id,
      throwaway: { agent: await server.addAgent('Lou Leaving'), admin: await server.addAgent('Lia Leaving', 'admin') },
      agentCreds,
    },
  };
}, 120_000);

afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
});

// ---- what every refusal and every answer must (not) hold ------------------------------------

/** Text of others that a role must never be shown: X's and Y's words, staff emails, the identity secret. */
function mustNotSee(who: Role): string[] {
  const out = [ctx.identitySecret];
  if (who !== 'visitorA' && who !== 'guestX' && !STAFF.includes(who as StaffRole)) out.push(X_SECRET, ctx.X.id);
  if (who !== 'guestY' && !STAFF.includes(who as StaffRole)) out.push(Y_SECRET, ctx.Y.id);
  if (!STAFF.includes(who as StaffRole)) out.push(...ctx.staffEmails);
  return out;
}

function expectNoLeak(who: Role, what: unknown, label: string): void {
  const text = typeof what === 'string' ? what : JSON.stringify(what);
  for (const s of mustNotSee(who)) expect(text.includes(s), `${label}: shows ${WHO[who]} "${s.slice(0, 30)}"`).toBe(false);
}

/** A refusal is an error body with a known code and a message, and no details to learn from. */
function expectCleanRefusal(error: ErrorBody | undefined, code: Refusal, label: string): void {
  expect(error, label).toBeDefined();
  expect(error!.code, `${label}: ${JSON.stringify(error)}`).toBe(code);
  expect(Object.keys(error!).sort(), `${label}: ${JSON.stringify(error)}`).toEqual(['code', 'message']);
  expect(ERROR_CODES).toContain(error!.code);
}

// ---- REST ---------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

async function http(who: Role, method: string, path: string, opts: { json?: unknown; form?: FormData; token?: string; ip?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = opts.token ?? (who === 'anonymous' ? undefined : ctx.tokens[who]);
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  // Each role from its own network, so per-IP limits of the public doors stay apart.
  headers['x-forwarded-for'] = opts.ip ?? `198.51.100.${ROLES.indexOf(who) + 1}`;
  const res = await fetch(`${server.url}${path}`, { method, headers, redirect: 'manual', body: opts.form ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json)) });
  const text = await res.text();
  let body: unknown = text;
  if (/json/.test(res.headers.get('content-type') ?? '') && text) body = JSON.parse(text);
  return { status: res.status, body, text };
}

const pngForm = (name: string) => {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(PNG)]), name);
  return form;
};

type Door = 'public' | 'agent' | 'admin' | 'actor';
interface RestRow {
  door: Door;
  /** Verdicts that differ from the door's default. */
  except?: Partial<Record<Role, Verdict>>;
  call(who: Role): Promise<Answer>;
  /** What a refused call must leave as it was. */
  state?(): Promise<unknown>;
}

function restVerdict(row: RestRow, who: Role): Verdict {
  const own = row.except?.[who];
  if (own) return own;
  switch (row.door) {
    case 'public':
      return 'allowed';
    case 'agent':
      return STAFF.includes(who as StaffRole) ? 'ok' : 'UNAUTHORIZED';
    case 'admin':
      return who === 'admin' ? 'ok' : who === 'agent' ? 'FORBIDDEN' : 'UNAUTHORIZED';
    case 'actor':
      return who === 'anonymous' || who === 'deactivated' || who === 'revoked' ? 'UNAUTHORIZED' : 'ok';
  }
}

const unique = () => `${Date.now().toString(36)}${++seq}`;

/** Every route of the app, by `METHOD path` as Express's router holds it. */
const REST: Record<string, RestRow> = {
  'GET /healthz': { door: 'public', call: (who) => http(who, 'GET', '/healthz') },
  'GET /readyz': { door: 'public', call: (who) => http(who, 'GET', '/readyz') },
  'POST /api/auth/login': { door: 'public', call: (who) => http(who, 'POST', '/api/auth/login', { json: ctx.rest.agentCreds }) },
  'GET /api/auth/me': { door: 'agent', call: (who) => http(who, 'GET', '/api/auth/me') },
  'POST /api/auth/logout': {
    door: 'agent',
    // The shared sessions must live on: staff sign out a session of their own for this.
    call: async (who) =>
      http(who, 'POST', '/api/auth/logout', STAFF.includes(who as StaffRole) ? { token: (await login(server.url, who === 'admin' ? ADMIN.email : ctx.rest.agentCreds.email, who === 'admin' ? ADMIN.password : ctx.rest.agentCreds.password)).token } : {}),
  },
  'POST /api/auth/logout-all': {
    door: 'agent',
    // Everywhere means every session of the account: staff use an account of their role kept for this.
    call: async (who) => {
      if (!STAFF.includes(who as StaffRole)) return http(who, 'POST', '/api/auth/logout-all');
      const creds = ctx.rest.throwaway[who as StaffRole];
      return http(who, 'POST', '/api/auth/logout-all', { token: (await login(server.url, creds.email, creds.password)).token });
    },
    state: async () => (await server.models.Agent.find({}, { email: 1, tokenVersion: 1 }).sort({ email: 1 }).lean()).map((a) => [a.email, a.tokenVersion]),
  },
  'POST /api/auth/invite/accept': { door: 'public', call: (who) => http(who, 'POST', '/api/auth/invite/accept', { json: { token: 'x'.repeat(43), password: 'a long enough password' } }) },
  'GET /api/admin/agents': { door: 'admin', call: (who) => http(who, 'GET', '/api/admin/agents') },
  'POST /api/admin/agents': {
    door: 'admin',
    call: (who) => http(who, 'POST', '/api/admin/agents', { json: { email: `new.${unique()}@example.test`, name: 'New Agent', role: 'admin' } }),
    state: () => server.models.Agent.countDocuments(),
  },
  'PATCH /api/admin/agents/:id': {
    door: 'admin',
    call: (who) => http(who, 'PATCH', `/api/admin/agents/${ctx.rest.patchableAgentId}`, { json: { role: 'admin', maxChats: 9 } }),
    state: async () => (await server.models.Agent.findById(ctx.rest.patchableAgentId).lean())?.role,
  },
  'POST /api/admin/agents/:id/invite': {
    door: 'admin',
    call: (who) => http(who, 'POST', `/api/admin/agents/${ctx.rest.invitedAgentId}/invite`),
    state: async () => (await server.models.Agent.findById(ctx.rest.invitedAgentId).lean())?.inviteHash,
  },
  'GET /api/admin/teams': { door: 'admin', call: (who) => http(who, 'GET', '/api/admin/teams') },
  'POST /api/admin/teams': { door: 'admin', call: (who) => http(who, 'POST', '/api/admin/teams', { json: { name: `Team ${unique()}` } }), state: () => server.models.Team.countDocuments() },
  'PATCH /api/admin/teams/:id': {
    door: 'admin',
    call: (who) => http(who, 'PATCH', `/api/admin/teams/${ctx.rest.renameTeamId}`, { json: { name: `Renamed by ${who}` } }),
    state: async () => (await server.models.Team.findById(ctx.rest.renameTeamId).lean())?.name,
  },
  'DELETE /api/admin/teams/:id': {
    door: 'admin',
    call: (who) => http(who, 'DELETE', `/api/admin/teams/${ctx.rest.deleteTeamId}`),
    state: () => server.models.Team.exists({ _id: ctx.rest.deleteTeamId }),
  },
  'GET /api/admin/sites': { door: 'admin', call: (who) => http(who, 'GET', '/api/admin/sites') },
  'GET /api/admin/sites/:siteKey': { door: 'admin', call: (who) => http(who, 'GET', '/api/admin/sites/default') },
  'PATCH /api/admin/sites/:siteKey': {
    door: 'admin',
    call: async (who) => {
      const res = await http(who, 'PATCH', '/api/admin/sites/default', { json: { rotateIdentitySecret: true } });
      // The admin's rotation goes through: hosts (and the rows below) sign with the new secret now.
      if (res.status === 200) ctx.identitySecret = (res.body as SiteDTO).identitySecret;
      return res;
    },
    state: async () => (await server.models.Site.findOne({ siteKey: 'default' }).lean())?.identitySecret,
  },
  'GET /api/admin/alerts': { door: 'admin', call: (who) => http(who, 'GET', '/api/admin/alerts') },
  // No failed job exists: past the door, the admin hears NOT_FOUND for the job itself.
  'POST /api/admin/alerts/:id/retry': { door: 'admin', except: { admin: 'allowed' }, call: (who) => http(who, 'POST', '/api/admin/alerts/no-such-job/retry') },
  'GET /api/admin/official-channels': { door: 'admin', call: (who) => http(who, 'GET', '/api/admin/official-channels') },
  'POST /api/admin/official-channels': {
    door: 'admin',
    call: (who) => http(who, 'POST', '/api/admin/official-channels', { json: { kind: 'domain', value: `matrix-${who}.example.test` } }),
    state: () => server.models.OfficialChannel.countDocuments(),
  },
  'DELETE /api/admin/official-channels/:id': {
    door: 'admin',
    call: (who) => http(who, 'DELETE', `/api/admin/official-channels/${ctx.rest.officialChannelId}`),
    state: () => server.models.OfficialChannel.exists({ _id: ctx.rest.officialChannelId }),
  },
  'POST /api/uploads': { door: 'actor', call: (who) => http(who, 'POST', '/api/uploads', { form: pngForm(`from-${who}.png`) }), state: () => server.models.Attachment.countDocuments() },
  'GET /api/attachments/:id': {
    door: 'actor',
    // X's screenshot: its participants and staff; other customers hear it does not exist.
    except: { visitorB: 'NOT_FOUND', user: 'NOT_FOUND', guestY: 'NOT_FOUND' },
    call: (who) => http(who, 'GET', `/api/attachments/${ctx.attachmentId}`),
  },
  'POST /api/guest/link': { door: 'public', call: (who) => http(who, 'POST', '/api/guest/link', { json: { link: 'a'.repeat(43) } }) },
  'POST /api/guest/code': { door: 'public', call: (who) => http(who, 'POST', '/api/guest/code', { json: { link: 'a'.repeat(43) } }) },
  'POST /api/guest/verify': { door: 'public', call: (who) => http(who, 'POST', '/api/guest/verify', { json: { link: 'a'.repeat(43), code: '123456' } }) },
  'POST /api/customer/session': {
    door: 'public',
    call: (who) => http(who, 'POST', '/api/customer/session', { json: { siteKey: 'default', userToken: signUserToken(ctx.identitySecret, { sub: `matrix-${who}` }) } }),
  },
  'GET /widget.js': { door: 'public', call: (who) => http(who, 'GET', '/widget.js') },
  'GET /push-sw.js': { door: 'public', call: (who) => http(who, 'GET', '/push-sw.js') },
  'GET /^\\/agent(\\/.*)?$/': { door: 'public', call: (who) => http(who, 'GET', '/agent/queue') },
  'GET /^\\/tickets(\\/.*)?$/': { door: 'public', call: (who) => http(who, 'GET', '/tickets/mine') },
  'GET /demo': { door: 'public', call: (who) => http(who, 'GET', '/demo') },
  'GET /demo.css': { door: 'public', call: (who) => http(who, 'GET', '/demo.css') },
  'GET /': { door: 'public', call: (who) => http(who, 'GET', '/') },
};

/** The app's routes, read from Express's router (router 2: every layer keeps its `rawPath`). */
function appRoutes(): string[] {
  interface Layer {
    route?: { path: unknown; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    rawPath: unknown;
    slash: boolean;
  }
  const out = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.add(`${m.toUpperCase()} ${prefix}${String(layer.route.path)}`);
      else if (layer.handle?.stack) walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${String(layer.rawPath)}`);
    }
  };
  walk((server.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...out].sort();
}

/** Refused roles first: what they must not change is then checked before anyone allowed changes it. */
const inOrder = <R extends string>(roles: readonly R[], verdict: (who: R) => Verdict) => [...roles.filter((r) => isRefusal(verdict(r))), ...roles.filter((r) => !isRefusal(verdict(r)))];

describe('REST: every endpoint against every role', () => {
  it('the table has a row for every route the app serves, and no row for a route it does not', () => {
    expect(Object.keys(REST).sort()).toEqual(appRoutes());
  });

  it.each(Object.keys(REST).sort())('%s', async (route) => {
    const row = REST[route]!;
    const before = await row.state?.();
    let refusedDone = false;
    for (const who of inOrder(ROLES, (r) => restVerdict(row, r))) {
      const verdict = restVerdict(row, who);
      const label = `${route} as ${WHO[who]} (expected ${verdict})`;
      if (!isRefusal(verdict) && !refusedDone) {
        refusedDone = true;
        if (row.state) expect(await row.state(), `${route}: a refused call changed something`).toEqual(before);
      }
      const res = await row.call(who);
      if (isRefusal(verdict)) {
        expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe({ UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404 }[verdict]);
        expectCleanRefusal((res.body as { error?: ErrorBody }).error, verdict, label);
        expect(Object.keys(res.body as object), label).toEqual(['error']);
        expectNoLeak(who, res.text, label);
        if (verdict === 'NOT_FOUND' && route === 'GET /api/attachments/:id') {
          // The same answer as for an attachment that does not exist.
          expect(res.body, label).toEqual((await http(who, 'GET', `/api/attachments/${NOWHERE}`)).body);
        }
      } else {
        const error = (res.body as { error?: ErrorBody } | undefined)?.error;
        expect([401, 403].includes(res.status), `${label}: ${res.status} ${res.text.slice(0, 300)}`).toBe(false);
        expect(error?.message ?? '', label).not.toMatch(/^No such endpoint/);
        if (verdict === 'ok') expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeLessThan(400);
        if (row.door !== 'public' && !STAFF.includes(who as StaffRole)) expectNoLeak(who, res.text, label);
      }
    }
    if (!refusedDone && row.state) expect(await row.state(), `${route}: a refused call changed something`).toEqual(before);
  });
});

// ---- sockets ------------------------------------------------------------------------------

/** Handshakes with a role's own credential; null when the namespace let it in (it must not). */
const handshakes = new Map<string, Promise<{ message: string; data?: unknown } | null>>();
function handshake(namespace: '/visitor' | '/agent', who: Role, as: 'token' | 'session' | 'visitorToken'): Promise<{ message: string; data?: unknown } | null> {
  const key = `${namespace}|${who}|${as}`;
  let p = handshakes.get(key);
  if (!p) {
    const auth = who === 'anonymous' ? {} : { [as]: ctx.tokens[who] };
    const socket = io(`${server.url}${namespace}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    p = new Promise((resolve) => {
      socket.once('connect', () => {
        socket.close();
        resolve(null);
      });
      socket.once('connect_error', (err: Error & { data?: unknown }) => {
        socket.close();
        resolve({ message: err.message, data: err.data });
      });
    });
    handshakes.set(key, p);
  }
  return p;
}

interface EventRow<R extends string> {
  /** The verdict of every role that holds a socket of this namespace. */
  verdicts: Record<R, Verdict>;
  payload(who: R): unknown;
  /** Checks on what an allowed role got back. */
  check?(who: R, data: unknown): void;
  /** What a refused call must leave as it was. */
  state?(): Promise<unknown>;
}

const X_OWNERS = { visitorA: 'ok', visitorB: 'NOT_FOUND', user: 'NOT_FOUND', guestX: 'ok', guestY: 'NOT_FOUND' } as const;
const X_OWNERS_FORBIDDEN = { visitorA: 'ok', visitorB: 'FORBIDDEN', user: 'FORBIDDEN', guestX: 'ok', guestY: 'FORBIDDEN' } as const;
const EVERY_CUSTOMER = { visitorA: 'ok', visitorB: 'ok', user: 'ok', guestX: 'ok', guestY: 'ok' } as const;
/** Widgets (they have a visitor): a guest's ticket page has none. */
const WIDGETS = { visitorA: 'ok', visitorB: 'ok', user: 'ok', guestX: 'FORBIDDEN', guestY: 'FORBIDDEN' } as const;
/** Settings need an account: the host's logged-in user only. */
const SIGNED_IN_USER = { visitorA: 'FORBIDDEN', visitorB: 'FORBIDDEN', user: 'ok', guestX: 'FORBIDDEN', guestY: 'FORBIDDEN' } as const;
const STAFF_BOTH = { agent: 'ok', admin: 'ok' } as const;
/** A live chat the admin accepted: the plain agent is not its agent. */
const ITS_AGENT_OR_ADMIN = { agent: 'FORBIDDEN', admin: 'ok' } as const;
const ADMIN_ONLY = { agent: 'FORBIDDEN', admin: 'ok' } as const;

const pushSubscription = (tag: string) => ({ endpoint: `https://push.example.test/${tag}`, keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) } });
/** Store snapshots for `state`; ids are read when the row runs (the tables are built before beforeAll). */
const messagesIn = (id: () => string) => () => server.models.Message.countDocuments({ conversationId: id() });
const conversationDoc = (id: () => string) => async () => {
  const c = await server.models.Conversation.findById(id()).lean();
  return c && { status: c.status, agentId: c.agentId?.toHexString() ?? null, rating: c.rating ?? null, ticketStatus: c.ticketStatus ?? null, labels: c.labels ?? [] };
};

type VisitorEvent = keyof VisitorClientToServer;
type AgentEvent = keyof AgentClientToServer;

const VISITOR_EVENTS: Record<VisitorEvent, EventRow<CustomerRole>> = {
  'session:get': { verdicts: EVERY_CUSTOMER, payload: () => ({}) },
  'site:config': { verdicts: EVERY_CUSTOMER, payload: () => ({}) },
  'conversation:start': { verdicts: WIDGETS, payload: () => ({ name: 'Starter' }) },
  'conversation:current': { verdicts: EVERY_CUSTOMER, payload: () => ({}) },
  'conversation:sync': { verdicts: X_OWNERS, payload: () => ({ conversationId: ctx.X.id, afterSeq: 0 }) },
  'conversation:end': { verdicts: X_OWNERS, payload: () => ({ conversationId: ctx.X.id }), state: conversationDoc(() => ctx.X.id) },
  'conversation:leave-message': { verdicts: X_OWNERS, payload: () => ({ conversationId: ctx.X.id, email: 'someone.else@example.test' }), state: conversationDoc(() => ctx.X.id) },
  'message:send': { verdicts: X_OWNERS, payload: (who) => ({ conversationId: ctx.X.id, clientId: cid(), body: `from ${who}` }), state: messagesIn(() => ctx.X.id) },
  'typing:set': { verdicts: X_OWNERS_FORBIDDEN, payload: () => ({ conversationId: ctx.X.id, typing: true }) },
  'ticket:create': { verdicts: WIDGETS, payload: () => ({ clientId: cid(), email: 'new.ticket@example.test', category: 'other', body: 'A new ticket' }) },
  'tickets:list': { verdicts: EVERY_CUSTOMER, payload: () => ({ filter: 'all' }) },
  'alerts:get': { verdicts: SIGNED_IN_USER, payload: () => ({}) },
  'alerts:set': { verdicts: SIGNED_IN_USER, payload: () => ({ email: true }) },
  'push:subscribe': { verdicts: SIGNED_IN_USER, payload: (who) => ({ subscription: pushSubscription(`visitor-${who}`) }), state: () => server.models.PushSubscription.countDocuments() },
  'push:unsubscribe': { verdicts: SIGNED_IN_USER, payload: (who) => ({ endpoint: pushSubscription(`visitor-${who}`).endpoint }) },
  'conversation:rate': { verdicts: X_OWNERS, payload: () => ({ conversationId: ctx.X.id, score: 5 }), state: conversationDoc(() => ctx.X.id) },
  // Mails the transcript (at most 3 an hour per conversation): allowed, whatever the limit says.
  'conversation:transcript': { verdicts: { ...X_OWNERS, visitorA: 'allowed', guestX: 'allowed' }, payload: () => ({ conversationId: ctx.X.id }) },
  'conversation:read': { verdicts: X_OWNERS_FORBIDDEN, payload: () => ({ conversationId: ctx.X.id, seq: 1 }), state: () => server.models.ReadReceipt.find({}).lean().then((r) => r.length) },
  'feedback:send': { verdicts: WIDGETS, payload: () => ({ clientId: cid(), score: 4, comment: 'Nice' }) },
  'official:check': { verdicts: EVERY_CUSTOMER, payload: () => ({ value: 'delete-me.example.test' }) },
};

const AGENT_EVENTS: Record<AgentEvent, EventRow<StaffRole>> = {
  'queue:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'conversation:accept': { verdicts: STAFF_BOTH, payload: (who) => ({ conversationId: ctx.queued[who] }) },
  'conversation:sync': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id, afterSeq: 0 }) },
  'conversation:end': { verdicts: ITS_AGENT_OR_ADMIN, payload: () => ({ conversationId: ctx.adminChats.end }), state: conversationDoc(() => ctx.adminChats.end) },
  'message:send': { verdicts: ITS_AGENT_OR_ADMIN, payload: (who) => ({ conversationId: ctx.adminChats.send, clientId: cid(), body: `from ${who}` }), state: messagesIn(() => ctx.adminChats.send) },
  'typing:set': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id, typing: true }) },
  'site:config': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'agents:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'tickets:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'ticket:convert': { verdicts: ITS_AGENT_OR_ADMIN, payload: () => ({ conversationId: ctx.adminChats.convert, category: 'other' }), state: conversationDoc(() => ctx.adminChats.convert) },
  'ticket:update': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id, priority: 'high' }) },
  'notes:list': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id }) },
  'note:add': { verdicts: STAFF_BOTH, payload: (who) => ({ conversationId: ctx.X.id, clientId: cid(), body: `note by ${who}` }) },
  'alerts:get': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'alerts:set': { verdicts: STAFF_BOTH, payload: () => ({ email: false }) },
  'push:subscribe': { verdicts: STAFF_BOTH, payload: (who) => ({ subscription: pushSubscription(`agent-${who}`) }) },
  'push:unsubscribe': { verdicts: STAFF_BOTH, payload: (who) => ({ endpoint: pushSubscription(`agent-${who}`).endpoint }) },
  'ratings:summary': {
    verdicts: STAFF_BOTH,
    payload: () => ({}),
    // An agent sees their own average only.
    check: (who, data) => {
      if (who === 'agent') for (const line of data as Array<{ agentId: string }>) expect(line.agentId).toBe(jwtSub(ctx.tokens.agent));
    },
  },
  'conversation:view': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id, viewing: true }) },
  'canned:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'canned:save': { verdicts: ADMIN_ONLY, payload: () => ({ shortcut: `shared-${unique()}`, title: 'Shared', body: 'For everyone', scope: 'shared' }), state: () => server.models.CannedReply.countDocuments() },
  'canned:delete': { verdicts: ADMIN_ONLY, payload: () => ({ id: ctx.sharedCannedId }), state: () => server.models.CannedReply.exists({ _id: ctx.sharedCannedId }) },
  'conversation:labels': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id, labels: ['vip'] }) },
  'conversation:read': { verdicts: STAFF_BOTH, payload: () => ({ conversationId: ctx.X.id, seq: 1 }) },
  'reads:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  search: { verdicts: STAFF_BOTH, payload: () => ({ q: 'MATRIX' }) },
  'presence:set': { verdicts: STAFF_BOTH, payload: () => ({ status: 'online' }) },
  'presence:activity': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'presence:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'conversation:transfer': { verdicts: ITS_AGENT_OR_ADMIN, payload: () => ({ conversationId: ctx.adminChats.transfer, teamId: ctx.teamId }), state: conversationDoc(() => ctx.adminChats.transfer) },
  'teams:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
  'feedback:list': { verdicts: STAFF_BOTH, payload: () => ({}) },
};

function jwtSub(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}

/** The payload with its conversation swapped for one that does not exist. */
function elsewhere(payload: unknown): unknown {
  const p = payload as Record<string, unknown>;
  return p && typeof p.conversationId === 'string' ? { ...p, conversationId: NOWHERE, ...(typeof p.clientId === 'string' ? { clientId: cid() } : {}) } : undefined;
}

async function runEventRow<R extends string>(namespace: '/visitor' | '/agent', event: string, row: EventRow<R>, sockets: Record<R, VisitorClient | AgentClient>, customers: boolean): Promise<void> {
  const holders = Object.keys(row.verdicts) as R[];
  const before = await row.state?.();
  let refusedDone = false;
  for (const who of inOrder(holders, (r) => row.verdicts[r])) {
    const verdict = row.verdicts[who];
    const label = `${namespace} ${event} as ${WHO[who as unknown as Role]} (expected ${verdict})`;
    if (!isRefusal(verdict) && !refusedDone) {
      refusedDone = true;
      if (row.state) expect(await row.state(), `${label}: a refused call changed something`).toEqual(before);
    }
    const payload = row.payload(who);
    const ack = await call(sockets[who], event, payload);
    if (isRefusal(verdict)) {
      expect(ack.ok, `${label}: ${JSON.stringify(ack).slice(0, 300)}`).toBe(false);
      const error = (ack as { error: ErrorBody }).error;
      expectCleanRefusal(error, verdict, label);
      expectNoLeak(who as unknown as Role, ack, label);
      const absent = customers ? elsewhere(payload) : undefined;
      // A customer cannot tell someone else's conversation from one that does not exist.
      if (absent) expect(await call(sockets[who], event, absent), `${label}: differs from a conversation that does not exist`).toEqual(ack);
    } else {
      if (verdict === 'ok') expect(ack.ok, `${label}: ${JSON.stringify(ack).slice(0, 300)}`).toBe(true);
      else if (!ack.ok) expect(AUTHZ_CODES.has(ack.error.code), `${label}: ${JSON.stringify(ack)}`).toBe(false);
      if (ack.ok) {
        row.check?.(who, ack.data);
        expectNoLeak(who as unknown as Role, ack.data, label);
      }
    }
  }
  if (!refusedDone && row.state) expect(await row.state(), `${event}: a refused call changed something`).toEqual(before);
}

const HANDSHAKE_REFUSED = { message: 'UNAUTHORIZED' };

describe('/visitor: every event against every role', () => {
  it('the table has a row for every visitor event (visitorEventSchemas), and no other', () => {
    expect(Object.keys(VISITOR_EVENTS).sort()).toEqual(Object.keys(visitorEventSchemas).sort());
  });

  it('nobody, and staff with their agent tokens, are refused at the /visitor handshake, so no visitor event reaches the server from them', async () => {
    expect(await handshake('/visitor', 'anonymous', 'session')).toMatchObject(HANDSHAKE_REFUSED);
    for (const who of ['agent', 'admin', 'deactivated', 'revoked'] as const) {
      for (const as of ['session', 'visitorToken'] as const) expect(await handshake('/visitor', who, as), `${WHO[who]} as ${as}`).toMatchObject(HANDSHAKE_REFUSED);
    }
  });

  it.each(Object.keys(visitorEventSchemas).sort())('%s', async (event) => {
    const row = (VISITOR_EVENTS as Record<string, EventRow<CustomerRole>>)[event];
    expect(row, `no row for the visitor event ${event}`).toBeDefined();
    expect(Object.keys(row!.verdicts).sort()).toEqual([...CUSTOMERS].sort());
    // Roles without a visitor socket: refused at the door (above); every event is out of their reach.
    for (const who of ['anonymous', 'agent', 'admin', 'deactivated', 'revoked'] as const) expect(await handshake('/visitor', who, 'session')).toMatchObject(HANDSHAKE_REFUSED);
    await runEventRow('/visitor', event, row!, ctx.visitorSockets, true);
  });
});

describe('/agent: every event against every role', () => {
  it('the table has a row for every agent event (agentEventSchemas), and no other', () => {
    expect(Object.keys(AGENT_EVENTS).sort()).toEqual(Object.keys(agentEventSchemas).sort());
  });

  it('nobody, customers with their sessions, a deactivated agent and a signed-out session are refused at the /agent handshake; the last two lost their open sockets', async () => {
    for (const who of ['anonymous', ...CUSTOMERS, 'deactivated', 'revoked'] as const) {
      const refused = await handshake('/agent', who, 'token');
      expect(refused, WHO[who]).toMatchObject(HANDSHAKE_REFUSED);
      expect(refused!.data, WHO[who]).toEqual(who === 'anonymous' ? expect.objectContaining({ code: 'UNAUTHORIZED' }) : { code: 'UNAUTHORIZED', message: 'Your session is not valid; please sign in again' });
    }
    expect(ctx.lostSockets.deactivated.connected).toBe(false);
    expect(ctx.lostSockets.revoked.connected).toBe(false);
  });

  it.each(Object.keys(agentEventSchemas).sort())('%s', async (event) => {
    const row = (AGENT_EVENTS as Record<string, EventRow<StaffRole>>)[event];
    expect(row, `no row for the agent event ${event}`).toBeDefined();
    expect(Object.keys(row!.verdicts).sort()).toEqual([...STAFF].sort());
    for (const who of ['anonymous', ...CUSTOMERS, 'deactivated', 'revoked'] as const) expect(await handshake('/agent', who, 'token')).toMatchObject(HANDSHAKE_REFUSED);
    // A customer's own socket does not know the agents' commands (the shared names are the visitor table's).
    if (!(event in visitorEventSchemas)) {
      for (const who of CUSTOMERS) {
        expect(await call(ctx.visitorSockets[who], event, row!.payload('agent')), `${event} from ${WHO[who]}`).toEqual({ ok: false, error: { code: 'VALIDATION', message: `Unknown event: ${event}` } });
      }
    }
    await runEventRow('/agent', event, row!, ctx.agentSockets, false);
  });
});
