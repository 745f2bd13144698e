import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentEventSchemas, visitorEventSchemas } from '../../shared/schemas/index.js';
import type { SyncResult } from '../../shared/types.js';
import { agentSession, call, closeAllClients, connectVisitor, ok, type AgentClient, type VisitorClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

const id = '0123456789abcdef01234567';
/** Payloads no event accepts. */
const alwaysBad: unknown[] = [
  null,
  42,
  'a string',
  true,
  [],
  [{ conversationId: id }],
  { unexpected: 'field' },
  { conversationId: { $gt: '' } },
  { conversationId: id, afterSeq: -1 },
  { conversationId: id, afterSeq: '0' },
  { conversationId: id, clientId: 'abc', body: 'too short client id' },
  { conversationId: id, clientId: 'valid-client-id-1', body: '   ' },
  { conversationId: id, clientId: 'valid-client-id-1', body: 'x'.repeat(5001) },
  { conversationId: id, clientId: 'valid-client-id-1', body: { $ne: null } },
  { conversationId: id, typing: 'yes' },
  { conversationId: 'x'.repeat(100_000) },
  JSON.parse('{"__proto__": {"polluted": true}, "conversationId": "0123456789abcdef01234567", "constructor": {"prototype": {"polluted": true}}}'),
  { name: 'n'.repeat(10_000) },
  { email: 'not-an-email' },
  { locale: 'xx' },
];

async function expectAllRefused(socket: VisitorClient | AgentClient, schemas: Record<string, unknown>) {
  for (const event of Object.keys(schemas)) {
    for (const payload of [undefined, ...alwaysBad]) {
      const ack = await call(socket, event, payload);
      if (ack.ok) throw new Error(`${event} accepted ${JSON.stringify(payload)?.slice(0, 120)}`);
      expect(ack.error.code, `${event} with ${JSON.stringify(payload)?.slice(0, 80)}`).toBe('VALIDATION');
      expect(ack.error.message).toMatch(/^Invalid input/);
    }
  }
}

describe('malformed input', () => {
  it('every visitor event answers VALIDATION to every malformed payload, and the server keeps serving', async () => {
    const visitor = await connectVisitor(server.url);
    await expectAllRefused(visitor, visitorEventSchemas);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The same socket still works.
    const conv = ok(await call<SyncResult>(visitor, 'conversation:start', {})).conversation;
    expect(ok(await call(visitor, 'message:send', { conversationId: conv.id, clientId: 'still-works-1', body: 'hello' }))).toMatchObject({ body: 'hello' });
  });

  it('every agent event answers VALIDATION to every malformed payload, and the server keeps serving', async () => {
    const { socket } = await agentSession(server.url, await server.addAgent('Val'));
    await expectAllRefused(socket, agentEventSchemas);
    expect(ok(await call(socket, 'queue:list', {}))).toHaveProperty('queued');
  });

  it('a validation error names the field that is wrong', async () => {
    const visitor = await connectVisitor(server.url);
    const ack = await call(visitor, 'conversation:start', { email: 'nope' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: [{ path: 'email', message: 'must be an email address' }] } });
  });

  it('an unknown event, and an event sent without an ack, never hang or crash anything', async () => {
    const visitor = await connectVisitor(server.url);
    expect(await call(visitor, 'conversation:delete-everything', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Unknown event: conversation:delete-everything' } });
    (visitor as unknown as { emit: (e: string, p?: unknown) => void }).emit('message:send', { nonsense: true });
    (visitor as unknown as { emit: (e: string) => void }).emit('typing:set');
    expect(ok(await call(visitor, 'conversation:current', {}))).toBeNull();
  });

  it('a malformed or unknown id reads as not found, never as a server error', async () => {
    const visitor = await connectVisitor(server.url);
    expect(await call(visitor, 'conversation:sync', { conversationId: id, afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('REST answers malformed JSON and unknown endpoints with a clear error body', async () => {
    const bad = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'VALIDATION', message: 'The request body is not valid JSON' } });

    const operator = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: { $gt: '' }, password: 'x' }) });
    expect(operator.status).toBe(400);
    expect(((await operator.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');

    const missing = await fetch(`${server.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
