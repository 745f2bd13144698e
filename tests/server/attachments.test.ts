/**
 * Attachments: checked by content, named cleanly, served only to the conversation's people, with
 * headers that keep a browser from running anything in them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResult } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { AttachmentDTO, ConversationDTO, MessageDTO, SyncResult } from '../../shared/types.js';
import { agentSession, call, closeAllClients, connectVisitor, customerSession, ok, record, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let catcher: MailCatcher;
let agent: { socket: AgentClient; token: string };
/** Visitor A with a ticket, visitor B with nothing of A's. */
let a: { socket: VisitorClient; token: string; ticket: ConversationDTO };
let b: { socket: VisitorClient; token: string };

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const MB = 1024 * 1024;

let seq = 0;
const cid = () => `att-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  catcher = await startMailCatcher();
  server = await startTestServer({ SMTP_URL: catcher.url });
  const session = await agentSession(server.url, await server.addAgent('Ola Agent'));
  agent = { socket: session.socket, token: session.login.token };
  const sa = await connectVisitor(server.url);
  const ticket = ok(await call<SyncResult>(sa, 'ticket:create', { clientId: cid(), email: 'files@example.test', category: 'account', body: 'My statement looks wrong' })).conversation;
  a = { socket: sa, token: (await customerSession(sa)).token, ticket };
  const sb = await connectVisitor(server.url);
  b = { socket: sb, token: (await customerSession(sb)).token };
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
  await catcher?.close();
});

async function upload(token: string, files: Array<{ name: string; data: Buffer | string }>, conversationId?: string) {
  const form = new FormData();
  if (conversationId) form.append('conversationId', conversationId);
  for (const f of files) form.append('files', new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)]), f.name);
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as Partial<UploadResult> & { error?: ErrorBody };
  return { status: res.status, attachments: body.attachments ?? [], error: body.error };
}

async function download(token: string, id: string) {
  const res = await fetch(`${server.url}/api/attachments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
}

/** Sends the uploads in a message of A's ticket. */
async function sendInTicket(attachments: AttachmentDTO[], body = ''): Promise<MessageDTO> {
  return ok(await call<MessageDTO>(a.socket, 'message:send', { conversationId: a.ticket.id, clientId: cid(), body, attachmentIds: attachments.map((x) => x.id) }));
}

/** Content-Disposition as a browser reads it (quoted or token filename, both valid). */
function disposition(header: string | null): { type: string; filename: string | undefined } {
  const m = /^(inline|attachment)(?:;\s*filename=(?:"([^"]*)"|([^;\s]+)))?/.exec(header ?? '');
  return { type: m?.[1] ?? `unparsed: ${header}`, filename: m?.[2] ?? m?.[3] };
}

const stored = () => server.models.Attachment.countDocuments({});

