/**
 * A real Web Push service on 127.0.0.1 for tests: it hands out subscriptions, checks every push the
 * way a push service and a browser together would (VAPID per RFC 8292, aes128gcm per RFC 8188 and
 * RFC 8291), and keeps what it accepted, decrypted, for tests to read.
 *
 * Endpoints are http://127.0.0.1:PORT/push/<id>, and the port speaks both plain HTTP and TLS (told
 * apart by the first byte). TLS is there for web-push: it sends with `https.request` whatever the
 * endpoint's scheme, so it must trust the service's self-signed certificate: pass `agent` as
 * web-push's `agent` option (or build an agent from `ca`). Senders that honour the scheme (fetch,
 * node:http) need nothing.
 */
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Agent } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

/** Exactly the PushSubscription JSON shape browsers give (base64url keys), plus our id. */
export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  subscriptionId: string;
  endpoint: string;
  /** The decrypted payload as UTF-8; '' for a push without a body. */
  payload: string;
  /** JSON.parse(payload), or null when it is not JSON. */
  json: unknown;
  ttl: number;
  topic: string | null;
  urgency: string | null;
  /** The `k` parameter of the Authorization header, as sent. */
  vapidPublicKey: string;
  jwtClaims: { aud: string; exp: number; sub: string };
}

/** Every request not answered 201: refused checks, and answers forced by `gone` / `fail`. */
export interface RejectedPush {
  endpoint: string;
  status: number;
  reason: string;
}

