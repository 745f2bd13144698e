/**
 * The official-channel check (issue 6): admins list a site's real addresses, domains and accounts;
 * a visitor asks whether what claims to be the site's support is on that list. Impostors'
 * spellings (look-alike domains, another platform, other scripts) are never official.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfficialChannelDTO, OfficialCheckResult } from '../../shared/visitor-features.js';
import { isSameOrSubdomain, matchChannels, normalizeEntry, parseCheck } from '../../server/modules/official/normalize.js';
import { call, closeAllClients, connectVisitor, login, ok, rest, type VisitorClient } from '../helpers/clients.js';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.js';

const CHECKS_PER_MINUTE = 30;
const SITE = 'acme';
const PATH = '/api/admin/official-channels';

let server: TestServer;
let adminToken: string;
let agentToken: string;

beforeAll(async () => {
  server = await startTestServer({ OFFICIAL_CHECKS_PER_MINUTE: String(CHECKS_PER_MINUTE) });
  adminToken = (await login(server.url, ADMIN.email, ADMIN.password)).token;
  const agent = await server.addAgent('Ada Agent');
  agentToken = (await login(server.url, agent.email, agent.password)).token;
});
afterAll(async () => {
  closeAllClients();
  await server?.stop();
});

const add = (body: unknown, token = adminToken) => rest<OfficialChannelDTO>(server.url, 'POST', PATH, { token, body });
const listed = async (siteKey = SITE) => (await rest<OfficialChannelDTO[]>(server.url, 'GET', `${PATH}?siteKey=${siteKey}`, { token: adminToken })).body;
const check = async (visitor: VisitorClient, value: unknown) => call<OfficialCheckResult>(visitor, 'official:check', { value });

/** Fixed rate windows start on the minute: a test that fills one waits out its last seconds first. */
async function awayFromWindowEdge(windowMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 200));
}

