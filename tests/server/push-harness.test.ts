/** The local Web Push service (tests/helpers/push-service.ts), driven by web-push itself as the sender. */
import webpush, { type RequestOptions } from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushService, type PushService, type TestSubscription } from '../helpers/push-service.js';

const vapid = webpush.generateVAPIDKeys();
const SUBJECT = 'mailto:ops@example.com';

let push: PushService;

beforeAll(async () => {
  push = await startPushService({ vapidPublicKey: vapid.publicKey });
});
afterAll(async () => {
  await push?.close();
});

/** The options the brief's sender uses; `agent` is how web-push, which always speaks TLS, trusts the service. */
function options(keys: { publicKey: string; privateKey: string } = vapid): RequestOptions {
  return { vapidDetails: { subject: SUBJECT, ...keys }, TTL: 60, topic: 'abc', agent: push.agent };
}

function send(sub: TestSubscription, payload: string | null, keys?: { publicKey: string; privateKey: string }) {
  return webpush.sendNotification(sub, payload, options(keys));
}

/** The WebPushError a send fails with (and fails the test if it succeeds or fails otherwise). */
async function sendError(sub: TestSubscription, payload: string, keys?: { publicKey: string; privateKey: string }): Promise<webpush.WebPushError> {
  const err: unknown = await send(sub, payload, keys).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(webpush.WebPushError);
  return err as webpush.WebPushError;
}

/** Posts a request web-push prepared, over plain HTTP with fetch, optionally altered first. */
async function postRaw(details: webpush.RequestDetails, alter: (body: Uint8Array) => void = () => {}): Promise<number> {
  const body = new Uint8Array(details.body ?? Buffer.alloc(0));
  alter(body);
  const res = await fetch(details.endpoint, { method: 'POST', headers: details.headers, body });
  await res.arrayBuffer();
  return res.status;
}

