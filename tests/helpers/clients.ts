/** Real socket.io-client connections to a test server, typed by the shared contract. */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Ack, AgentClientToServer, AgentServerToClient, VisitorClientToServer, VisitorServerToClient } from '../../shared/events.js';
import type { LoginResult } from '../../shared/types.js';

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
