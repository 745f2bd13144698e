/**
 * Nothing that opens a door reaches the log, even at LOG_LEVEL=trace: the server runs as an operator
 * runs it (its own process, JSON lines on stdout) through every way in — sign-in, a failed sign-in,
 * the agent and widget handshakes, a guest's link and code, an invitation, refused sockets, a token
 * in a query string, sign-out — and afterwards no token, password, code, link or secret appears
 * anywhere in what it wrote. No SMTP_URL: mails go to DATA_DIR/mail, the setup in which the server
 * also logs where a ticket's or an invitation's mail went.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import PostalMime from 'postal-mime';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AgentInviteResult, GuestCodeSent, SiteDTO } from '../../shared/api.js';
import type { CustomerSessionDTO, LoginResult, SyncResult } from '../../shared/types.js';
import {
  call,
  closeAllClients,
  connectAgent,
  connectCustomerPage,
  connectVisitor,
  customerSession,
  newVisitorToken,
  ok,
  rest,
  signUserToken,
} from '../helpers/clients.js';
import { killAllServerProcesses, runServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startTestStore, type TestStore } from '../helpers/store.js';

/** Resolves when the socket connects, rejects with the handshake's refusal. */
function connection(socket: ReturnType<typeof io>): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

const ADMIN = { email: 'logs.admin@example.test', password: 'an admin password nobody may read' };

let store: TestStore;
let dataDir: string;
let server: ServerProcess;
let url: string;

