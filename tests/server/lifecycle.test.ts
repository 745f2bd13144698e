/**
 * The server as an operator runs it: `server/main.ts` in its own process, configured only by
 * environment variables, with the embedded store when MONGODB_URI is unset.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncResult } from '../../shared/types.js';
import { call, connectVisitor, ok } from '../helpers/clients.js';
import { killAllServerProcesses, runServerProcess } from '../helpers/server-process.js';

const dirs: string[] = [];
afterEach(async () => {
  killAllServerProcesses();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('running the server', () => {
  it('without MONGODB_URI it starts the embedded store, says where the data lives, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chat-main-'));
    dirs.push(dataDir);
    const server = runServerProcess({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD: 'a long admin password' });

    const storeLine = await server.waitFor('embedded store');
    expect(storeLine.dataDir).toBe(join(dataDir, 'store'));
    expect(storeLine.msg).toContain(join(dataDir, 'store'));
    const listening = await server.waitFor('listening');
    const url = listening.url as string;

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ok: true, store: 'reachable', redis: 'off' });
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'boss@example.test', password: 'a long admin password' }) });
    expect(login.status).toBe(200);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);

    // Without SMTP_URL a customer's mail is written under DATA_DIR/mail; the log names the ticket,
    // never its link (a guest's way in).
    const visitor = await connectVisitor(url);
    const ticket = ok(await call<SyncResult>(visitor, 'ticket:create', { clientId: 'lifecycle-form-1', email: 'offline@example.test', category: 'other', body: 'Hello?' }));
    const linkLine = await server.waitFor('ticket link');
    expect(linkLine.ticket).toBe(ticket.conversation.ticket!.number);
    expect(linkLine.link).toBe('[redacted]');
    const mails = readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml'));
    expect(mails).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'mail', mails[0]!), 'utf8')).toContain(String(ticket.conversation.ticket!.number));
    const mailText = (await PostalMime.parse(readFileSync(join(dataDir, 'mail', mails[0]!)))).text ?? '';
    expect(mailText).toMatch(/\/tickets\/#t=[A-Za-z0-9_-]{43}/);
    visitor.disconnect();

    // The FerretDB child is ours; after SIGTERM it must be gone too.
    const { execFileSync } = await import('node:child_process');
    const storePids = execFileSync('pgrep', ['-P', String(server.child.pid), '-f', '.tools/ferretdb']).toString().trim().split('\n').map(Number);
    expect(storePids.length).toBeGreaterThan(0);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await server.waitFor('stopped', 1000);
    for (const pid of storePids) expect(pidAlive(pid)).toBe(false);
    // Nothing secret in the log.
    expect(JSON.stringify(server.lines)).not.toContain('a long admin password');
  }, 90_000);

  it('bad configuration stops the start with a readable list of what is wrong', async () => {
    const server = runServerProcess({ PORT: 'eighty', ADMIN_EMAIL: 'not-an-email', MONGODB_URI: 'postgres://x' });
    expect(await server.exited).toBe(2);
    const msg = server.stderr();
    expect(msg).toContain('Invalid configuration:');
    expect(msg).toMatch(/PORT: /);
    expect(msg).toMatch(/ADMIN_EMAIL: must be an email address/);
    expect(msg).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
  }, 30_000);
});
