/**
 * The alert outbox under concurrency and crashes: several nodes share one store and each runs a
 * worker; a node is SIGKILLed in the middle of a batch and another takes over. A real SMTP server
 * counts what arrives.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertJobList } from '../../shared/alerts.js';
import type { MessageDTO, SyncResult } from '../../shared/types.js';
import { loadConfig } from '../../server/config.js';
import { DEFAULT_WORKER_CONCURRENCY } from '../../server/modules/notifications/outbox-worker.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { agentSession, call, closeAllClients, connectVisitor, login, ok, rest } from '../helpers/clients.js';
import { startMailCatcher, type CapturedMail, type MailCatcher } from '../helpers/mail.js';
import { ADMIN } from '../helpers/server.js';
import { killAllServerProcesses, runServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startTestStore, type TestStore } from '../helpers/store.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  closeAllClients();
  killAllServerProcesses();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => killAllServerProcesses());

async function fixture(catcherOpts: Parameters<typeof startMailCatcher>[0] = {}): Promise<{ store: TestStore; catcher: MailCatcher; dataDir: string }> {
  const store = await startTestStore();
  cleanups.push(() => store.stop());
  const catcher = await startMailCatcher(catcherOpts);
  cleanups.push(() => catcher.close());
  // Nodes of one deployment share their secrets (links, sessions, VAPID): here, one DATA_DIR.
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-nodes-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return { store, catcher, dataDir };
}

const nodeEnv = (store: TestStore, catcher: MailCatcher, dataDir: string): Record<string, string> => ({
  PORT: '0',
  HOST: '127.0.0.1',
  MONGODB_URI: store.uri,
  SMTP_URL: catcher.url,
  DATA_DIR: dataDir,
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  TICKETS_PER_IP_PER_HOUR: '100000',
  TICKETS_PER_EMAIL_PER_HOUR: '100000',
  ALERT_COALESCE_SECONDS: '0',
  OUTBOX_POLL_MS: '200',
  OUTBOX_RETRY_BASE_SECONDS: '0.2',
  OUTBOX_LEASE_SECONDS: '2',
});

let seq = 0;
const cid = () => `delivery-${Date.now().toString(36)}-${++seq}`;

/** Opens `n` guest tickets through the offline form, spread over the given nodes; returns their numbers by address. */
async function openTickets(urls: string[], n: number, tag: string): Promise<Map<string, { id: string; number: number }>> {
  const out = new Map<string, { id: string; number: number }>();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const email = `${tag}.${i}@example.test`;
      const visitor = await connectVisitor(urls[i % urls.length]!);
      const { conversation } = ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: cid(), email, category: 'other', body: `Ticket ${i}` }));
      visitor.disconnect();
      out.set(email, { id: conversation.id, number: conversation.ticket!.number });
    }),
  );
  return out;
}

/** The mails that arrived per recipient, by kind (created / updated). */
function tally(catcher: MailCatcher, kind: 'created' | 'updated'): Map<string, CapturedMail[]> {
  const by = new Map<string, CapturedMail[]>();
  for (const m of catcher.messages) {
    if (!m.subject.endsWith(kind === 'created' ? 'was created' : 'was updated')) continue;
    for (const to of m.to) by.set(to, [...(by.get(to) ?? []), m]);
  }
  return by;
}