describe('the admin list', () => {
  it('admins add addresses, domains and handles in their normalised spelling; the list is sorted by kind', async () => {
    const email = await add({ siteKey: SITE, kind: 'email', value: ' mailto:Support@ACME.com ', note: 'Our support desk' });
    expect(email.status).toBe(201);
    expect(email.body).toMatchObject({ id: expect.any(String), siteKey: SITE, kind: 'email', platform: null, value: 'support@acme.com', note: 'Our support desk' });
    expect((await add({ siteKey: SITE, kind: 'domain', value: 'https://www.Acme.com:443/help' })).body).toMatchObject({ kind: 'domain', platform: null, value: 'acme.com', note: null });
    expect((await add({ siteKey: SITE, kind: 'handle', platform: 'x', value: '@AcmeSupport' })).body).toMatchObject({ kind: 'handle', platform: 'x', value: 'acmesupport' });
    expect((await add({ siteKey: SITE, kind: 'handle', platform: 'telegram', value: 'https://t.me/Acme_Help' })).body).toMatchObject({ platform: 'telegram', value: 'acme_help' });

    expect((await listed()).map((c) => `${c.kind}:${c.platform ?? ''}:${c.value}`)).toEqual([
      'email::support@acme.com',
      'domain::acme.com',
      'handle:telegram:acme_help',
      'handle:x:acmesupport',
    ]);
    expect(await listed('some-other-site')).toEqual([]);
  });

  it('the same entry in another spelling is a conflict (409), and nothing is added twice', async () => {
    const site = 'dupes';
    expect((await add({ siteKey: site, kind: 'email', value: 'help@dupes.test' })).status).toBe(201);
    expect((await add({ siteKey: site, kind: 'domain', value: 'dupes.test' })).status).toBe(201);
    expect((await add({ siteKey: site, kind: 'handle', platform: 'x', value: 'dupes' })).status).toBe(201);
    for (const again of [
      { siteKey: site, kind: 'email', value: 'HELP@Dupes.test' },
      { siteKey: site, kind: 'domain', value: 'https://www.dupes.test/' },
      { siteKey: site, kind: 'handle', platform: 'x', value: 'https://x.com/Dupes' },
    ]) {
      const res = await add(again);
      expect(res.status, JSON.stringify(again)).toBe(409);
      expect(res.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already listed/) });
    }
    // The same name on another platform, or for another site, is another entry.
    expect((await add({ siteKey: site, kind: 'handle', platform: 'instagram', value: 'dupes' })).status).toBe(201);
    expect((await add({ siteKey: 'dupes-2', kind: 'email', value: 'help@dupes.test' })).status).toBe(201);
    expect(await listed(site)).toHaveLength(4);
  });

  it('bad entries get a clear 400 and add nothing', async () => {
    const site = 'bad-entries';
    const cases: Array<[unknown, RegExp]> = [
      [{ siteKey: site, kind: 'handle', value: 'acme' }, /platform/],
      [{ siteKey: site, kind: 'email', platform: 'x', value: 'a@acme.com' }, /platform/],
      [{ siteKey: site, kind: 'email', value: 'not an address' }, /email address/],
      [{ siteKey: site, kind: 'email', value: 'suppоrt@acme.com' }, /ASCII/],
      [{ siteKey: site, kind: 'domain', value: 'gmail.com' }, /anyone can have an address/],
      [{ siteKey: site, kind: 'domain', value: 'x.com' }, /anyone can have an address/],
      [{ siteKey: site, kind: 'domain', value: 'аcme.com' }, /ASCII/],
      [{ siteKey: site, kind: 'domain', value: 'support@acme.com' }, /added as an email/],
      [{ siteKey: site, kind: 'domain', value: 'localhost' }, /must be a domain/],
      [{ siteKey: site, kind: 'handle', platform: 'x', value: 'https://t.me/acme' }, /telegram account, not x/],
      [{ siteKey: site, kind: 'handle', platform: 'x', value: 'two words' }, /handle/],
      [{ siteKey: site, kind: 'handle', platform: 'whatsapp', value: 'call me' }, /phone number/],
      [{ siteKey: site, kind: 'handle', platform: 'myspace', value: 'acme' }, /platform/],
      [{ siteKey: site, kind: 'url', value: 'acme.com' }, /kind/],
      [{ siteKey: site, kind: 'email', value: { $gt: '' } }, /value/],
      [{ siteKey: site, kind: 'email', value: 'a@acme.com', official: true }, /official/],
    ];
    for (const [body, message] of cases) {
      const res = await add(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(message) });
    }
    expect(await listed(site)).toEqual([]);
  });

  it('only admins may read or change the list: an agent gets 403, no token 401', async () => {
    const entry = (await add({ siteKey: 'guarded', kind: 'email', value: 'ceo@guarded.test' })).body;
    for (const [method, path, body] of [
      ['GET', PATH, undefined],
      ['POST', PATH, { siteKey: 'guarded', kind: 'email', value: 'evil@guarded.test' }],
      ['DELETE', `${PATH}/${entry.id}`, undefined],
    ] as const) {
      expect((await rest(server.url, method, path, { token: agentToken, body })).error, `${method} ${path}`).toMatchObject({ code: 'FORBIDDEN' });
      expect((await rest(server.url, method, path, { token: agentToken, body })).status).toBe(403);
      expect((await rest(server.url, method, path, { body })).status).toBe(401);
    }
    expect((await listed('guarded')).map((c) => c.value)).toEqual(['ceo@guarded.test']);
  });

  it('admins delete an entry: it is gone from the list and from the checks', async () => {
    const site = 'deletes';
    const entry = (await add({ siteKey: site, kind: 'email', value: 'old@deletes.test' })).body;
    const visitor = await connectVisitor(server.url, undefined, { siteKey: site });
    expect(ok(await check(visitor, 'old@deletes.test')).official).toBe(true);

    expect((await rest(server.url, 'DELETE', `${PATH}/${entry.id}`, { token: adminToken })).status).toBe(204);
    expect(await listed(site)).toEqual([]);
    expect(ok(await check(visitor, 'old@deletes.test'))).toMatchObject({ official: false, matches: [] });
    expect((await rest(server.url, 'DELETE', `${PATH}/${entry.id}`, { token: adminToken })).status).toBe(404);
    expect((await rest(server.url, 'DELETE', `${PATH}/not-an-id`, { token: adminToken })).status).toBe(400);
    expect((await rest(server.url, 'GET', `${PATH}?siteKey=a&siteKey=b`, { token: adminToken })).status).toBe(400);
  });
});

