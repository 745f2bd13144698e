/**
 * The only module that reads the environment (main.ts passes `process.env` in). Everything is
 * validated once at start; a bad value stops the server with a readable list of what is wrong.
 */
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { DEFAULT_CATEGORIES } from '../shared/tickets.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: optionalString,
    PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
    MONGODB_URI: optionalString.pipe(
      z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    ),
    /**
     * redis:// or rediss://: nodes of one deployment join through the Socket.IO Redis adapter, so any
     * node serves any client. Unset: one node (in-memory adapter).
     */
    REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
    JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    ADMIN_EMAIL: optionalString.pipe(z.email('must be an email address').optional()),
    ADMIN_PASSWORD: optionalString.pipe(z.string().min(10, 'must be at least 10 characters').optional()),
    DATA_DIR: z.string().default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where the embedded FerretDB binary is (built by `npm run build:store`). */
    FERRETDB_BIN: optionalString,
    /** How long an agent session lasts, in hours. */
    AGENT_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
    /** smtp(s)://user:pass@host:port; unset: mails are written as .eml files under DATA_DIR/mail. */
    SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
    MAIL_FROM: optionalString.pipe(z.string().max(320).optional()),
    /** New tickets (offline form, leave a message) one network may open per hour; each mails its requester. */
    TICKETS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(10),
    /** New tickets mailed to one address per hour, so the form cannot be used to flood a stranger's inbox. */
    TICKETS_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(5),
    /** Comma-separated ticket categories offered when a site has none of its own; "id:Label" or a label. */
    TICKET_CATEGORIES: optionalString,
    /** VAPID keys for web push (base64url, as `web-push generate-vapid-keys` prints); unset: generated once under DATA_DIR. */
    VAPID_PUBLIC_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{80,90}$/, 'must be a base64url P-256 public key (87 characters)').optional()),
    VAPID_PRIVATE_KEY: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{40,46}$/, 'must be a base64url P-256 private key (43 characters)').optional()),
    /** Who push services contact about our pushes: mailto: or https:. Default: mailto: the MAIL_FROM address. */
    VAPID_SUBJECT: optionalString.pipe(z.string().regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://').optional()),
    /** Updates of one conversation within this many seconds go out as one alert. */
    ALERT_COALESCE_SECONDS: z.coerce.number().min(0).max(3600).default(60),
    /** Push subscriptions with http:// endpoints are refused unless this is true (local push services in tests). */
    PUSH_ALLOW_HTTP_ENDPOINTS: z.enum(['true', 'false']).default('false'),
    /** Alert deliveries: tries before giving up, and the first retry's delay (doubling each time, at most an hour). */
    OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    OUTBOX_RETRY_BASE_SECONDS: z.coerce.number().min(0.01).max(3600).default(30),
    /** A job whose worker went silent this long (a crashed node) is taken over by another. */
    OUTBOX_LEASE_SECONDS: z.coerce.number().min(0.5).max(3600).default(60),
    /** How often each node looks for due jobs (it is also woken at once by jobs it creates). */
    OUTBOX_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1000),
    /** How often each node marks its agents' sockets alive; an agent with no mark fresher than 3× this is offline (a crashed node's too). */
    AGENT_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
    /** An online agent without activity in the agent UI this long counts as away (and gets no new chats). */
    AGENT_AWAY_AFTER_MINUTES: z.coerce.number().min(0.01).max(24 * 60).default(10),
    /** Product feedback one visitor may send per hour (the widget's "Feedback"). */
    FEEDBACK_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(10),
    /** Official-channel checks one visitor may make per minute, so the list cannot be mined by guessing. */
    OFFICIAL_CHECKS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
    /**
     * Which peers may tell us the client's address in X-Forwarded-For: "loopback" (a proxy on this
     * machine), "false" (nobody), a hop count, or comma-separated addresses/CIDRs (and the names
     * loopback, linklocal, uniquelocal). Per-IP limits count the address this yields.
     */
    TRUST_PROXY: z.string().trim().default('loopback'),
    /** The largest JSON body (REST) and Socket.IO packet one client may send; bigger packets close the socket. */
    MAX_PAYLOAD_BYTES: z.coerce.number().int().min(16 * 1024).max(64 * 1024 * 1024).default(256 * 1024),
    /** Events one socket may send per second on average, and in one burst; past that, acks answer RATE_LIMITED. */
    SOCKET_EVENTS_PER_SECOND: z.coerce.number().min(1).max(1_000_000).default(20),
    SOCKET_EVENTS_BURST: z.coerce.number().int().min(1).max(1_000_000).default(40),
    /** New chats one network may start per hour (a visitor's open chat, asked for again, does not count). */
    CONVERSATIONS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(30),
    /** Failed agent sign-ins per network and per email in 15 minutes; successful ones are not counted. */
    LOGIN_ATTEMPTS_PER_15_MIN: z.coerce.number().int().min(1).max(1_000_000).default(10),
    /** Guest ticket access (modules/guests): link look-ups, code mails per network and per ticket, code checks. */
    GUEST_LINK_CHECKS_PER_IP_PER_15_MIN: z.coerce.number().int().min(1).max(1_000_000).default(60),
    GUEST_CODES_PER_IP_PER_15_MIN: z.coerce.number().int().min(1).max(1_000_000).default(10),
    GUEST_CODES_PER_TICKET_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(5),
    GUEST_CODE_CHECKS_PER_IP_PER_15_MIN: z.coerce.number().int().min(1).max(1_000_000).default(30),
  })
  .refine((e) => (e.VAPID_PUBLIC_KEY === undefined) === (e.VAPID_PRIVATE_KEY === undefined), {
    message: 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together',
    path: ['VAPID_PRIVATE_KEY'],
  })
  .refine((e) => (e.ADMIN_EMAIL === undefined) === (e.ADMIN_PASSWORD === undefined), {
    message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
    path: ['ADMIN_PASSWORD'],
  })
  // Joined nodes must share one store; the embedded one belongs to a single node and its DATA_DIR.
  .refine((e) => e.REDIS_URL === undefined || e.MONGODB_URI !== undefined, {
    message: 'nodes joined through REDIS_URL must share one store: set MONGODB_URI too (the embedded store serves one node only)',
    path: ['MONGODB_URI'],
  });

