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

export interface RedisLink {
  /** Both connections (publish and subscribe) are up. */
  ready(): boolean;
  close(): Promise<void>;
}

export async function attachRedisAdapter(io: Server, url: string, log: Logger): Promise<RedisLink> {
  const pub = createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  const sub = pub.duplicate();
  let down = false;
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
    async close() {
      // The socket.io server is closed first; quit() waits for replies still owed.
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
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
