/**
 * Several nodes, one conversation: with REDIS_URL every node joins the Socket.IO Redis adapter, so
 * a broadcast to a room reaches its sockets on every node and fetchSockets() sees them all (presence
 * at alert time, collision warnings). The store stays the source of truth.
 *
 * Why the classic pub/sub adapter and not the streams adapter: the streams adapter's gain is
 * connection state recovery across nodes, and our clients do not depend on it. Every client asks
 * for what came after its last seq on each connect (DESIGN.md, delivery guarantees), which covers a
 * node change, a restart and a Redis outage alike; pub/sub keeps nothing in Redis and costs no
 * stream trimming.
 *
 * Redis going away does not stop a node: its own clients are still served, broadcasts to other
 * nodes are lost meanwhile (clients resync on their next connect or sync), the client reconnects
 * with backoff, and /readyz says `redis: "disconnected"` until it is back.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import type { Logger } from '../logger.js';

/** How long a starting node waits for Redis before it gives up with a clear error. */
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_RECONNECT_DELAY_MS = 5_000;
/** How long a stopping node waits for Redis to answer what it still owes. */
const CLOSE_TIMEOUT_MS = 2_000;

export interface RedisLink {
  /** Both connections (publish and subscribe) are up. */
  ready(): boolean;
  /** Calls `listener` each time both connections are back after Redis was away. */
  onBack(listener: () => void): void;
  close(): Promise<void>;
}

export async function attachRedisAdapter(io: Server, url: string, log: Logger): Promise<RedisLink> {
  const pub = createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
    // While Redis is away a broadcast to the other nodes fails at once instead of waiting in memory:
    // the queue would grow without bound and replay stale events on return. Clients resync anyway.
    disableOfflineQueue: true,
  });
  // The subscriber keeps the default: its subscriptions are renewed when Redis returns.
  const sub = pub.duplicate({ disableOfflineQueue: false });
  for (const client of [pub, sub]) failuresHandled(client);
  let down = false;
  const backListeners: Array<() => void> = [];
  for (const [name, client] of [
    ['publish', pub],
    ['subscribe', sub],
  ] as const) {
    // Without an 'error' listener a lost connection would throw out of the event loop.
    client.on('error', (err: unknown) => {
      if (!down) log.warn({ err, connection: name }, 'redis connection lost; reconnecting');
      down = true;
    });
    client.on('ready', () => {
      if (down && pub.isReady && sub.isReady) {
        down = false;
        log.info('redis connection back; cross-node delivery resumes');
        for (const listener of backListeners) listener();
      }
    });
  }

  const connected = Promise.all([pub.connect(), sub.connect()]);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${redact(url)} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([connected, timeout]);
  } catch (err) {
    pub.destroy();
    sub.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  io.adapter(createAdapter(pub, sub));
  log.info({ redis: redact(url) }, 'joined other nodes through the Redis adapter');
  return {
    ready: () => pub.isReady && sub.isReady,
    onBack: (listener) => void backListeners.push(listener),
    async close() {
      // The socket.io server is closed first. Replies still owed are awaited briefly: with Redis
      // away they never come, and a stopping node must not wait for Redis to return.
      await Promise.allSettled(
        [pub, sub].map(async (client) => {
          let timer: NodeJS.Timeout | undefined;
          if (client.isReady) await Promise.race([client.close(), new Promise((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS)))]);
          clearTimeout(timer);
          client.destroy();
        }),
      );
    },
  };
}

/**
 * The adapter sends some commands without awaiting them (every broadcast's PUBLISH, its
 * (un)subscriptions). When Redis goes away they reject, and an unhandled rejection would stop the
 * whole node. Their failure is already reported by the 'error' listener, so they are marked handled
 * here; a caller that awaits one still gets its rejection.
 */
function failuresHandled(client: object): void {
  const methods = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['publish', 'sPublish', 'pSubscribe', 'subscribe', 'pUnsubscribe', 'unsubscribe', 'sendCommand']) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = (...args: unknown[]) => {
      const result = original.apply(client, args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
  }
}

/** The URL without its password, for logs and errors. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://…';
  }
}
