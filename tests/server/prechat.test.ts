/**
 * The pre-chat form a site configures (WidgetSettings.prechat): what admins may set, what a visitor
 * must answer before a chat starts, and where the answers end up (the conversation, the agent's queue).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDTO } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { ConversationDTO, QueueSnapshot, SiteConfigDTO, SyncResult } from '../../shared/types.js';
import { DEFAULT_PRECHAT, type PrechatSettings } from '../../shared/visitor-features.js';
import type { WidgetSettings } from '../../shared/workspace.js';
import { agentSession, call, closeAllClients, connectVisitor, login, ok, rest, signUserToken, siteIdentitySecret } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let adminToken: string;
beforeAll(async () => {
  server = await startTestServer();
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
});
afterEach(() => closeAllClients());

const LOOK = { color: '#3b5bdb', position: 'right', greeting: {}, offlineMessage: {}, languages: [] } as const;

const FORM: PrechatSettings = {
  name: 'required',
  email: 'optional',
  fields: [
    { key: 'account', label: { en: 'Account number', de: 'Kontonummer' }, type: 'text', required: true },
    { key: 'topic', label: { en: 'Topic' }, type: 'select', required: false, options: ['Billing', 'Trading'] },
    { key: 'backup_email', label: { en: 'Backup email' }, type: 'email', required: false },
  ],
};

let sites = 0;
/** A fresh site with the given chat form, as its admin saves it. */
async function siteWith(prechat: unknown): Promise<{ siteKey: string; res: Awaited<ReturnType<typeof rest<SiteDTO>>> }> {
  const siteKey = `prechat-${++sites}-${Date.now().toString(36)}`;
  const res = await rest<SiteDTO>(server.url, 'PATCH', `/api/admin/sites/${siteKey}`, { token: adminToken, body: { widget: { ...LOOK, prechat } } });
  return { siteKey, res };
}

const visitorOf = (siteKey: string, extra: Record<string, unknown> = {}) => connectVisitor(server.url, undefined, { siteKey, ...extra });
const start = (visitor: Awaited<ReturnType<typeof visitorOf>>, input: Record<string, unknown>) => call<SyncResult>(visitor, 'conversation:start', input);
const paths = (error: ErrorBody) => (error.details as { path: string }[]).map((d) => d.path);