describe('accepted files', () => {
  it('a PNG is accepted, sent with a message, and shown inline with nosniff to the participants only', async () => {
    const up = await upload(a.token, [{ name: 'screenshot.png', data: PNG }]);
    expect(up.status).toBe(201);
    expect(up.attachments).toEqual([{ id: expect.any(String), name: 'screenshot.png', size: PNG.length, type: 'image/png', inline: true }]);

    const atAgent = record<MessageDTO>(agent.socket, 'message:created');
    ok(await call(agent.socket, 'conversation:sync', { conversationId: a.ticket.id, afterSeq: 0 }));
    const message = await sendInTicket(up.attachments, 'Here is what I see');
    expect(message.attachments).toEqual(up.attachments);
    const [live] = await atAgent.until((xs) => xs.some((m) => m.id === message.id));
    expect(live!.attachments).toEqual(up.attachments);

    for (const token of [a.token, agent.token]) {
      const got = await download(token, up.attachments[0]!.id);
      expect(got.status).toBe(200);
      expect(got.data.equals(PNG)).toBe(true);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(disposition(got.headers.get('content-disposition'))).toEqual({ type: 'inline', filename: 'screenshot.png' });
      expect(got.headers.get('content-security-policy')).toContain('sandbox');
    }
    expect((await download(b.token, up.attachments[0]!.id)).status).toBe(404);
  });

  it('a PDF is served as a download (Content-Disposition: attachment), never inline', async () => {
    const up = await upload(a.token, [{ name: 'statement.pdf', data: PDF }]);
    expect(up.status).toBe(201);
    expect(up.attachments[0]).toMatchObject({ name: 'statement.pdf', type: 'application/pdf', inline: false });
    await sendInTicket(up.attachments);
    const got = await download(a.token, up.attachments[0]!.id);
    expect(got.status).toBe(200);
    expect(got.data.equals(PDF)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(disposition(got.headers.get('content-disposition'))).toEqual({ type: 'attachment', filename: 'statement.pdf' });
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('an upload not yet sent is readable by its uploader and agents, nobody else', async () => {
    const up = await upload(a.token, [{ name: 'draft.txt', data: 'not sent yet\n' }]);
    expect(up.status).toBe(201);
    const id = up.attachments[0]!.id;
    expect((await download(a.token, id)).status).toBe(200);
    expect((await download(agent.token, id)).status).toBe(200);
    expect((await download(b.token, id)).status).toBe(404);
  });

  it('file names with path tricks or hidden characters are stored with a clean display name and served fine', async () => {
    const files = [
      { name: '../../etc/passwd.txt', data: 'root:x:0:0\n', expected: 'passwd.txt' },
      { name: '..\\x.txt', data: 'backslash\n', expected: 'x.txt' },
      { name: 'invoice\u202Etxt.exe.txt', data: 'right-to-left override\n', expected: 'invoicetxt.exe.txt' },
    ];
    const up = await upload(a.token, files);
    expect(up.status).toBe(201);
    expect(up.attachments.map((x) => x.name)).toEqual(files.map((f) => f.expected));
    await sendInTicket(up.attachments, 'logs');
    for (const [i, att] of up.attachments.entries()) {
      const got = await download(a.token, att.id);
      expect(got.status).toBe(200);
      expect(got.data.toString('utf8')).toBe(files[i]!.data);
      expect(disposition(got.headers.get('content-disposition'))).toEqual({ type: 'attachment', filename: files[i]!.expected });
      expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
  });

  it('a CSV is served as the plain text its content was checked to be, not by what its name suggests', async () => {
    const up = await upload(a.token, [{ name: 'trades.csv', data: 'date,amount\n2026-01-02,100\n' }]);
    expect(up.status).toBe(201);
    expect(up.attachments[0]).toMatchObject({ type: 'text/plain', inline: false });
    await sendInTicket(up.attachments);
    const got = await download(a.token, up.attachments[0]!.id);
    expect(got.status).toBe(200);
    expect(disposition(got.headers.get('content-disposition'))).toEqual({ type: 'attachment', filename: 'trades.csv' });
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });
});

describe('refused files', () => {
  it('a file named .png that holds HTML and script is refused, and nothing is stored', async () => {
    const before = await stored();
    const html = '<!doctype html><html><body><script>fetch("/api/admin/sites/default")</script></body></html>';
    const up = await upload(a.token, [{ name: 'cute-cat.png', data: html }]);
    expect(up.status).toBe(400);
    expect(up.error).toEqual({
      code: 'VALIDATION',
      message: 'Invalid input: "cute-cat.png" is not a type we accept; send images (PNG, JPEG, GIF, WebP), PDF or text files',
      details: [{ path: 'files.0', message: 'is not a type we accept; send images (PNG, JPEG, GIF, WebP), PDF or text files' }],
    });
    // In a batch, one bad file keeps the good ones out too.
    const batch = await upload(a.token, [{ name: 'fine.png', data: PNG }, { name: 'cute-cat.png', data: html }]);
    expect(batch.status).toBe(400);
    expect(batch.error!.details).toEqual([{ path: 'files.1', message: expect.any(String) }]);
    expect(await stored()).toBe(before);
  });

  it('a PNG named .pdf is refused: the name must match the content', async () => {
    const up = await upload(a.token, [{ name: 'invoice.pdf', data: PNG }]);
    expect(up.status).toBe(400);
    expect(up.error).toMatchObject({ code: 'VALIDATION', message: 'Invalid input: "invoice.pdf" does not match its content (image/png); its name should end in .png' });
  });

  it('a file over 10 MB is refused with a clear message; exactly 10 MB is fine', async () => {
    const before = await stored();
    const tooBig = await upload(a.token, [{ name: 'huge.txt', data: Buffer.alloc(10 * MB + 1, 'a') }]);
    expect(tooBig.status).toBe(400);
    expect(tooBig.error).toEqual({ code: 'VALIDATION', message: 'Invalid input: A file is larger than 10 MB', details: [{ path: 'files', message: 'A file is larger than 10 MB' }] });
    expect(await stored()).toBe(before);
    const justFits = await upload(a.token, [{ name: 'big.txt', data: Buffer.alloc(10 * MB, 'a') }]);
    expect(justFits.status).toBe(201);
    expect(justFits.attachments[0]!.size).toBe(10 * MB);
  });

  it('more than five files at once are refused; five are fine', async () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `part-${i}.txt`, data: `part ${i}\n` }));
    const six = await upload(a.token, files(6));
    expect(six.status).toBe(400);
    expect(six.error).toMatchObject({ code: 'VALIDATION', message: 'Invalid input: At most 5 files at once' });
    const five = await upload(a.token, files(5));
    expect(five.status).toBe(201);
    expect(five.attachments).toHaveLength(5);
  });

  it('an unknown or malformed attachment id is 404, the same as one you may not see', async () => {
    const answers = [];
    for (const id of [randomBytes(12).toString('hex'), 'nope', '../../etc/passwd', 'ABCDEFABCDEFABCDEFABCDEF']) {
      const res = await fetch(`${server.url}/api/attachments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${a.token}` } });
      expect(res.status, id).toBe(404);
      answers.push(await res.json());
    }
    expect(new Set(answers.map((x) => JSON.stringify(x))).size).toBe(1);
    expect(answers[0]).toEqual({ error: { code: 'NOT_FOUND', message: 'Attachment not found' } });
  });

  it("attaching someone else's upload, or one already sent elsewhere, is refused with VALIDATION and sends nothing", async () => {
    const theirs = (await upload(b.token, [{ name: 'theirs.png', data: PNG }])).attachments[0]!;
    const attempt = await call<MessageDTO>(a.socket, 'message:send', { conversationId: a.ticket.id, clientId: cid(), body: 'look at this', attachmentIds: [theirs.id] });
    expect(attempt).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: `Invalid input: attachment ${theirs.id} is not one of your uploads, or was sent elsewhere`,
        details: [{ path: 'attachmentIds', message: 'unknown attachment' }],
      },
    });
    // Sent in A's ticket, an upload cannot be moved into A's next conversation either.
    const mine = (await upload(a.token, [{ name: 'mine.png', data: PNG }])).attachments[0]!;
    await sendInTicket([mine]);
    const chat = ok(await call<SyncResult>(a.socket, 'conversation:start', {})).conversation;
    expect(await call(a.socket, 'message:send', { conversationId: chat.id, clientId: cid(), body: 'again', attachmentIds: [mine.id] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const stream = ok(await call<SyncResult>(agent.socket, 'conversation:sync', { conversationId: a.ticket.id, afterSeq: 0 }));
    expect(stream.messages.map((m) => m.body)).not.toContain('look at this');
    // B's file stays B's: A still cannot read it.
    expect((await download(a.token, theirs.id)).status).toBe(404);
  });
});
