/**
 * The product's own clients, run in Node for fault tests: the widget's VisitorClient and the agent
 * UI's AgentSocket with its ConversationStreams. Their outbox (resend with the same client id) and
 * their sync after every reconnect are what these tests prove, so nothing here stands in for them:
 * a Ledger only watches a client's transport (each send attempt, its answer, how long it took).
 */
import { ConversationStreams } from '../../agent-ui/controllers/conversation-streams.js';
import { AgentSocket } from '../../agent-ui/controllers/agent-socket.js';
import { ConversationStream, type StreamTransport } from '../../shared/conversation-stream.js';
import { ACK_TIMEOUT_MS } from '../../shared/limits.js';
import type { LoginResult, MessageDTO } from '../../shared/types.js';
import { VisitorClient } from '../../widget/app/visitor-client.js';

/**
 * The page the client runs in. The agent UI connects to its own origin (`io('/agent')`), so this is
 * set to the balancer's address before an AgentSocket is made; the widget reads only `href`.
 */
function setPageOrigin(url: string): void {
  Object.defineProperty(globalThis, 'location', { value: new URL('/page', url), configurable: true, writable: true });
}

/** Waits for `probe` to answer truthy; on timeout the error says what `explain` finds (the state at that moment). */
export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  explain: () => unknown = () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${JSON.stringify(explain())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one sender's transport saw, by message body (each body is unique in these tests). */
export class Ledger {
  /** Bodies in the order they were handed to the client. */
  readonly sent: string[] = [];
  /** Handed over while the client had no connection: the outbox held them until it had one. */
  queuedOffline = 0;
  readonly acked = new Set<string>();
  private readonly attempts = new Map<string, number>();
  /** Refusals by error code, and sends that threw (no answer: timed out or the socket dropped). */
  readonly refusals = new Map<string, number>();
  /** Attempts that waited about ACK_TIMEOUT_MS or more: the server hung instead of answering. */
  hung = 0;
  slowestMs = 0;

  constructor(readonly name: string) {}

  /** The user pressed send. */
  record(body: string, connected: boolean): void {
    this.sent.push(body);
    if (!connected) this.queuedOffline++;
  }

  watch(transport: StreamTransport): void {
    const send = transport.send.bind(transport);
    transport.send = async (input) => {
      this.attempts.set(input.body, (this.attempts.get(input.body) ?? 0) + 1);
      const started = Date.now();
      try {
        const res = await send(input);
        if (res.ok) this.acked.add(input.body);
        else this.count(res.error.code);
        return res;
      } catch (err) {
        this.count('no answer');
        throw err;
      } finally {
        const ms = Date.now() - started;
        this.slowestMs = Math.max(this.slowestMs, ms);
        if (ms >= ACK_TIMEOUT_MS - 100) this.hung++;
      }
    };
  }

  /** Messages sent more than once (after a refusal, a timeout or a reconnect). */
  get resent(): number {
    let n = 0;
    for (const a of this.attempts.values()) if (a > 1) n++;
    return n;
  }

  get attemptCount(): number {
    let n = 0;
    for (const a of this.attempts.values()) n += a;
    return n;
  }

  summary(): Record<string, unknown> {
    return {
      sent: this.sent.length,
      queuedOffline: this.queuedOffline,
      acked: this.acked.size,
      resent: this.resent,
      attempts: this.attemptCount,
      refusals: Object.fromEntries(this.refusals),
      hung: this.hung,
      slowestAckMs: this.slowestMs,
    };
  }

  private count(code: string): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }
}

export interface TestVisitor {
  client: VisitorClient;
  ledger: Ledger;
  conversationId: string;
  stream(): ConversationStream;
  /** `message:created` pushes received (the rest came by sync). */
  live(): number;
  /** The bodies of those pushes, in the order they came. */
  pushed: string[];
  send(body: string): void;
  close(): void;
}

/** A widget that starts a chat through `serverUrl` (a balancer) and keeps it open. */
export async function openVisitorChat(serverUrl: string, name: string, siteKey = 'default'): Promise<TestVisitor> {
  setPageOrigin('http://shop.example.test');
  const client = new VisitorClient({ serverUrl, siteKey, locale: 'en' });
  const pushed: string[] = [];
  client.onLive((m) => pushed.push(m.body));
  client.connect();
  await until(`${name}'s start screen`, () => client.phase === 'prechat', 15_000);
  const error = await client.start({ name });
  if (error) throw new Error(`${name} could not start a chat: ${error.code} ${error.message}`);
  const ledger = new Ledger(name);
  // The client's own transport object: its streams call `transport.send` on it.
  ledger.watch((client as unknown as { transport: StreamTransport }).transport);
  const stream = () => client.stream!;
  return {
    client,
    ledger,
    conversationId: stream().conversationId,
    stream,
    live: () => pushed.length,
    pushed,
    send(body) {
      ledger.record(body, client.connected);
      client.send(body);
    },
    close: () => client.disconnect(),
  };
}