export interface PushService {
  /** http://127.0.0.1:PORT (TLS is spoken on the same port), also the `aud` every VAPID token must carry. */
  url: string;
  /** The service's self-signed certificate (PEM), for senders to trust. */
  ca: string;
  /** An https.Agent that trusts `ca`; give it to web-push as the `agent` option, which it needs here. */
  agent: Agent;
  /** A new subscription: fresh P-256 key pair and 16-byte auth secret, endpoint `${url}/push/<id>`. */
  subscribe(): TestSubscription;
  received: ReceivedPush[];
  rejected: RejectedPush[];
  /** Resolves with the first matching push, received before or after the call. */
  waitFor(pred: (p: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush>;
  /** From now on the endpoint answers 410 Gone, as for an unsubscribed browser. */
  gone(endpoint: string): void;
  /** The endpoint answers `status` to the next `times` pushes (default 1), then behaves again. */
  fail(endpoint: string, status: number, times?: number): void;
  /** Every request counted, accepted or not. */
  requests: number;
  close(): Promise<void>;
}

// A self-signed certificate for IP 127.0.0.1 and localhost, valid 2000-2100 (P-256, made once with
// openssl). Test-only: the key protects nothing.
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgid99DLOwIFw0suPw
ELhUpKnl4hwNJt9SkKV9nUtyhyyhRANCAATPfR90a/Y6oJvjbblYam7ZwgPmPCRK
KU+cCmccTU9MG8CYI/G8OP5dCuTTbFVMUwNlk23KCChlnRjzDCUt1HGy
-----END PRIVATE KEY-----
`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBpDCCAUqgAwIBAgIBATAKBggqhkjOPQQDAjAgMR4wHAYDVQQDDBVUZXN0IFdl
YiBQdXNoIFNlcnZpY2UwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBa
MCAxHjAcBgNVBAMMFVRlc3QgV2ViIFB1c2ggU2VydmljZTBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABM99H3Rr9jqgm+NtuVhqbtnCA+Y8JEopT5wKZxxNT0wbwJgj
8bw4/l0K5NNsVUxTA2WTbcoIKGWdGPMMJS3UcbKjczBxMBoGA1UdEQQTMBGHBH8A
AAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIChDAT
BgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4EFgQUtCRc6DJpHkqa1bQoyXS9xl+N
6OUwCgYIKoZIzj0EAwIDSAAwRQIhAJTVOrZRCoLpJsKzZe6lidLA9D2AEjkxbA3b
dODbaszKAiBnBDb+9oKPbWvEVc3+Wr76308svvvVuPy7sNbg+I6PQw==
-----END CERTIFICATE-----
`;

/** RFC 8030 §7.2: a push service must accept push message bodies of at least 4096 octets; we accept exactly that. */
const MAX_BODY = 4096;
/** RFC 8292 §2: `exp` must not be more than 24 hours from the time of the request. */
const MAX_JWT_LIFETIME_S = 24 * 60 * 60;
/** RFC 8030 §5.3 */
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
/** RFC 8030 §5.4: at most 32 characters from the URL- and filename-safe base64 alphabet. */
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** An answer other than 201, with the reason a test will read. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

interface SubscriptionState {
  sub: TestSubscription;
  /** The user agent's ECDH key pair; its public key is `sub.keys.p256dh`. */
  ecdh: ECDH;
  authSecret: Buffer;
  gone: boolean;
  failures: { status: number; remaining: number } | null;
}

export async function startPushService(opts: { vapidPublicKey?: string } = {}): Promise<PushService> {
  const expectedKey = opts.vapidPublicKey === undefined ? null : decodeVapidKey(opts.vapidPublicKey);
  const subscriptions = new Map<string, SubscriptionState>();
  const received: ReceivedPush[] = [];
  const rejected: RejectedPush[] = [];
  const listeners = new Set<(p: ReceivedPush) => void>();
  const waiters = new Set<{ timer: NodeJS.Timeout; reject: (e: Error) => void }>();
  let requests = 0;
  let origin = '';

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    readBody(req).then(
      (body) => respond(req, res, body),
      (err: Error) => reply(res, 400, `unreadable request: ${err.message}`),
    );
  };
  const httpServer = createHttpServer(onRequest);
  const tlsServer = createHttpsServer({ key: TLS_KEY, cert: TLS_CERT }, onRequest);
  // One port for both: a TLS connection opens with a handshake record, content type 22 (RFC 8446 §5.1);
  // an HTTP/1.1 request opens with a method name. The first chunk is put back for the chosen server.
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? tlsServer : httpServer).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });

  function respond(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const endpoint = origin + (req.url ?? '');
    try {
      const push = accept(req, endpoint, body);
      received.push(push);
      for (const listener of listeners) listener(push);
      // RFC 8030 §5: 201 Created, with the push message resource in Location.
      res.setHeader('Location', `${origin}/message/${randomBytes(8).toString('base64url')}`);
      reply(res, 201, '');
    } catch (err) {
      const status = err instanceof Refusal ? err.status : 500;
      const reason = err instanceof Error ? err.message : String(err);
      rejected.push({ endpoint, status, reason });
      reply(res, status, reason);
    }
  }

  /** Runs every check on one request; returns the push or throws a Refusal. */
  function accept(req: IncomingMessage, endpoint: string, body: Buffer): ReceivedPush {
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    const state = id === undefined ? undefined : subscriptions.get(id);
    if (!state) throw new Refusal(404, 'no such subscription');
    if (req.method !== 'POST') throw new Refusal(405, `push requests are POSTs, not ${req.method}`);

    // Behaviour switches come first: they stand for the state of the service, not of the request.
    if (state.gone) throw new Refusal(410, 'subscription gone');
    if (state.failures) {
      const { status } = state.failures;
      if (--state.failures.remaining <= 0) state.failures = null;
      throw new Refusal(status, `forced failure ${status}`);
    }

    if (body.length > MAX_BODY) throw new Refusal(413, `body of ${body.length} bytes is over ${MAX_BODY}`);
    const vapid = checkVapid(req.headers.authorization, origin, expectedKey);

    // RFC 8030 §5.2: TTL is required, a number of seconds >= 0.
    const ttlHeader = req.headers.ttl;
    if (typeof ttlHeader !== 'string' || !/^\d+$/.test(ttlHeader.trim())) throw new Refusal(400, `missing or invalid TTL header: ${String(ttlHeader)}`);
    const urgency = headerOrNull(req, 'urgency');
    if (urgency !== null && !URGENCIES.has(urgency)) throw new Refusal(400, `invalid Urgency: ${urgency}`);
    const topic = headerOrNull(req, 'topic');
    if (topic !== null && !TOPIC.test(topic)) throw new Refusal(400, `invalid Topic: ${topic}`);

    // A push without a body is legal (RFC 8030 §5); one with a body must be aes128gcm (RFC 8291 §4).
    let payload = '';
    if (body.length > 0) {
      const encoding = headerOrNull(req, 'content-encoding');
      if (encoding?.toLowerCase() !== 'aes128gcm') throw new Refusal(400, `Content-Encoding must be aes128gcm, got ${String(encoding)}`);
      try {
        payload = decrypt(body, state).toString('utf8');
      } catch (err) {
        throw new Refusal(400, `cannot decrypt: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    let json: unknown = null;
    try {
      json = JSON.parse(payload);
    } catch {
      // Not JSON: json stays null.
    }
    return {
      subscriptionId: state.sub.id,
      endpoint,
      payload,
      json,
      ttl: Number(ttlHeader),
      topic,
      urgency,
      vapidPublicKey: vapid.key,
      jwtClaims: vapid.claims,
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  const agent = new Agent({ ca: TLS_CERT });

  function stateOf(endpoint: string): SubscriptionState {
    const state = [...subscriptions.values()].find((s) => s.sub.endpoint === endpoint);
    if (!state) throw new Error(`push service: ${endpoint} is not one of its subscriptions`);
    return state;
  }

  return {
    url: origin,
    ca: TLS_CERT,
    agent,
    received,
    rejected,
    get requests() {
      return requests;
    },
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const id = randomBytes(12).toString('base64url');
      const sub: TestSubscription = {
        id,
        endpoint: `${origin}/push/${id}`,
        keys: {
          // Browsers give the uncompressed point (65 bytes, 0x04 | x | y) and the auth secret, base64url.
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: authSecret.toString('base64url'),
        },
      };
      subscriptions.set(id, { sub, ecdh, authSecret, gone: false, failures: null });
      return { ...sub, keys: { ...sub.keys } };
    },
    waitFor(pred, timeoutMs = 5000) {
      const found = received.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          timer: setTimeout(() => {
            done();
            const got = received.map((p) => JSON.stringify(p.payload.slice(0, 60))).join(', ') || 'none';
            const refused = rejected.map((r) => `${r.status} ${r.reason}`).join('; ') || 'none';
            reject(new Error(`push service: no matching push within ${timeoutMs} ms; received: ${got}; rejected: ${refused}`));
          }, timeoutMs),
          reject,
        };
        const listener = (p: ReceivedPush) => {
          if (!pred(p)) return;
          done();
          resolve(p);
        };
        const done = () => {
          clearTimeout(waiter.timer);
          listeners.delete(listener);
          waiters.delete(waiter);
        };
        listeners.add(listener);
        waiters.add(waiter);
      });
    },
    gone(endpoint) {
      stateOf(endpoint).gone = true;
    },
    fail(endpoint, status, times = 1) {
      if (status < 400 || status > 599) throw new Error(`push service: fail() wants an error status, got ${status}`);
      stateOf(endpoint).failures = times > 0 ? { status, remaining: times } : null;
    },
    async close() {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('push service closed'));
      }
      waiters.clear();
      listeners.clear();
      agent.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerOrNull(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** A VAPID public key: the base64url uncompressed P-256 point, 65 bytes starting 0x04. */
function decodeVapidKey(k: string): Buffer {
  const raw = BASE64URL.test(k) ? Buffer.from(k, 'base64url') : Buffer.alloc(0);
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error(`not an uncompressed P-256 public key: ${k}`);
  return raw;
}

function parseJsonSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/**
 * RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`. The JWT is ES256-signed by the key in
 * `k`; `aud` is the push service's origin, `exp` at most 24 h ahead, `sub` a mailto: or https: URI.
 * Absent or unparsable authentication is 401, invalid authentication 403 (RFC 8292 §4.2).
 */
function checkVapid(header: string | undefined, origin: string, expectedKey: Buffer | null): { key: string; claims: ReceivedPush['jwtClaims'] } {
  const scheme = header === undefined ? null : /^vapid\s+(.+)$/i.exec(header.trim());
  if (!scheme?.[1]) throw new Refusal(401, `VAPID: Authorization is not "vapid t=…, k=…": ${String(header)}`);
  const params = new Map<string, string>();
  for (const part of scheme[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const token = params.get('t');
  const k = params.get('k');
  if (!token || !k) throw new Refusal(401, 'VAPID: Authorization lacks t= or k=');

  let key: Buffer;
  try {
    key = decodeVapidKey(k);
  } catch (err) {
    throw new Refusal(403, `VAPID: ${(err as Error).message}`);
  }
  if (expectedKey && !key.equals(expectedKey)) throw new Refusal(403, 'VAPID: k is not the expected application server key');

  const segments = token.split('.');
  const [headerSeg, claimsSeg, sigSeg] = segments;
  if (segments.length !== 3 || !headerSeg || !claimsSeg || !sigSeg) throw new Refusal(403, 'VAPID: t is not a JWS compact serialization');
  let jwtHeader: unknown;
  let claims: unknown;
  try {
    jwtHeader = parseJsonSegment(headerSeg);
    claims = parseJsonSegment(claimsSeg);
  } catch {
    throw new Refusal(403, 'VAPID: JWT header or claims are not JSON');
  }
  if (!isRecord(jwtHeader) || jwtHeader.alg !== 'ES256') throw new Refusal(403, `VAPID: JWT alg must be ES256, got ${isRecord(jwtHeader) ? String(jwtHeader.alg) : '?'}`);

  // ES256 signatures in a JWS are r | s, 32 bytes each (RFC 7518 §3.4), i.e. IEEE P1363, not DER.
  const jwk = { kty: 'EC', crv: 'P-256', x: key.subarray(1, 33).toString('base64url'), y: key.subarray(33, 65).toString('base64url') };
  let signed: boolean;
  try {
    createPublicKey({ key: jwk, format: 'jwk' }); // throws for a point off the curve
    const signature = Buffer.from(sigSeg, 'base64url');
    signed = signature.length === 64 && verify('sha256', Buffer.from(`${headerSeg}.${claimsSeg}`), { key: jwk, format: 'jwk', dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    signed = false;
  }
  if (!signed) throw new Refusal(403, 'VAPID: JWT signature does not verify with k');

  if (!isRecord(claims)) throw new Refusal(403, 'VAPID: JWT claims are not an object');
  const { aud, exp, sub } = claims;
  if (aud !== origin) throw new Refusal(403, `VAPID: aud must be ${origin}, got ${String(aud)}`);
  const now = Math.floor(Date.now() / 1000);
  if (typeof exp !== 'number' || !Number.isInteger(exp)) throw new Refusal(403, 'VAPID: exp is not an integer');
  if (exp <= now) throw new Refusal(403, `VAPID: token expired (exp ${exp}, now ${now})`);
  if (exp > now + MAX_JWT_LIFETIME_S) throw new Refusal(403, `VAPID: exp is more than 24 h ahead (exp ${exp}, now ${now})`);
  if (typeof sub !== 'string' || !/^(mailto|https):/.test(sub)) throw new Refusal(403, `VAPID: sub must be a mailto: or https: URI, got ${String(sub)}`);

  return { key: k, claims: { aud, exp, sub } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hkdf(ikm: Buffer, salt: Buffer, info: string | Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

/** Decrypts an aes128gcm body as the subscription's user agent would (RFC 8188 + RFC 8291). */
function decrypt(body: Buffer, state: SubscriptionState): Buffer {
  // RFC 8188 §2.1 header: salt (16) | rs (uint32 BE) | idlen (1) | keyid (idlen).
  if (body.length < 21) throw new Error('body is shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  // RFC 8188 §2: rs must exceed the 16-byte tag plus one delimiter octet.
  if (rs < 18) throw new Error(`record size ${rs} is below 18`);
  // RFC 8291 §4: keyid is the application server's ECDH public key, an uncompressed P-256 point.
  if (idlen !== 65) throw new Error(`keyid must be the sender's 65-byte public key, is ${idlen} bytes`);
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (records.length === 0) throw new Error('no records');

  const uaPublic = state.ecdh.getPublicKey();
  const ecdhSecret = state.ecdh.computeSecret(asPublic); // throws for a point off the curve
  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32).
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(ecdhSecret, state.authSecret, keyInfo, 32);
  // RFC 8188 §2.2 and §2.3: content-encryption key and base nonce, both from the salt and IKM.
  const cek = hkdf(ikm, salt, 'Content-Encoding: aes128gcm\0', 16);
  const baseNonce = hkdf(ikm, salt, 'Content-Encoding: nonce\0', 12);

  const plaintext: Buffer[] = [];
  for (let seq = 0, offset = 0; offset < records.length; seq++, offset += rs) {
    const record = records.subarray(offset, offset + rs);
    const last = offset + rs >= records.length;
    if (record.length <= 16) throw new Error(`record ${seq} is too short`);
    // RFC 8188 §2.3: the nonce of record SEQ is the base nonce XOR SEQ (as a 96-bit big-endian integer).
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(seq, 6, 6);
    for (let i = 0; i < 12; i++) nonce[i] = nonce[i]! ^ baseNonce[i]!;
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    // The 16-byte authentication tag ends each record.
    decipher.setAuthTag(record.subarray(-16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, -16)), decipher.final()]);
    plaintext.push(unpad(padded, last, seq));
  }
  return Buffer.concat(plaintext);
}

/** RFC 8188 §2: data | delimiter (0x02 in the last record, 0x01 in others) | zero or more 0x00. */
function unpad(padded: Buffer, last: boolean, seq: number): Buffer {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0) throw new Error(`record ${seq} has no padding delimiter`);
  const want = last ? 2 : 1;
  if (padded[end] !== want) throw new Error(`record ${seq} ends with delimiter ${padded[end]}, expected ${want}`);
  return padded.subarray(0, end);
}