beforeAll(async () => {
  store = await startTestStore();
  dataDir = await mkdtemp(join(tmpdir(), 'chat-logs-'));
  server = runServerProcess({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: store.uri,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'trace',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  url = (await server.waitFor('listening')).url as string;
});

afterAll(async () => {
  closeAllClients();
  killAllServerProcesses();
  await store?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The text of the first mail to `to` written under DATA_DIR/mail whose text matches. */
async function mailTo(to: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const dir = join(dataDir, 'mail');
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
    for (const f of files) {
      const mail = await PostalMime.parse(await readFile(join(dir, f)));
      if (mail.to?.some((a) => a.address === to) && pattern.test(mail.text ?? '')) return mail.text!;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const refused = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('the connection was accepted');
    },
    (err: { message: string }) => err.message,
  );

it('a whole day of sign-ins, handshakes, guest codes and invitations leaves no token, password, code or link in the trace log', async () => {
  /** Every secret that crossed the wire; none may be found in the output. */
  const secrets: Record<string, string> = { 'admin password': ADMIN.password };

  // Agents: a failed sign-in, a sign-in, REST and the socket, a token in a query string.
  const wrongPassword = 'a wrong password typed by mistake';
  secrets['wrong password'] = wrongPassword;
  expect((await rest(url, 'POST', '/api/auth/login', { body: { email: ADMIN.email, password: wrongPassword } })).status).toBe(401);
  const admin = await rest<LoginResult>(url, 'POST', '/api/auth/login', { body: ADMIN });
  expect(admin.status).toBe(200);
  secrets['admin session'] = admin.body.token;
  expect((await rest(url, 'GET', '/api/auth/me', { token: admin.body.token })).status).toBe(200);
  expect((await fetch(`${url}/api/auth/me?token=${admin.body.token}&access_token=${admin.body.token}`)).status).toBe(401);
  const agentSocket = await connectAgent(url, admin.body.token);
  ok(await call(agentSocket, 'queue:list', {}));

  // A host site's logged-in user in the widget, and the site's identity secret the admin read.
  const site = await rest<SiteDTO>(url, 'GET', '/api/admin/sites/default', { token: admin.body.token });
  secrets['identity secret'] = site.body.identitySecret;
  const visitorToken = newVisitorToken();
  const userToken = signUserToken(site.body.identitySecret, { sub: 'logs-user-1', email: 'logs.user@example.test' });
  Object.assign(secrets, { 'visitor token': visitorToken, 'user token': userToken });
  const widget = await connectVisitor(url, visitorToken, { userToken });
  const widgetSession = await customerSession(widget);
  secrets['widget session'] = widgetSession.token;
  expect((await rest(url, 'POST', '/api/customer/session', { body: { siteKey: 'default', userToken } })).status).toBe(200);

  // A guest: the ticket's link from the mail, a code, a wrong code, the right code, the customer page.
  const anonymous = await connectVisitor(url);
  ok(await call<SyncResult>(anonymous, 'ticket:create', { clientId: 'logs-ticket-1', email: 'logs.guest@example.test', category: 'other', body: 'Please call me back' }));
  const link = /\/tickets\/#t=([A-Za-z0-9_-]+)/.exec(await mailTo('logs.guest@example.test', /\/tickets\/#t=/))![1]!;
  secrets['guest link'] = link;
  expect((await rest(url, 'POST', '/api/guest/link', { body: { link } })).status).toBe(200);
  expect((await rest<GuestCodeSent>(url, 'POST', '/api/guest/code', { body: { link } })).status).toBe(200);
  const code = /^\s*(\d{6})\s*$/m.exec(await mailTo('logs.guest@example.test', /^\s*\d{6}\s*$/m))![1]!;
  const wrongCode = code === '000000' ? '111111' : '000000';
  Object.assign(secrets, { 'guest code': code, 'wrong guest code': wrongCode });
  expect((await rest(url, 'POST', '/api/guest/verify', { body: { link, code: wrongCode } })).status).toBe(401);
  const guest = await rest<CustomerSessionDTO>(url, 'POST', '/api/guest/verify', { body: { link, code } });
  expect(guest.status).toBe(200);
  secrets['guest session'] = guest.body.token;
  await connectCustomerPage(url, guest.body.token);

  // An invitation: its link and the password the new agent chooses.
  const invited = await rest<AgentInviteResult>(url, 'POST', '/api/admin/agents', { token: admin.body.token, body: { email: 'logs.invitee@example.test', name: 'Ivo Invitee', role: 'agent' } });
  expect(invited.status).toBe(201);
  const inviteToken = /#\/invite\/([A-Za-z0-9_-]{43})/.exec(await mailTo('logs.invitee@example.test', /#\/invite\//))![1]!;
  const chosen = 'the password Ivo chose for himself';
  Object.assign(secrets, { 'invitation token': inviteToken, 'invitee password': chosen });
  const accepted = await rest<LoginResult>(url, 'POST', '/api/auth/invite/accept', { body: { token: inviteToken, password: chosen } });
  expect(accepted.status).toBe(200);
  secrets['invitee session'] = accepted.body.token;

  // Refused sockets: a forged agent token, a garbage customer session, a token in the query.
  const forged = `${admin.body.token.slice(0, -4)}AAAA`;
  secrets['forged token'] = forged;
  expect(await refused(connectAgent(url, forged))).toBe('UNAUTHORIZED');
  expect(await refused(connectCustomerPage(url, `${guest.body.token}x`))).toBe('UNAUTHORIZED');
  const queried = io(`${url}/agent`, { query: { token: accepted.body.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  expect(await refused(connection(queried))).toBe('UNAUTHORIZED');
  queried.close();

  // Sign-out, and the signed-out token tried again.
  expect((await rest(url, 'POST', '/api/auth/logout', { token: accepted.body.token })).status).toBe(204);
  expect(await refused(connectAgent(url, accepted.body.token))).toBe('UNAUTHORIZED');

  // The server's own signing secret, generated into DATA_DIR on first start.
  secrets['JWT secret'] = (JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { jwtSecret: string }).jwtSecret;

  closeAllClients();
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  const output = `${server.lines.map((l) => JSON.stringify(l)).join('\n')}\n${server.stderr()}`;
  // It did log verbosely: refusals at debug, the sign-out, the guest's sign-in, where mails went.
  expect(server.lines.some((l) => l.msg === 'agent token refused')).toBe(true);
  expect(server.lines.some((l) => l.msg.startsWith('ticket link') && l.link === '[redacted]')).toBe(true);
  expect(server.lines.some((l) => l.msg === 'invitation written to the mail folder')).toBe(true);
  expect(server.lines.some((l) => l.msg === 'agent signed out')).toBe(true);
  expect(server.lines.some((l) => l.msg === 'guest signed in to a ticket')).toBe(true);
  for (const [what, value] of Object.entries(secrets)) {
    expect(value.length, what).toBeGreaterThanOrEqual(6);
    // A code is digits: found only standing alone, not inside a timestamp or a pid.
    const found = /^\d+$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`).test(output) : output.includes(value);
    expect(found, `${what} appears in the log`).toBe(false);
    // A JWT's signature alone is as good as a leak of the whole (it can be replayed with its visible parts).
    const signature = value.split('.')[2];
    if (signature) expect(output.includes(signature), `the signature of the ${what} appears in the log`).toBe(false);
  }
}, 120_000);