describe('push service harness', () => {
  it('hands out browser-shaped subscriptions on its own origin', () => {
    const sub = push.subscribe();
    expect(push.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sub.endpoint).toBe(`${push.url}/push/${sub.id}`);
    // p256dh: uncompressed P-256 point (65 bytes); auth: 16 bytes; both base64url without padding.
    expect(Buffer.from(sub.keys.p256dh, 'base64url')).toHaveLength(65);
    expect(Buffer.from(sub.keys.auth, 'base64url')).toHaveLength(16);
    expect(sub.keys.p256dh).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(push.subscribe().endpoint).not.toBe(sub.endpoint);
  });

  it('accepts a push from web-push and decrypts its JSON payload, with TTL, topic and VAPID claims', async () => {
    const sub = push.subscribe();
    const message = { type: 'ticket.reply', ticket: 42, text: 'Hello, ünïcödé ✓' };
    const before = Math.floor(Date.now() / 1000);

    const result = await send(sub, JSON.stringify(message));
    expect(result.statusCode).toBe(201);
    expect(result.headers.location).toMatch(new RegExp(`^${push.url}/message/`));

    const got = await push.waitFor((p) => p.subscriptionId === sub.id);
    expect(got).toMatchObject({
      endpoint: sub.endpoint,
      payload: JSON.stringify(message),
      json: message,
      ttl: 60,
      topic: 'abc',
      urgency: 'normal', // web-push's default
      vapidPublicKey: vapid.publicKey,
    });
    expect(got.jwtClaims.aud).toBe(push.url);
    expect(got.jwtClaims.sub).toBe(SUBJECT);
    expect(got.jwtClaims.exp).toBeGreaterThan(before);
    expect(got.jwtClaims.exp).toBeLessThanOrEqual(before + 24 * 3600 + 5);
  });

  it('refuses a push signed with a VAPID key other than the expected one', async () => {
    const sub = push.subscribe();
    const err = await sendError(sub, '{"x":1}', webpush.generateVAPIDKeys());
    expect(err.statusCode).toBe(403);
    expect(push.rejected).toContainEqual({ endpoint: sub.endpoint, status: 403, reason: expect.stringMatching(/not the expected/) });
    expect(push.received.some((p) => p.subscriptionId === sub.id)).toBe(false);
  });

  it('refuses a body that does not decrypt', async () => {
    const sub = push.subscribe();
    const details = webpush.generateRequestDetails(sub, 'tamper with me', options());
    // Control: the untouched request, sent the same way, is accepted.
    expect(await postRaw(details)).toBe(201);
    // One flipped bit in the ciphertext: AES-GCM authentication fails.
    expect(
      await postRaw(details, (b) => {
        b[b.length - 20] = b[b.length - 20]! ^ 0x01;
      }),
    ).toBe(400);
    expect(push.rejected).toContainEqual({ endpoint: sub.endpoint, status: 400, reason: expect.stringMatching(/^cannot decrypt/) });
    expect(push.received.filter((p) => p.subscriptionId === sub.id)).toHaveLength(1);
  });

  it('refuses missing or invalid VAPID authorization', async () => {
    const sub = push.subscribe();
    const details = webpush.generateRequestDetails(sub, 'hi', options());

    const { Authorization, ...unsigned } = details.headers;
    expect(Authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    expect(await postRaw({ ...details, headers: unsigned })).toBe(401);

    // A token for another push service: web-push takes aud from the endpoint's origin.
    const elsewhere = webpush.generateRequestDetails({ ...sub, endpoint: `https://push.example.com/push/${sub.id}` }, 'hi', options());
    expect(await postRaw({ ...details, headers: elsewhere.headers, body: elsewhere.body })).toBe(403);

    // A token whose signature was altered.
    const forged = details.headers.Authorization!.replace(/t=([\w-]+\.[\w-]+\.)([\w-])/, (_, signed: string, c: string) => `t=${signed}${c === 'A' ? 'B' : 'A'}`);
    expect(await postRaw({ ...details, headers: { ...details.headers, Authorization: forged } })).toBe(403);

    const reasons = push.rejected.filter((r) => r.endpoint === sub.endpoint).map((r) => r.reason);
    expect(reasons).toEqual([expect.stringMatching(/Authorization/), expect.stringMatching(/aud must be/), expect.stringMatching(/signature/)]);
  });

  it('answers 410 Gone for a subscription marked gone', async () => {
    const sub = push.subscribe();
    await send(sub, 'still here');
    push.gone(sub.endpoint);
    const err = await sendError(sub, 'anyone?');
    expect(err.statusCode).toBe(410);
    expect((await sendError(sub, 'anyone?')).statusCode).toBe(410);
    expect(push.received.filter((p) => p.subscriptionId === sub.id).map((p) => p.payload)).toEqual(['still here']);
  });

  it('fails a given number of times, then accepts', async () => {
    const sub = push.subscribe();
    push.fail(sub.endpoint, 500, 1);
    expect((await sendError(sub, 'first')).statusCode).toBe(500);
    expect((await send(sub, 'second')).statusCode).toBe(201);

    push.fail(sub.endpoint, 429, 2);
    expect((await sendError(sub, 'third')).statusCode).toBe(429);
    expect((await sendError(sub, 'fourth')).statusCode).toBe(429);
    expect((await send(sub, 'fifth')).statusCode).toBe(201);

    expect(push.received.filter((p) => p.subscriptionId === sub.id).map((p) => p.payload)).toEqual(['second', 'fifth']);
  });

  it('decrypts a large (3000-byte) payload', async () => {
    const sub = push.subscribe();
    const payload = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 94))).join('');
    await send(sub, payload);
    const got = await push.waitFor((p) => p.subscriptionId === sub.id);
    expect(got.payload).toBe(payload);
    expect(got.json).toBeNull();
  });

  it('accepts a push without payload', async () => {
    const sub = push.subscribe();
    expect((await send(sub, null)).statusCode).toBe(201);
    expect(await push.waitFor((p) => p.subscriptionId === sub.id)).toMatchObject({ payload: '', json: null, ttl: 60 });
  });

  it('counts every request and answers 404 for unknown endpoints', async () => {
    const before = push.requests;
    const stranger = { endpoint: `${push.url}/push/nobody`, keys: push.subscribe().keys };
    const err = await webpush.sendNotification(stranger, 'hello?', options()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ statusCode: 404 });
    expect((await fetch(`${push.url}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect(push.requests).toBe(before + 2);
  });

  it('waitFor waits for pushes still to come, and times out clearly', async () => {
    const sub = push.subscribe();
    const waiting = push.waitFor((p) => p.subscriptionId === sub.id && p.payload === 'later');
    await send(sub, 'sooner');
    await send(sub, 'later');
    expect((await waiting).payload).toBe('later');

    await expect(push.waitFor((p) => p.payload === 'never sent', 100)).rejects.toThrow(/no matching push within 100 ms/);
  });
});