export interface Config {
  port: number;
  host: string | undefined;
  /** Set after listening when PORT is 0 and PUBLIC_URL is unset. */
  publicUrl: string | undefined;
  mongodbUri: string | undefined;
  /** Several nodes through the Socket.IO Redis adapter (realtime/redis-adapter.ts); undefined: one node. */
  redisUrl: string | undefined;
  jwtSecret: string | undefined;
  admin: { email: string; password: string } | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  ferretdbBin: string;
  agentSessionHours: number;
  /** Built browser apps (widget, agent UI). */
  webDir: string;
  mail: { smtpUrl: string | undefined; from: string };
  ticketLimits: { perIpPerHour: number; perEmailPerHour: number };
  /** The categories of a site that has not set its own. */
  defaultCategories: { id: string; label: string }[];
  alerts: {
    coalesceMs: number;
    /** Configured keys; unset ones are generated and kept with the other secrets. */
    vapid: { publicKey: string; privateKey: string } | undefined;
    vapidSubject: string;
    allowHttpPushEndpoints: boolean;
  };
  outbox: { maxAttempts: number; retryBaseMs: number; leaseMs: number; pollMs: number };
  presence: { heartbeatMs: number; awayAfterMs: number };
  visitorLimits: { feedbackPerHour: number; officialChecksPerMinute: number };
  /** Express's 'trust proxy' value; the same rule finds a socket's address (http/client-ip.ts). */
  trustProxy: TrustProxy;
  /** Abuse limits (README "Limits"); each answers RATE_LIMITED, or PAYLOAD_TOO_LARGE / a closed socket for sizes. */
  limits: {
    maxPayloadBytes: number;
    socketEvents: { perSecond: number; burst: number };
    conversationsPerIpPerHour: number;
    loginAttemptsPer15Min: number;
    guest: { linkChecksPerIp: number; codesPerIp: number; codesPerTicket: number; codeChecksPerIp: number };
  };
}