describe('the pre-chat form', () => {
  it('a visitor who leaves out what the form requires is told which fields, and no chat is stored', async () => {
    const { siteKey, res } = await siteWith(FORM);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.widget?.prechat).toEqual(FORM);
    const visitor = await visitorOf(siteKey);
    expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {})).widget?.prechat).toEqual(FORM);

    const refused = await start(visitor, { email: 'vera@example.test' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('VALIDATION');
    expect(paths(refused.error)).toEqual(['name', 'fields.account']);
    expect(refused.error.message).toMatch(/name is required/);

    const wrong = await start(visitor, { name: 'Vera', fields: { account: 'A-1', topic: 'Gardening', backup_email: 'not-an-address', shoe_size: '44' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (wrong.ok) return;
    expect(wrong.error.details).toEqual([
      { path: 'fields.shoe_size', message: 'is not a field of this form' },
      { path: 'fields.topic', message: 'must be one of: Billing, Trading' },
      { path: 'fields.backup_email', message: 'must be an email address' },
    ]);

    // Spaces only are no answer.
    const blank = await start(visitor, { name: 'Vera', fields: { account: '   ' } });
    expect(blank.ok || paths(blank.error)).toEqual(['fields.account']);

    expect(await server.models.Conversation.countDocuments({ siteKey })).toBe(0);
    expect(ok(await call<ConversationDTO | null>(visitor, 'conversation:current', {}))).toBeNull();
  });

  it('a good start keeps the answers on the chat, and agents see them in the queue', async () => {
    const { siteKey } = await siteWith(FORM);
    const { socket: agent } = await agentSession(server.url, await server.addAgent('Queue Watcher'));
    const visitor = await visitorOf(siteKey);
    const started = ok(await start(visitor, { name: 'Vera Visitor', fields: { account: ' A-1042 ', topic: 'Billing', backup_email: '' }, locale: 'de' }));
    // Empty answers are not kept.
    expect(started.conversation.visitor).toMatchObject({ name: 'Vera Visitor', email: null, fields: { account: 'A-1042', topic: 'Billing' } });

    const stored = await server.models.Conversation.findById(started.conversation.id).lean();
    expect(stored?.visitorFields).toEqual({ account: 'A-1042', topic: 'Billing' });
    const queue = ok(await call<QueueSnapshot>(agent, 'queue:list', {}));
    expect(queue.queued.find((c) => c.id === started.conversation.id)?.visitor.fields).toEqual({ account: 'A-1042', topic: 'Billing' });
  });

  it('a chat without questions has no answers, and tickets from the offline form are unchanged', async () => {
    const { siteKey } = await siteWith(FORM);
    const plain = ok(await start(await visitorOf('default'), { name: 'Plain' }));
    expect(plain.conversation.visitor.fields).toEqual({});
    const ticket = ok(await call<SyncResult>(await visitorOf(siteKey), 'ticket:create', { clientId: `ticket-${Date.now()}`, email: 'offline@example.test', category: 'account', body: 'Locked out' }));
    expect(ticket.conversation.ticket?.number).toBeGreaterThan(0);
    expect(ticket.conversation.visitor.fields).toEqual({});
  });

  it('a hidden name or email is not kept, and a logged-in user’s name and email satisfy "required"', async () => {
    const { siteKey } = await siteWith({ name: 'hidden', email: 'required', fields: [] });
    const anonymous = await visitorOf(siteKey);
    const noEmail = await start(anonymous, { name: 'Sent anyway' });
    expect(noEmail.ok || paths(noEmail.error)).toEqual(['email']);
    const withEmail = ok(await start(anonymous, { name: 'Sent anyway', email: 'anon@example.test' }));
    expect(withEmail.conversation.visitor).toMatchObject({ name: null, email: 'anon@example.test' });

    const { siteKey: strict } = await siteWith({ name: 'required', email: 'required', fields: [] });
    const token = signUserToken(await siteIdentitySecret(server.url, adminToken, strict), { sub: 'user-7', name: 'Lena Larsson', email: 'lena@example.test' });
    const user = await visitorOf(strict, { userToken: token });
    const started = ok(await start(user, {}));
    expect(started.conversation.visitor).toMatchObject({ name: 'Lena Larsson', email: 'lena@example.test', fields: {} });
  });

  it('an admin cannot save a form with bad fields', async () => {
    const text = (key: string) => ({ key, label: { en: key }, type: 'text', required: false });
    const cases: [string, unknown, RegExp][] = [
      ['a key twice', { ...DEFAULT_PRECHAT, fields: [text('account'), text('account')] }, /twice/],
      ['the built-in key "email"', { ...DEFAULT_PRECHAT, fields: [text('email')] }, /built in/],
      ['a key with capitals', { ...DEFAULT_PRECHAT, fields: [text('Account')] }, /lower-case/],
      ['a select without options', { ...DEFAULT_PRECHAT, fields: [{ ...text('topic'), type: 'select' }] }, /options/],
      ['options on a text field', { ...DEFAULT_PRECHAT, fields: [{ ...text('topic'), options: ['A'] }] }, /options/],
      ['nine fields', { ...DEFAULT_PRECHAT, fields: Array.from({ length: 9 }, (_, i) => text(`field_${i}`)) }, /at most 8/],
      ['an unknown mode', { ...DEFAULT_PRECHAT, name: 'mandatory' }, /name/],
    ];
    for (const [what, prechat, message] of cases) {
      const { siteKey, res } = await siteWith(prechat);
      expect(res.status, what).toBe(400);
      expect(res.error?.code, what).toBe('VALIDATION');
      expect(res.error?.message, what).toMatch(message);
      expect((res.error?.details as { path: string }[])[0]?.path, what).toMatch(/^widget\.prechat/);
      // Nothing was saved.
      expect((await server.models.Site.findById(siteKey).lean())?.widget ?? null, what).toBeNull();
    }
  });

  it('sites saved before the form existed, and sites without settings, have the built-in form', async () => {
    const siteKey = `legacy-${Date.now().toString(36)}`;
    const old: Omit<WidgetSettings, 'prechat'> = { ...LOOK, greeting: { en: 'Hello' }, offlineMessage: { de: 'Nicht da' }, languages: ['en', 'de'] };
    await server.models.Site.create({ _id: siteKey, name: siteKey, identitySecret: 'x'.repeat(43), categories: null, widget: old, createdAt: new Date() });
    const dto = await rest<SiteDTO>(server.url, 'GET', `/api/admin/sites/${siteKey}`, { token: adminToken });
    expect(dto.body.widget).toEqual({ ...old, prechat: DEFAULT_PRECHAT });
    const visitor = await visitorOf(siteKey);
    expect(ok(await call<SiteConfigDTO>(visitor, 'site:config', {})).widget?.prechat).toEqual(DEFAULT_PRECHAT);
    expect(ok(await start(visitor, {})).conversation.status).toBe('queued');

    // Saving the look without a form gives the built-in one too.
    const saved = await rest<SiteDTO>(server.url, 'PATCH', `/api/admin/sites/${siteKey}`, { token: adminToken, body: { widget: LOOK } });
    expect(saved.body.widget?.prechat).toEqual(DEFAULT_PRECHAT);
    const fresh = await visitorOf(`fresh-${Date.now().toString(36)}`);
    expect(ok(await call<SiteConfigDTO>(fresh, 'site:config', {})).widget).toBeNull();
  });
});
