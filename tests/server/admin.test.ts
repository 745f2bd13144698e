/**
 * The admin API against the real app: who may call it, inviting agents by mail (real SMTP),
 * deactivation ending sessions and sockets, the last admin, teams, and a site's settings.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentInviteResult, SiteDTO } from '../../shared/api.js';
import type { LoginResult } from '../../shared/types.js';
import type { AgentProfileDTO, TeamDTO } from '../../shared/workspace.js';
import { closeAllClients, connectAgent, login, rest } from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let mail: MailCatcher;
let adminToken: string;

beforeAll(async () => {
  mail = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: mail.url });
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await mail?.close();
});
afterEach(() => closeAllClients());

const asAdmin = <T>(method: string, path: string, body?: unknown) => rest<T>(server.url, method, path, { token: adminToken, ...(body === undefined ? {} : { body }) });

/** Invites an agent and returns the token from the link in the mail they get. */
async function invite(email: string, name: string, extra: Record<string, unknown> = {}): Promise<{ result: AgentInviteResult; token: string }> {
  const res = await asAdmin<AgentInviteResult>('POST', '/api/admin/agents', { email, name, role: 'agent', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const token = await inviteTokenFor(email);
  return { result: res.body, token };
}

async function inviteTokenFor(email: string, after = 0): Promise<string> {
  const m = await mail.waitFor((x) => mail.messages.indexOf(x) >= after && x.to.includes(email));
  const token = /\/agent\/#\/invite\/([A-Za-z0-9_-]{43})/.exec(m.text)?.[1];
  if (!token) throw new Error(`no invitation link in ${m.text}`);
  return token;
}

function disconnected(socket: { once(e: 'disconnect', l: (reason: string) => void): unknown }, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the socket was not disconnected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

describe('admin permissions', () => {
  it('every admin endpoint answers 401 without a session, 403 to an agent, and works for an admin', async () => {
    const agent = await server.addAgent('Permission Agent');
    const agentToken = (await login(server.url, agent.email, agent.password)).token;
    const team = await asAdmin<TeamDTO>('POST', '/api/admin/teams', { name: 'Permission team' });
    expect(team.status).toBe(201);

    let n = 0;
    const endpoints: Array<{ method: string; path: string; body?: () => unknown; expect: number }> = [
      { method: 'GET', path: '/api/admin/agents', expect: 200 },
      { method: 'POST', path: '/api/admin/agents', body: () => ({ email: `perm${++n}@example.test`, name: 'Perm', role: 'agent' }), expect: 201 },
      { method: 'PATCH', path: `/api/admin/agents/${agent.id}`, body: () => ({ maxChats: 4 }), expect: 200 },
      { method: 'GET', path: '/api/admin/teams', expect: 200 },
      { method: 'POST', path: '/api/admin/teams', body: () => ({ name: `Team ${++n}` }), expect: 201 },
      { method: 'PATCH', path: `/api/admin/teams/${team.body.id}`, body: () => ({ name: 'Permission team' }), expect: 200 },
      { method: 'GET', path: '/api/admin/sites', expect: 200 },
      { method: 'GET', path: '/api/admin/sites/default', expect: 200 },
      { method: 'PATCH', path: '/api/admin/sites/default', body: () => ({ routing: 'manual' }), expect: 200 },
    ];
    for (const e of endpoints) {
      const anonymous = await rest(server.url, e.method, e.path, e.body ? { body: e.body() } : {});
      expect(anonymous.status, `anonymous ${e.method} ${e.path}`).toBe(401);
      const asAgent = await rest(server.url, e.method, e.path, { token: agentToken, ...(e.body ? { body: e.body() } : {}) });
      expect(asAgent.status, `agent ${e.method} ${e.path}`).toBe(403);
      expect(asAgent.error?.code).toBe('FORBIDDEN');
      const asAdminRes = await rest(server.url, e.method, e.path, { token: adminToken, ...(e.body ? { body: e.body() } : {}) });
      expect(asAdminRes.status, `admin ${e.method} ${e.path}: ${JSON.stringify(asAdminRes.body)}`).toBe(e.expect);
    }

    // Re-sending and deleting change state, so each role gets its own target.
    const invited = (await asAdmin<AgentInviteResult>('POST', '/api/admin/agents', { email: 'perm-resend@example.test', name: 'Resend', role: 'agent' })).body.agent;
    const doomed = await Promise.all(['Doomed 1', 'Doomed 2', 'Doomed 3'].map(async (name) => (await asAdmin<TeamDTO>('POST', '/api/admin/teams', { name })).body));
    for (const [token, status] of [[undefined, 401], [agentToken, 403], [adminToken, 200]] as const) {
      const resend = await rest(server.url, 'POST', `/api/admin/agents/${invited.id}/invite`, token ? { token } : {});
      expect(resend.status).toBe(status);
    }
    for (const [token, status, team] of [[undefined, 401, doomed[0]!], [agentToken, 403, doomed[1]!], [adminToken, 204, doomed[2]!]] as const) {
      const del = await rest(server.url, 'DELETE', `/api/admin/teams/${team.id}`, token ? { token } : {});
      expect(del.status).toBe(status);
    }
    const left = (await asAdmin<TeamDTO[]>('GET', '/api/admin/teams')).body.map((t) => t.name);
    expect(left).toEqual(expect.arrayContaining(['Doomed 1', 'Doomed 2']));
    expect(left).not.toContain('Doomed 3');
    // The agent's forbidden PATCH changed nothing.
    const stored = await server.models.Agent.findById(agent.id).lean();
    expect(stored!.maxChats).toBe(4);
  });
});

describe('inviting agents', () => {
  it('the invited agent gets a mail with a link, cannot sign in before accepting, sets a password through the link and is signed in', async () => {
    const email = 'new.agent@example.test';
    const { result, token } = await invite(email, 'Nora New', { maxChats: 5, skills: { languages: ['de', 'sv', 'de'], categories: ['deposits-withdrawals'] } });
    expect(result.mail).toBe('sent');
    expect(result.agent).toMatchObject({ email, name: 'Nora New', role: 'agent', active: true, invited: true, maxChats: 5, skills: { languages: ['de', 'sv'], categories: ['deposits-withdrawals'] }, teamIds: [] });
    const m = mail.messages.find((x) => x.to.includes(email))!;
    expect(m.subject).toBe('You are invited to the support workspace');
    expect(m.text).toContain(`${server.url}/agent/#/invite/${token}`);
    expect(m.html).toContain(`${server.url}/agent/#/invite/${token}`);
    // Only a digest of the token is stored.
    const stored = await server.models.Agent.findOne({ email }).lean();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored!.inviteExpiresAt!.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

    // Before accepting, no password works.
    const early = await rest(server.url, 'POST', '/api/auth/login', { body: { email, password: 'anything-at-all' } });
    expect(early.status).toBe(401);
    expect(early.error?.message).toMatch(/invitation/);

    const short = await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token, password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.error?.message).toMatch(/password must be at least 10 characters/);

    const accepted = await rest<LoginResult>(server.url, 'POST', '/api/auth/invite/accept', { body: { token, password: 'a fine long password' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.agent).toMatchObject({ email, name: 'Nora New', role: 'agent' });
    const me = await rest<{ agent: { email: string } }>(server.url, 'GET', '/api/auth/me', { token: accepted.body.token });
    expect(me.body.agent.email).toBe(email);
    expect((await login(server.url, email, 'a fine long password')).agent.email).toBe(email);

    // The link worked once.
    const again = await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token, password: 'another long password' } });
    expect(again.status).toBe(404);
    expect(again.error?.message).toMatch(/not valid any more/);
    const profile = (await asAdmin<AgentProfileDTO[]>('GET', '/api/admin/agents')).body.find((a) => a.email === email);
    expect(profile?.invited).toBe(false);
    // And there is nothing to re-send now.
    expect((await asAdmin('POST', `/api/admin/agents/${profile!.id}/invite`)).status).toBe(409);
  });

  it('an expired link is refused, a re-sent invitation replaces the old link, and the same email cannot be invited twice', async () => {
    const email = 'late.agent@example.test';
    const { result, token } = await invite(email, 'Lars Late');
    expect((await asAdmin('POST', '/api/admin/agents', { email: 'LATE.agent@example.test', name: 'Dup', role: 'agent' })).status).toBe(409);

    await server.models.Agent.updateOne({ email }, { $set: { inviteExpiresAt: new Date(Date.now() - 1000) } });
    const expired = await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token, password: 'a fine long password' } });
    expect(expired.status).toBe(401);
    expect(expired.error).toMatchObject({ details: { reason: 'expired' } });
    expect(expired.error?.message).toMatch(/expired/);

    const before = mail.messages.length;
    const resent = await asAdmin<AgentInviteResult>('POST', `/api/admin/agents/${result.agent.id}/invite`);
    expect(resent.status).toBe(200);
    const fresh = await inviteTokenFor(email, before);
    expect(fresh).not.toBe(token);
    expect((await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token, password: 'a fine long password' } })).status).toBe(404);
    expect((await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token: fresh, password: 'a fine long password' } })).status).toBe(200);
    expect((await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token: 'x'.repeat(43), password: 'a fine long password' } })).status).toBe(404);
    expect((await rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token: 'not-a-token', password: 'a fine long password' } })).status).toBe(400);
  });

  it('two tabs accepting the same link at once: one wins, the other is told the link was used', async () => {
    const email = 'racing.agent@example.test';
    const { token } = await invite(email, 'Rita Race');
    const results = await Promise.all(
      ['first long password', 'second long password', 'third long password'].map((password) =>
        rest(server.url, 'POST', '/api/auth/invite/accept', { body: { token, password } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404]);
    const winner = ['first long password', 'second long password', 'third long password'][results.findIndex((r) => r.status === 200)]!;
    expect((await login(server.url, email, winner)).agent.email).toBe(email);
  });

  it('invitations are validated: email, role, capacity 1..50, known teams and categories', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ email: 'not-an-email', name: 'X', role: 'agent' }, /email/],
      [{ email: 'x1@example.test', name: 'X', role: 'owner' }, /role/],
      [{ email: 'x2@example.test', name: 'X', role: 'agent', maxChats: 0 }, /maxChats must be at least 1/],
      [{ email: 'x3@example.test', name: 'X', role: 'agent', maxChats: 51 }, /maxChats must be at most 50/],
      [{ email: 'x4@example.test', name: 'X', role: 'agent', teamIds: ['0123456789abcdef01234567'] }, /teamIds/],
      [{ email: 'x5@example.test', name: 'X', role: 'agent', skills: { languages: ['fr'], categories: [] } }, /skills.languages/],
      [{ email: 'x6@example.test', name: 'X', role: 'agent', skills: { languages: [], categories: ['no-such-category'] } }, /skills.categories/],
      [{ email: 'x7@example.test', name: 'X', role: 'agent', password: 'sneaky' }, /password|Unrecognized/i],
    ];
    for (const [body, message] of bad) {
      const res = await asAdmin('POST', '/api/admin/agents', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.error?.code).toBe('VALIDATION');
      expect(res.error?.message).toMatch(message);
    }
    expect(await server.models.Agent.countDocuments({ email: /^x\d@example\.test$/ })).toBe(0);
  });
});