describe('a visitor’s check', () => {
  /** Each row: input, official, kind, platform, the platforms/values of the matches. */
  const rows: Array<[string, boolean, OfficialCheckResult['kind'], string | null, string[]]> = [
    ['support@acme.com', true, 'email', null, ['email:support@acme.com', 'domain:acme.com']],
    ['SUPPORT@ACME.COM', true, 'email', null, ['email:support@acme.com', 'domain:acme.com']],
    ['mailto:support@acme.com?subject=Help', true, 'email', null, ['email:support@acme.com', 'domain:acme.com']],
    ['help@sub.acme.com', true, 'email', null, ['domain:acme.com']],
    ['support@acme-support.com', false, 'email', null, []],
    ['acme.com', true, 'url', null, ['domain:acme.com']],
    ['https://help.acme.com/reset?x=1', true, 'url', null, ['domain:acme.com']],
    ['www.acme.com', true, 'url', null, ['domain:acme.com']],
    ['acme-support.com', false, 'url', null, []],
    ['acme.com.evil.io', false, 'url', null, []],
    ['https://acme.com@evil.io/login', false, 'url', null, []],
    ['https://evil.io/acme.com', false, 'url', null, []],
    ['https://x.com/AcmeSupport?lang=en', true, 'handle', 'x', ['x:acmesupport']],
    ['twitter.com/acmesupport/status/1', true, 'handle', 'x', ['x:acmesupport']],
    ['t.me/acme_help', true, 'handle', 'telegram', ['telegram:acme_help']],
    ['telegram:@acme_help', true, 'handle', 'telegram', ['telegram:acme_help']],
    // Our name on a platform where we are not: not us, and the answer says where we are.
    ['t.me/acmesupport', false, 'handle', 'telegram', ['x:acmesupport']],
    ['telegram:@AcmeSupport', false, 'handle', 'telegram', ['x:acmesupport']],
    ['instagram.com/acme_help', false, 'handle', 'instagram', ['telegram:acme_help']],
    // A bare name could be anyone anywhere.
    ['@acmesupport', false, 'handle', null, ['x:acmesupport']],
    ['acmesupport', false, 'handle', null, ['x:acmesupport']],
    ['@acme_support', false, 'handle', null, []],
    ['hello there, is this you?', false, 'unknown', null, []],
    ['javascript:alert(1)', false, 'unknown', null, []],
  ];

  it.each(rows)('%s → official %s', async (input, official, kind, platform, matches) => {
    const visitor = await connectVisitor(server.url, undefined, { siteKey: SITE });
    const result = ok(await check(visitor, input));
    expect(result).toMatchObject({ official, kind, platform });
    expect(result.matches.map((m) => `${m.platform ?? m.kind}:${m.value}`)).toEqual(matches);
    if (result.matches[0]?.kind === 'email') expect(result.matches[0].note).toBe('Our support desk');
    visitor.disconnect();
  });

  it('shows back what it understood, in lower case without @, scheme, www, port and path', async () => {
    const visitor = await connectVisitor(server.url, undefined, { siteKey: SITE });
    expect(ok(await check(visitor, 'HTTPS://WWW.Acme.com:8443/Login'))).toMatchObject({ normalized: 'acme.com', kind: 'url' });
    expect(ok(await check(visitor, '@AcmeSupport'))).toMatchObject({ normalized: 'acmesupport', kind: 'handle', platform: null });
    expect(ok(await check(visitor, 'mailto:Support@Acme.com'))).toMatchObject({ normalized: 'support@acme.com' });
  });

  it('look-alikes in other scripts or with invisible characters are never official; width variants are folded', async () => {
    const visitor = await connectVisitor(server.url, undefined, { siteKey: SITE });
    for (const lookAlike of ['аcme.com', 'support@аcme.com', 'https://x.com/аcmesupport', '@аcmesupport', 'acme\u200b.com', 'support@acme.com\u200b']) {
      expect(ok(await check(visitor, lookAlike)), lookAlike).toMatchObject({ official: false, matches: [] });
    }
    // Fullwidth letters are the same address to a browser (NFKC): that one is ours.
    expect(ok(await check(visitor, 'ｓｕｐｐｏｒｔ＠ａｃｍｅ．ｃｏｍ'))).toMatchObject({ official: true, normalized: 'support@acme.com' });
  });

  it('a visitor of another site checks against that site’s list only', async () => {
    const visitor = await connectVisitor(server.url, undefined, { siteKey: 'unrelated' });
    expect(ok(await check(visitor, 'support@acme.com'))).toMatchObject({ official: false, matches: [] });
    expect(ok(await check(visitor, '@acmesupport'))).toMatchObject({ official: false, matches: [] });
  });

  it('bad input gets VALIDATION', async () => {
    const visitor = await connectVisitor(server.url, undefined, { siteKey: SITE });
    for (const payload of [{ value: '' }, { value: '   ' }, { value: 'x'.repeat(301) }, { value: { $gt: '' } }, { value: 42 }, {}, { value: 'a', siteKey: 'other' }, 'acme.com']) {
      expect(await call(visitor, 'official:check', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
  });

  it(`past OFFICIAL_CHECKS_PER_MINUTE a visitor is told to wait; another visitor is not`, async () => {
    await awayFromWindowEdge(60_000);
    const visitor = await connectVisitor(server.url, undefined, { siteKey: SITE });
    for (let i = 0; i < CHECKS_PER_MINUTE; i++) ok(await check(visitor, `guess${i}@acme-support.com`));
    expect(await check(visitor, 'support@acme.com')).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', message: expect.stringMatching(/wait a moment/), details: { retryAfterSeconds: expect.any(Number) } },
    });
    const other = await connectVisitor(server.url, undefined, { siteKey: SITE });
    expect(ok(await check(other, 'support@acme.com')).official).toBe(true);
  });
});

describe('normalize.ts', () => {
  it('a subdomain is under its domain; a look-alike is not', () => {
    expect(isSameOrSubdomain('acme.com', 'acme.com')).toBe(true);
    expect(isSameOrSubdomain('help.acme.com', 'acme.com')).toBe(true);
    expect(isSameOrSubdomain('acme.com.evil.io', 'acme.com')).toBe(false);
    expect(isSameOrSubdomain('notacme.com', 'acme.com')).toBe(false);
    expect(isSameOrSubdomain('acme-support.com', 'acme.com')).toBe(false);
  });

  it('profile addresses name their platform and account', () => {
    const cases: Array<[string, string | null, string]> = [
      ['https://mobile.twitter.com/Acme', 'x', 'acme'],
      ['telegram.me/s/acme_news', 'telegram', 'acme_news'],
      ['https://www.instagram.com/acme.shop/', 'instagram', 'acme.shop'],
      ['fb.com/AcmeInc', 'facebook', 'acmeinc'],
      ['https://www.linkedin.com/company/acme/', 'linkedin', 'acme'],
      ['linkedin.com/in/jane-acme', 'linkedin', 'jane-acme'],
      ['https://www.youtube.com/@AcmeTV', 'youtube', 'acmetv'],
      ['youtube.com/c/AcmeTV', 'youtube', 'acmetv'],
      ['https://www.tiktok.com/@acme', 'tiktok', 'acme'],
      ['discord.gg/acme', 'discord', 'acme'],
      ['https://discord.com/invite/acme', 'discord', 'acme'],
      ['https://wa.me/46701234567', 'whatsapp', '46701234567'],
      ['https://old.reddit.com/u/acme_mod', 'reddit', 'acme_mod'],
      ['reddit.com/user/acme_mod', 'reddit', 'acme_mod'],
      ['+46 70 123 45 67', null, '46701234567'],
    ];
    for (const [input, platform, handle] of cases) expect(parseCheck(input), input).toMatchObject({ kind: 'handle', platform, normalized: handle, matchable: true });
    // Pages of the platform itself are no account: checked as a web address (not ours).
    expect(parseCheck('https://x.com/home')).toMatchObject({ kind: 'url', normalized: 'x.com' });
    expect(parseCheck('https://t.me/+AbCdEf')).toMatchObject({ kind: 'url', normalized: 't.me' });
  });

  it('a handle is official only on the platform it is listed for', () => {
    const entries = [{ kind: 'handle', platform: 'x', value: 'acme' }] as const;
    expect(matchChannels(parseCheck('x.com/acme'), entries)).toEqual({ official: true, matches: [entries[0]] });
    expect(matchChannels(parseCheck('tiktok.com/@acme'), entries)).toEqual({ official: false, matches: [entries[0]] });
    expect(matchChannels(parseCheck('@acme'), entries)).toEqual({ official: false, matches: [entries[0]] });
  });

  it('admin entries are stored in one spelling', () => {
    expect(normalizeEntry('email', undefined, 'MAILTO:Help@Acme.COM')).toEqual({ ok: true, platform: null, value: 'help@acme.com' });
    expect(normalizeEntry('domain', undefined, 'http://WWW.acme.com./x')).toEqual({ ok: true, platform: null, value: 'acme.com' });
    expect(normalizeEntry('handle', 'whatsapp', '+46 (70) 123-45-67')).toEqual({ ok: true, platform: 'whatsapp', value: '46701234567' });
    expect(normalizeEntry('handle', 'x', 'x:@Acme')).toEqual({ ok: true, platform: 'x', value: 'acme' });
    expect(normalizeEntry('handle', 'x', 'https://t.me/acme')).toMatchObject({ ok: false });
  });
});
