/** Real socket.io-client connections to a test server, typed by the shared contract. */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Ack, AgentClientToServer, AgentServerToClient, VisitorClientToServer, VisitorServerToClient } from '../../shared/events.js';
import type { LoginResult } from '../../shared/types.js';
import jwt from 'jsonwebtoken';
import type { GuestCodeSent, SiteDTO } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { CustomerSessionDTO } from '../../shared/types.js';
import type { MailCatcher } from './mail.js';

export type VisitorClient = Socket<VisitorServerToClient, VisitorClientToServer>;
export type AgentClient = Socket<AgentServerToClient, AgentClientToServer>;
type AnyClient = VisitorClient | AgentClient;

export const newVisitorToken = () => randomBytes(32).toString('base64url');

const openSockets = new Set<Socket>();

function connected<S extends Socket>(socket: S): Promise<S> {
  openSockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

export function connectVisitor(url: string, visitorToken = newVisitorToken(), extraAuth: Record<string, unknown> = {}): Promise<VisitorClient> {
  return connected(io(`${url}/visitor`, { auth: { visitorToken, ...extraAuth }, transports: ['websocket'], reconnection: false, forceNew: true }) as VisitorClient);
}

export function connectAgent(url: string, token: string): Promise<AgentClient> {
  return connected(io(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true }) as AgentClient);
}

export async function login(url: string, email: string, password: string): Promise<LoginResult> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as LoginResult & { error?: unknown };
  if (!res.ok) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function agentSession(url: string, creds: { email: string; password: string }): Promise<{ socket: AgentClient; login: LoginResult }> {
  const session = await login(url, creds.email, creds.password);
  return { socket: await connectAgent(url, session.token), login: session };
}

/** Sends a command and returns its ack (loosely typed, so tests can also send malformed payloads). */
export function call<T = unknown>(socket: AnyClient, event: string, payload?: unknown): Promise<Ack<T>> {
  const s = socket as unknown as Socket;
  return (payload === undefined ? s.timeout(10_000).emitWithAck(event) : s.timeout(10_000).emitWithAck(event, payload)) as Promise<Ack<T>>;
}

/** The ack's data, or a thrown error naming the code: for steps that must succeed. */
export function ok<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** Records every payload of one event, with a way to wait until some arrive. */
export function record<T>(socket: AnyClient, event: string) {
  const items: T[] = [];
  const waiters: Array<() => void> = [];
  (socket as unknown as Socket).on(event, (payload: T) => {
    items.push(payload);
    for (const w of waiters.splice(0)) w();
  });
  return {
    items,
    async until(pred: (items: T[]) => boolean, timeoutMs = 5000): Promise<T[]> {
      const deadline = Date.now() + timeoutMs;
      while (!pred(items)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${event}; got ${JSON.stringify(items).slice(0, 500)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return items;
    },
  };
}

export function closeAllClients(): void {
  for (const s of openSockets) s.disconnect();
  openSockets.clear();
}

// ---- REST, customer sessions and sign-in (tickets) ----------------------------------------

export interface RestResult<T> {
  status: number;
  headers: Headers;
  body: T;
  /** The error body of a 4xx/5xx answer. */
  error: ErrorBody | undefined;
}

/**
 * A JSON call to the REST API. `ip` poses as a client behind the loopback proxy the server trusts
 * (X-Forwarded-For), so a test can stand for its own network and per-IP limits stay apart.
 */
export async function rest<T = unknown>(url: string, method: string, path: string, opts: { token?: string; body?: unknown; ip?: string } = {}): Promise<RestResult<T>> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  const res = await fetch(`${url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  const body = (text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text) as T;
  return { status: res.status, headers: res.headers, body, error: res.ok ? undefined : (body as { error?: ErrorBody }).error };
}

/** The customer page's connection: a session from POST /api/customer/session or /api/guest/verify. */
export function connectCustomerPage(url: string, session: string): Promise<VisitorClient> {
  return connected(io(`${url}/visitor`, { auth: { session }, transports: ['websocket'], reconnection: false, forceNew: true }) as VisitorClient);
}

/** The REST session of a widget or customer-page connection. */
export async function customerSession(socket: VisitorClient): Promise<CustomerSessionDTO> {
  return ok(await call<CustomerSessionDTO>(socket, 'session:get', {}));
}

/** The site's identity secret, as its admin reads it. */
export async function siteIdentitySecret(url: string, adminToken: string, siteKey = 'default'): Promise<string> {
  const res = await rest<SiteDTO>(url, 'GET', `/api/admin/sites/${siteKey}`, { token: adminToken });
  if (res.status !== 200) throw new Error(`could not read site ${siteKey}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.identitySecret;
}

/** What a host site's backend mints for its logged-in user (HS256 with the site's identity secret). */
export function signUserToken(secret: string, user: { sub: string; email?: string; name?: string }, expiresIn: NonNullable<jwt.SignOptions['expiresIn']> = '1h'): string {
  return jwt.sign(user, secret, { algorithm: 'HS256', expiresIn });
}

/** The guest link token from the newest "ticket created" mail to `email` (`/tickets/#t=<link>`). */
export async function ticketLinkFor(catcher: MailCatcher, email: string): Promise<string> {
  const mail = await catcher.waitFor((m) => m.to.includes(email) && /\/tickets\/#t=/.test(m.text));
  const link = /\/tickets\/#t=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no ticket link in the mail to ${email}`);
  return link;
}

/** Asks for a guest code by REST and reads it from the code mail that follows. */
export async function requestGuestCode(url: string, catcher: MailCatcher, link: string, email: string, ip?: string): Promise<string> {
  const before = catcher.messages.length;
  const res = await rest<GuestCodeSent>(url, 'POST', '/api/guest/code', { body: { link }, ...(ip ? { ip } : {}) });
  if (res.status !== 200) throw new Error(`code request failed: ${res.status} ${JSON.stringify(res.body)}`);
  const mail = await catcher.waitFor((m) => catcher.messages.indexOf(m) >= before && m.to.includes(email) && /^\s*\d{6}\s*$/m.test(m.text));
  return /^\s*(\d{6})\s*$/m.exec(mail.text)![1]!;
}

/** The whole guest sign-in: code by mail, then verify; returns the guest's session. */
export async function guestSignIn(url: string, catcher: MailCatcher, link: string, email: string, ip?: string): Promise<CustomerSessionDTO> {
  const code = await requestGuestCode(url, catcher, link, email, ip);
  const res = await rest<CustomerSessionDTO>(url, 'POST', '/api/guest/verify', { body: { link, code }, ...(ip ? { ip } : {}) });
  if (res.status !== 200) throw new Error(`guest verify failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