describe('deactivation and the last admin', () => {
  it('deactivating an agent ends their sessions and closes their live sockets; reactivating lets them sign in again', async () => {
    const creds = await server.addAgent('Dana Deactivated');
    const session = await login(server.url, creds.email, creds.password);
    const socket = await connectAgent(server.url, session.token);
    const gone = disconnected(socket);

    const res = await asAdmin<AgentProfileDTO>('PATCH', `/api/admin/agents/${creds.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await gone).toBe('io server disconnect');

    expect((await rest(server.url, 'GET', '/api/auth/me', { token: session.token })).status).toBe(401);
    await expect(connectAgent(server.url, session.token)).rejects.toThrow('UNAUTHORIZED');
    expect((await rest(server.url, 'POST', '/api/auth/login', { body: { email: creds.email, password: creds.password } })).status).toBe(401);

    expect((await asAdmin('PATCH', `/api/admin/agents/${creds.id}`, { active: true })).status).toBe(200);
    // The old session stays ended; a new sign-in works.
    expect((await rest(server.url, 'GET', '/api/auth/me', { token: session.token })).status).toBe(401);
    const again = await login(server.url, creds.email, creds.password);
    expect((await rest(server.url, 'GET', '/api/auth/me', { token: again.token })).status).toBe(200);
  });

  it('the last active admin can neither demote nor deactivate themselves; with a second admin they can', async () => {
    const me = (await login(server.url, ADMIN.email, ADMIN.password)).agent;
    for (const body of [{ role: 'agent' }, { active: false }]) {
      const res = await asAdmin('PATCH', `/api/admin/agents/${me.id}`, body);
      expect(res.status).toBe(409);
      expect(res.error?.message).toMatch(/You are the last active admin/);
    }
    // An invited admin who never set a password does not count.
    await invite('invited.admin@example.test', 'Ivy Invited', { role: 'admin' });
    expect((await asAdmin('PATCH', `/api/admin/agents/${me.id}`, { role: 'agent' })).status).toBe(409);

    const second = await server.addAgent('Second Admin', 'admin');
    const secondSession = await login(server.url, second.email, second.password);
    const socket = await connectAgent(server.url, secondSession.token);
    const gone = disconnected(socket);
    // Demoting the second admin is fine (the first remains); their sockets reconnect as an agent.
    const demoted = await asAdmin<AgentProfileDTO>('PATCH', `/api/admin/agents/${second.id}`, { role: 'agent' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('agent');
    await gone;
    expect((await rest(server.url, 'GET', '/api/admin/agents', { token: secondSession.token })).status).toBe(403);
    // Their session is still valid as an agent.
    expect((await rest(server.url, 'GET', '/api/auth/me', { token: secondSession.token })).status).toBe(200);
    expect((await asAdmin('PATCH', `/api/admin/agents/${me.id}`, { active: false })).status).toBe(409);
  });

  it('agent changes are validated and persisted', async () => {
    const creds = await server.addAgent('Edith Edited');
    const team = (await asAdmin<TeamDTO>('POST', '/api/admin/teams', { name: 'Edit team' })).body;
    const ok = await asAdmin<AgentProfileDTO>('PATCH', `/api/admin/agents/${creds.id}`, {
      name: 'Edith E.',
      maxChats: 50,
      skills: { languages: ['zh', 'cs'], categories: ['security'] },
      teamIds: [team.id, team.id],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Edith E.', maxChats: 50, skills: { languages: ['zh', 'cs'], categories: ['security'] }, teamIds: [team.id] });
    const listed = (await asAdmin<AgentProfileDTO[]>('GET', '/api/admin/agents')).body.find((a) => a.id === creds.id);
    expect(listed).toEqual(ok.body);

    for (const [body, status] of [
      [{}, 400],
      [{ maxChats: 51 }, 400],
      [{ maxChats: 2.5 }, 400],
      [{ teamIds: ['0123456789abcdef01234567'] }, 400],
      [{ email: 'changed@example.test' }, 400],
      [{ active: 'no' }, 400],
    ] as const) {
      expect((await asAdmin('PATCH', `/api/admin/agents/${creds.id}`, body)).status, JSON.stringify(body)).toBe(status);
    }
    expect((await asAdmin('PATCH', '/api/admin/agents/0123456789abcdef01234567', { maxChats: 2 })).status).toBe(404);
    expect((await asAdmin('PATCH', '/api/admin/agents/not-an-id', { maxChats: 2 })).status).toBe(400);
  });
});

describe('teams', () => {
  it('names are unique whatever their case, renames keep that, and a deleted team leaves every agent', async () => {
    const billing = await asAdmin<TeamDTO>('POST', '/api/admin/teams', { name: 'Billing' });
    expect(billing.status).toBe(201);
    const dup = await asAdmin('POST', '/api/admin/teams', { name: ' billing ' });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe('CONFLICT');
    const sales = (await asAdmin<TeamDTO>('POST', '/api/admin/teams', { name: 'Sales' })).body;
    expect((await asAdmin('PATCH', `/api/admin/teams/${sales.id}`, { name: 'BILLING' })).status).toBe(409);
    expect((await asAdmin<TeamDTO>('PATCH', `/api/admin/teams/${sales.id}`, { name: 'Sales EMEA' })).body).toEqual({ id: sales.id, name: 'Sales EMEA' });
    expect((await asAdmin('POST', '/api/admin/teams', { name: '' })).status).toBe(400);

    const a = await server.addAgent('Team Member A');
    const b = await server.addAgent('Team Member B');
    await asAdmin('PATCH', `/api/admin/agents/${a.id}`, { teamIds: [billing.body.id, sales.id] });
    await asAdmin('PATCH', `/api/admin/agents/${b.id}`, { teamIds: [billing.body.id] });

    expect((await asAdmin('DELETE', `/api/admin/teams/${billing.body.id}`)).status).toBe(204);
    expect((await asAdmin('DELETE', `/api/admin/teams/${billing.body.id}`)).status).toBe(404);
    const agents = (await asAdmin<AgentProfileDTO[]>('GET', '/api/admin/agents')).body;
    expect(agents.find((x) => x.id === a.id)?.teamIds).toEqual([sales.id]);
    expect(agents.find((x) => x.id === b.id)?.teamIds).toEqual([]);
    const teams = (await asAdmin<TeamDTO[]>('GET', '/api/admin/teams')).body;
    expect(teams.some((t) => t.id === billing.body.id)).toBe(false);
    // The name is free again.
    expect((await asAdmin('POST', '/api/admin/teams', { name: 'Billing' })).status).toBe(201);
  });
});

describe('site settings', () => {
  const hours = {
    timeZone: 'Europe/Stockholm',
    days: { mon: [{ from: '13:00', to: '17:00' }, { from: '08:00', to: '12:00' }], sat: [{ from: '10:00', to: '24:00' }] },
  };

  it('bad time zones, overlapping or backwards hours, bad colours and bad origins are refused with the field named', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ businessHours: { ...hours, timeZone: 'Mars/Olympus_Mons' } }, /businessHours.timeZone must be an IANA time zone/],
      [{ businessHours: { ...hours, timeZone: '+01:00' } }, /time zone/],
      [{ businessHours: { ...hours, days: { tue: [{ from: '09:00', to: '12:00' }, { from: '11:30', to: '15:00' }] } } }, /overlap/],
      [{ businessHours: { ...hours, days: { tue: [{ from: '12:00', to: '09:00' }] } } }, /must end after it starts/],
      [{ businessHours: { ...hours, days: { tue: [{ from: '9:00', to: '12:00' }] } } }, /HH:MM/],
      [{ businessHours: { ...hours, days: { funday: [] } } }, /funday|Unrecognized/],
      [{ widget: { color: 'blue', position: 'right', greeting: {}, offlineMessage: {}, languages: [] } }, /widget.color must be a colour/],
      [{ widget: { color: '#12345', position: 'right', greeting: {}, offlineMessage: {}, languages: [] } }, /colour/],
      // Pure red: white text on it reaches 4.0:1, dark text 4.1:1; AA asks 4.5.
      [{ widget: { color: '#ff0000', position: 'right', greeting: {}, offlineMessage: {}, languages: [] } }, /hard to read/],
      [{ widget: { color: '#123456', position: 'top', greeting: {}, offlineMessage: {}, languages: [] } }, /position/],
      [{ widget: { color: '#123456', position: 'left', greeting: { en: 'x'.repeat(501) }, offlineMessage: {}, languages: [] } }, /500/],
      [{ allowedOrigins: ['ftp://shop.example.com'] }, /allowedOrigins.0 must be an http\(s\) origin/],
      [{ allowedOrigins: ['https://shop.example.com/path'] }, /origin/],
      [{ allowedOrigins: ['not a url'] }, /origin/],
      [{ routing: 'random' }, /routing/],
    ];
    for (const [body, message] of bad) {
      const res = await asAdmin('PATCH', '/api/admin/sites/default', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.error?.code).toBe('VALIDATION');
      expect(res.error?.message).toMatch(message);
    }
    const site = await server.models.Site.findById('default').lean();
    expect(site?.businessHours ?? null).toBeNull();
  });

  it('routing, hours, widget and origins are stored normalized, returned, listed and can be cleared', async () => {
    const res = await asAdmin<SiteDTO>('PATCH', '/api/admin/sites/default', {
      routing: 'auto',
      businessHours: hours,
      widget: { color: '#3B5BDB', position: 'left', greeting: { en: '  Hi there! ', de: 'Hallo!', sv: '' }, offlineMessage: { cs: 'Jsme offline' }, languages: ['en', 'de', 'en'] },
      allowedOrigins: ['HTTPS://Shop.Example.com:443/', 'http://localhost:8080', 'https://shop.example.com'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      siteKey: 'default',
      routing: 'auto',
      businessHours: {
        timeZone: 'Europe/Stockholm',
        days: { mon: [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '17:00' }], tue: [], wed: [], thu: [], fri: [], sat: [{ from: '10:00', to: '24:00' }], sun: [] },
      },
      widget: { color: '#3b5bdb', position: 'left', greeting: { en: 'Hi there!', de: 'Hallo!' }, offlineMessage: { cs: 'Jsme offline' }, languages: ['en', 'de'] },
      allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
    });
    const stored = await server.models.Site.findById('default').lean();
    expect(stored).toMatchObject({ routing: 'auto', allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'] });
    expect(stored!.businessHours!.days.mon).toHaveLength(2);
    expect((await asAdmin<SiteDTO>('GET', '/api/admin/sites/default')).body).toEqual(res.body);
    const listed = (await asAdmin<SiteDTO[]>('GET', '/api/admin/sites')).body;
    expect(listed.find((s) => s.siteKey === 'default')).toEqual(res.body);

    // Other settings survive a change of one; null clears.
    const cleared = await asAdmin<SiteDTO>('PATCH', '/api/admin/sites/default', { businessHours: null, widget: null, allowedOrigins: [] });
    expect(cleared.body).toMatchObject({ routing: 'auto', businessHours: null, widget: null, allowedOrigins: [] });
    const back = await asAdmin<SiteDTO>('PATCH', '/api/admin/sites/default', { routing: 'manual' });
    expect(back.body.routing).toBe('manual');
  });
});