async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two nodes, one outbox', () => {
  it('each alert is sent once although both nodes run a worker over the same jobs', async () => {
    const { store, catcher, dataDir } = await fixture();
    const env = nodeEnv(store, catcher, dataDir);
    const nodes: RunningServer[] = [];
    for (let i = 0; i < 2; i++) {
      const node = await startServer(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
      nodes.push(node);
      cleanups.push(() => node.stop());
    }
    const urls = nodes.map((n) => n.url);
    const tickets = await openTickets(urls, 24, 'twonodes');

    // Replies from agents on both nodes, to customers who are gone: one update mail each.
    const adminCreds = { email: ADMIN.email, password: ADMIN.password };
    const agents = await Promise.all(urls.map(async (u) => (await agentSession(u, adminCreds)).socket));
    await Promise.all(
      [...tickets.values()].map((t, i) => call<MessageDTO>(agents[i % 2]!, 'message:send', { conversationId: t.id, clientId: cid(), body: `Answer ${i}` }).then(ok)),
    );

    await until('every created and updated mail', () => tally(catcher, 'created').size === tickets.size && tally(catcher, 'updated').size === tickets.size);
    // Let both workers finish whatever else they might (wrongly) still send.
    const admin = await login(urls[0]!, ADMIN.email, ADMIN.password);
    await until('the outbox to drain', async () => {
      const list = await rest<AlertJobList>(urls[0]!, 'GET', '/api/admin/alerts?limit=1', { token: admin.token });
      return list.body.counts.pending === 0;
    });
    for (const kind of ['created', 'updated'] as const) {
      const mails = tally(catcher, kind);
      for (const email of tickets.keys()) expect(mails.get(email), `${kind} mails to ${email}`).toHaveLength(1);
    }
    const counts = (await rest<AlertJobList>(urls[1]!, 'GET', '/api/admin/alerts?limit=1', { token: admin.token })).body.counts;
    expect(counts).toMatchObject({ pending: 0, failed: 0, sent: 2 * tickets.size });
  }, 90_000);
});

describe('a worker killed in the middle of a batch', () => {
  it('loses nothing: another process takes over every job, and a mail sent twice is only one in doubt, with the same Message-ID', async () => {
    // Every mail is held 300 ms before the SMTP server answers, so a kill finds mails in flight.
    const { store, catcher, dataDir } = await fixture({ delayMs: 300 });
    const env = { ...nodeEnv(store, catcher, dataDir), LOG_LEVEL: 'info' };
    const started = async (): Promise<{ proc: ServerProcess; url: string }> => {
      const proc = runServerProcess(env);
      const url = (await proc.waitFor('listening')).url as string;
      return { proc, url };
    };

    let node = await started();
    const tickets = await openTickets([node.url], 30, 'killed');
    let kills = 0;
    const inFlightAtKill: number[] = [];
    // Twice: let some mails through, then SIGKILL the node while others wait for their answer.
    for (const delivered of [3, 12]) {
      await until(`${delivered} mails, and more in flight`, () => catcher.messages.length >= delivered && catcher.inFlight > 0);
      inFlightAtKill.push(catcher.inFlight);
      node.proc.child.kill('SIGKILL');
      await node.proc.exited;
      kills++;
      node = await started();
    }

    await until('a created mail to every ticket', () => tally(catcher, 'created').size === tickets.size, 60_000);
    const admin = await login(node.url, ADMIN.email, ADMIN.password);
    const list = await until('the outbox to drain', async () => {
      const res = await rest<AlertJobList>(node.url, 'GET', '/api/admin/alerts?limit=500', { token: admin.token });
      return res.body.counts.pending === 0 && res.body;
    });

    const mails = tally(catcher, 'created');
    const twice = [...mails.values()].filter((ms) => ms.length > 1);
    // Every job reached its recipient: none lost, none failed.
    expect(list.counts.failed).toBe(0);
    expect(list.jobs.filter((j) => j.kind === 'email' && j.state === 'sent')).toHaveLength(tickets.size);
    for (const email of tickets.keys()) expect(mails.get(email)?.length ?? 0, `mails to ${email}`).toBeGreaterThanOrEqual(1);
    // The kills cut attempts short: those were taken over (the lease ran out), not dropped.
    expect(inFlightAtKill.every((n) => n > 0)).toBe(true);
    const takenOver = list.jobs.filter((j) => j.kind === 'email' && j.takeovers > 0);
    expect(takenOver.length).toBeGreaterThanOrEqual(kills);
    expect(takenOver.every((j) => j.state === 'sent' && j.attempts > 1)).toBe(true);
    // A mail goes out twice only if the SMTP server accepted it in the instant between its answer
    // and the worker recording it: at most one per kill and per lane (the attempts a node runs at
    // once); such a repeat carries the same Message-ID, so a mail system can fold it.
    expect(twice.length).toBeLessThanOrEqual(kills * DEFAULT_WORKER_CONCURRENCY);
    for (const ms of twice) expect(new Set(ms.map((m) => m.headers['message-id'])).size).toBe(1);
    process.stdout.write(`kill test: ${tickets.size} jobs, ${kills} kills, in flight at each kill ${inFlightAtKill.join('/')}, taken over ${takenOver.length}, sent twice ${twice.length}\n`);
  }, 120_000);
});
