import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncResult } from '../../shared/types.js';
import { call, closeAllClients, connectVisitor, newVisitorToken, ok } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => closeAllClients());

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

describe('a visitor is recognised by the token their widget keeps', () => {
  it('coming back with the same token, from several tabs at once, a visitor finds their chat', async () => {
    const token = newVisitorToken();
    const tabs = await Promise.all([1, 2, 3].map(() => connectVisitor(server.url, token)));
    const started = ok(await call<SyncResult>(tabs[0]!, 'conversation:start', { name: 'Tess Tabs' })).conversation;
    for (const tab of tabs) tab.disconnect();

    const later = await connectVisitor(server.url, token);
    expect(ok(await call<{ id: string } | null>(later, 'conversation:current', {}))?.id).toBe(started.id);
    expect(await server.models.Visitor.countDocuments({ tokenHash: hashOf(token) })).toBe(1);
  });

  it('a visitor from before token documents existed keeps their identity and chat', async () => {
    const token = newVisitorToken();
    const first = await connectVisitor(server.url, token);
    const started = ok(await call<SyncResult>(first, 'conversation:start', { name: 'Olga Old' })).conversation;
    first.disconnect();
    // As the store was before this release: the visitor, but no token document.
    await server.models.VisitorToken.deleteOne({ _id: hashOf(token) });

    const back = await connectVisitor(server.url, token);
    expect(ok(await call<{ id: string } | null>(back, 'conversation:current', {}))?.id).toBe(started.id);
    expect(await server.models.Visitor.countDocuments({ tokenHash: hashOf(token) })).toBe(1);
    expect(await server.models.VisitorToken.countDocuments({ _id: hashOf(token) })).toBe(1);
  });

  it('another token is another visitor, who does not see the first one\'s chat', async () => {
    const a = await connectVisitor(server.url, newVisitorToken());
    ok(await call<SyncResult>(a, 'conversation:start', { name: 'Ann' }));
    const b = await connectVisitor(server.url, newVisitorToken());
    expect(ok(await call<unknown>(b, 'conversation:current', {}))).toBeNull();
  });
});