/** false: trust nobody; a number: that many hops; a list: the addresses, CIDRs or proxy-addr names trusted. */
export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : undefined,
    dataDir: resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    ferretdbBin: resolve(PROJECT_ROOT, e.FERRETDB_BIN ?? '.tools/ferretdb'),
    agentSessionHours: e.AGENT_SESSION_HOURS,
    webDir: resolve(PROJECT_ROOT, 'dist'),
    ticketLimits: { perIpPerHour: e.TICKETS_PER_IP_PER_HOUR, perEmailPerHour: e.TICKETS_PER_EMAIL_PER_HOUR },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? DEFAULT_MAIL_FROM },
    defaultCategories: e.TICKET_CATEGORIES ? parseCategories(e.TICKET_CATEGORIES) : DEFAULT_CATEGORIES.map((c) => ({ ...c })),
    alerts: {
      coalesceMs: Math.round(e.ALERT_COALESCE_SECONDS * 1000),
      vapid: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : undefined,
      vapidSubject: e.VAPID_SUBJECT ?? `mailto:${addressOf(e.MAIL_FROM ?? DEFAULT_MAIL_FROM)}`,
      allowHttpPushEndpoints: e.PUSH_ALLOW_HTTP_ENDPOINTS === 'true',
    },
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: Math.round(e.OUTBOX_RETRY_BASE_SECONDS * 1000),
      leaseMs: Math.round(e.OUTBOX_LEASE_SECONDS * 1000),
      pollMs: e.OUTBOX_POLL_MS,
    },
    presence: { heartbeatMs: Math.round(e.AGENT_HEARTBEAT_SECONDS * 1000), awayAfterMs: Math.round(e.AGENT_AWAY_AFTER_MINUTES * 60_000) },
    visitorLimits: { feedbackPerHour: e.FEEDBACK_PER_HOUR, officialChecksPerMinute: e.OFFICIAL_CHECKS_PER_MINUTE },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    limits: {
      maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
      socketEvents: { perSecond: e.SOCKET_EVENTS_PER_SECOND, burst: e.SOCKET_EVENTS_BURST },
      conversationsPerIpPerHour: e.CONVERSATIONS_PER_IP_PER_HOUR,
      loginAttemptsPer15Min: e.LOGIN_ATTEMPTS_PER_15_MIN,
      guest: {
        linkChecksPerIp: e.GUEST_LINK_CHECKS_PER_IP_PER_15_MIN,
        codesPerIp: e.GUEST_CODES_PER_IP_PER_15_MIN,
        codesPerTicket: e.GUEST_CODES_PER_TICKET_PER_HOUR,
        codeChecksPerIp: e.GUEST_CODE_CHECKS_PER_IP_PER_15_MIN,
      },
    },
  };
}

const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const IP_OR_CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*)(\/\d{1,3})?$/i;

/** "false", a hop count, or a list; "true" (believe anyone's X-Forwarded-For) is refused: it would let any client pick its own address. */
function parseTrustProxy(value: string): TrustProxy {
  if (value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  const bad = list.filter((v) => !TRUST_NAMES.has(v) && !IP_OR_CIDR.test(v));
  if (bad.length > 0 || list.length === 0) {
    throw new ConfigError([`TRUST_PROXY: must be false, a hop count, or addresses/CIDRs/loopback/linklocal/uniquelocal (not ${bad.join(', ') || value})`]);
  }
  return list;
}

const DEFAULT_MAIL_FROM = 'Support <support@localhost>';

/** "Support <help@example.com>" -> "help@example.com" */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();
}

/** "account:Account, Billing" -> [{id: 'account', label: 'Account'}, {id: 'billing', label: 'Billing'}] */
function parseCategories(list: string): { id: string; label: string }[] {
  const out = list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [a, b] = item.includes(':') ? [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1)] : [undefined, item];
      const label = b!.trim();
      const id = (a ?? label).trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 64);
      return { id, label };
    })
    .filter((c) => c.id && c.label);
  if (out.length === 0) throw new ConfigError(['TICKET_CATEGORIES: must name at least one category']);
  return out;
}