export interface TestAgent {
  socket: AgentSocket;
  streams: ConversationStreams;
  ledger: Ledger;
  /** Connects after each drop (each node change shows up here). */
  connects(): number;
  live(): number;
  pushed: string[];
  accept(conversationId: string): Promise<void>;
  send(conversationId: string, body: string): void;
  /** Everything in the store for a conversation, read afresh (not through this client's stream). */
  storeView(conversationId: string): Promise<MessageDTO[]>;
  close(): void;
}

/** The agent UI signed in through `serverUrl` (a balancer), as the browser does on its own origin. */
export async function openAgentDesk(serverUrl: string, creds: { email: string; password: string }): Promise<TestAgent> {
  const res = await fetch(`${serverUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as LoginResult;
  setPageOrigin(serverUrl);
  const socket = new AgentSocket({
    token,
    onUnauthorized: () => {
      throw new Error(`${creds.email}: the server refused the session`);
    },
  });
  let connects = 0;
  const pushed: string[] = [];
  socket.onConnect(() => connects++);
  socket.on('message:created', (m) => pushed.push(m.body));
  const streams = new ConversationStreams(socket);
  const transport = (streams as unknown as { transport: StreamTransport }).transport;
  const ledger = new Ledger(creds.email);
  ledger.watch(transport);
  socket.connect();
  await until(`${creds.email} connected`, () => socket.connected, 15_000);
  return {
    socket,
    streams,
    ledger,
    connects: () => connects,
    live: () => pushed.length,
    pushed,
    async accept(conversationId) {
      const ack = await socket.command('conversation:accept', { conversationId });
      if (!ack.ok) throw new Error(`accept failed: ${ack.error.code} ${ack.error.message}`);
      // The chat is on screen: it is synced on every reconnect.
      streams.hold(conversationId);
      await streams.load(conversationId);
    },
    send(conversationId, body) {
      ledger.record(body, socket.connected);
      streams.get(conversationId).send(body);
    },
    async storeView(conversationId) {
      const fresh = new ConversationStream(conversationId, {
        connected: () => socket.connected,
        sync: (id, afterSeq) => socket.request('conversation:sync', { conversationId: id, afterSeq }),
        send: () => Promise.reject(new Error('read only')),
      });
      await fresh.sync();
      return fresh.messages;
    },
    close() {
      streams.dispose();
      socket.close();
    },
  };
}

/** Calls `send(n)` for n = 1, 2, … at a steady rate for `durationMs`; resolves to how many were sent. */
export async function pump(ratePerSecond: number, durationMs: number, send: (n: number) => void): Promise<number> {
  const interval = 1000 / ratePerSecond;
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < durationMs) {
    send(++n);
    const next = started + n * interval;
    await sleep(Math.max(0, next - Date.now()));
  }
  return n;
}

/**
 * What is wrong with a conversation as one client holds it, against what each side sent: seqs must
 * run 1..n without gaps or repeats, and each sender's messages must all be there, once each, in the
 * order they were sent. Empty when all is well.
 */
export function deliveryProblems(view: readonly MessageDTO[], sentBy: { visitor: readonly string[]; agent: readonly string[] }): string[] {
  const problems: string[] = [];
  view.forEach((m, i) => {
    if (m.seq !== i + 1) problems.push(`position ${i} holds seq ${m.seq}`);
  });
  const clientIds = new Set(view.map((m) => m.clientId));
  if (clientIds.size !== view.length) problems.push(`${view.length - clientIds.size} client ids repeat`);
  for (const side of ['visitor', 'agent'] as const) {
    const got = view.filter((m) => m.author.type === side).map((m) => m.body);
    const want = sentBy[side];
    const counts = new Map<string, number>();
    for (const b of got) counts.set(b, (counts.get(b) ?? 0) + 1);
    const missing = want.filter((b) => !counts.has(b));
    const twice = [...counts].filter(([, c]) => c > 1).map(([b]) => b);
    const extra = got.filter((b) => !want.includes(b));
    if (missing.length) problems.push(`${side}: ${missing.length} missing (${missing.slice(0, 5).join(', ')})`);
    if (twice.length) problems.push(`${side}: ${twice.length} delivered twice (${twice.slice(0, 5).join(', ')})`);
    if (extra.length) problems.push(`${side}: ${extra.length} never sent (${extra.slice(0, 5).join(', ')})`);
    if (!missing.length && !twice.length && !extra.length && got.some((b, i) => b !== want[i])) problems.push(`${side}: out of the order sent`);
  }
  return problems;
}

const pad = (n: number) => String(n).padStart(4, '0');

/**
 * One chat between a widget and an agent desk, each side numbering what it says
 * (`<tag> visitor 0001`, `<tag> agent 0001`, …), with what is needed to count it at the end.
 */
export class TestConversation {
  readonly sent = { visitor: [] as string[], agent: [] as string[] };

  constructor(
    readonly tag: string,
    readonly visitor: TestVisitor,
    readonly agent: TestAgent,
  ) {}

  get id(): string {
    return this.visitor.conversationId;
  }

  agentStream(): ConversationStream {
    return this.agent.streams.get(this.id);
  }

  visitorSays(): void {
    const body = `${this.tag} visitor ${pad(this.sent.visitor.length + 1)}`;
    this.sent.visitor.push(body);
    this.visitor.send(body);
  }

  agentSays(): void {
    const body = `${this.tag} agent ${pad(this.sent.agent.length + 1)}`;
    this.sent.agent.push(body);
    this.agent.send(this.id, body);
  }

  /** Both outboxes are empty and both sides hold every message either side sent. */
  settled(): boolean {
    const total = this.sent.visitor.length + this.sent.agent.length;
    const held = (view: readonly MessageDTO[]) => view.filter((m) => m.author.type !== 'system').length;
    return this.pending() === 0 && held(this.visitor.stream().messages) === total && held(this.agentStream().messages) === total;
  }

  pending(): number {
    return this.visitor.stream().pending.length + this.agentStream().pending.length;
  }

  explain(): Record<string, unknown> {
    return {
      tag: this.tag,
      sent: [this.sent.visitor.length, this.sent.agent.length],
      visitorHolds: this.visitor.stream().messages.length,
      agentHolds: this.agentStream().messages.length,
      pending: [this.visitor.stream().pending.length, this.agentStream().pending.length],
      connected: [this.visitor.client.connected, this.agent.socket.connected],
    };
  }

  /** What is wrong with the visitor's view, the agent's, and the store's (read afresh); empty when all is well. */
  async problems(): Promise<string[]> {
    const inStore = await this.agent.storeView(this.id);
    const views = { visitor: this.visitor.stream().messages, agent: this.agentStream().messages, store: inStore };
    const out: string[] = [];
    for (const [who, view] of Object.entries(views)) {
      for (const p of deliveryProblems(view, this.sent)) out.push(`${this.tag} ${who}: ${p}`);
    }
    const ids = (view: readonly MessageDTO[]) => view.map((m) => m.id).join(',');
    if (ids(views.visitor) !== ids(inStore)) out.push(`${this.tag}: the visitor holds other messages than the store`);
    if (ids(views.agent) !== ids(inStore)) out.push(`${this.tag}: the agent holds other messages than the store`);
    return out;
  }
}

/** A visitor starts a chat through `visitorUrl`; `agent` accepts it and keeps it open. */
export async function startConversation(tag: string, visitorUrl: string, agent: TestAgent): Promise<TestConversation> {
  const visitor = await openVisitorChat(visitorUrl, `Visitor ${tag}`);
  await agent.accept(visitor.conversationId);
  return new TestConversation(tag, visitor, agent);
}

/**
 * Both sides of every conversation say something `ratePerSide` times a second for `durationMs`,
 * spread evenly: one conversation after the other, not all at the same instant.
 */
export async function talk(conversations: readonly TestConversation[], ratePerSide: number, durationMs: number): Promise<void> {
  await pump(ratePerSide * conversations.length, durationMs, (n) => {
    const c = conversations[(n - 1) % conversations.length]!;
    c.visitorSays();
    c.agentSays();
  });
}

/** Waits until every conversation is settled; on timeout names those that are not. */
export async function settle(conversations: readonly TestConversation[], timeoutMs = 20_000): Promise<void> {
  await until('every message to reach both sides', () => conversations.every((c) => c.settled()), timeoutMs, () =>
    conversations.filter((c) => !c.settled()).slice(0, 5).map((c) => c.explain()),
  );
}
