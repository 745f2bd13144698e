/**
 * Hints between the nodes of one deployment, sent with Socket.IO's `serverSideEmit` over the Redis
 * adapter. A hint only says "look again now": the facts are in the store, so a hint lost while
 * Redis was away costs promptness, never correctness (the sites cache expires within seconds and
 * every node's presence sweep runs each heartbeat).
 *
 * Why hints rather than a shorter cache: an admin's change and an agent's availability must reach
 * every node's visitors at once (a `site:config` push), and a cache short enough for that would
 * read the store on every visitor connect.
 */
import type { Server } from 'socket.io';
import type { Logger } from '../logger.js';

/** What one node tells the others. */
export interface NodeHints {
  /** An admin changed this site: drop it from caches, push its config, route its queue. */
  'site:changed': (siteKey: string) => void;
  /** An agent's status changed here: recompute availability for this node's visitors. */
  'presence:changed': () => void;
  /** This node's Redis link is back: pushes from it were lost meanwhile (realtime/resync.ts). */
  'redis:back': () => void;
}

export interface Cluster {
  /** Other nodes may exist (the Redis adapter is attached): this node does not see all that happens. */
  readonly joined: boolean;
  /** Tells every other node (never this one); does nothing on a single node. */
  tell<E extends keyof NodeHints>(event: E, ...args: Parameters<NodeHints[E]>): void;
  /** Hears what other nodes tell. */
  on<E extends keyof NodeHints>(event: E, listener: NodeHints[E]): void;
}

const SITE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks what arrives: another node is trusted, but a hint from a different version must not throw. */
const valid: { [E in keyof NodeHints]: (args: unknown[]) => boolean } = {
  'site:changed': (args) => typeof args[0] === 'string' && SITE_KEY.test(args[0]),
  'presence:changed': () => true,
  'redis:back': () => true,
};

/** `joined`: the Redis adapter is attached (the in-memory adapter has no serverSideEmit). */
export function createCluster(io: Server, joined: boolean, log: Logger): Cluster {
  // Hints travel on the main namespace, which no client uses; its events are untyped.
  const hub = io as unknown as { serverSideEmit(event: string, ...args: unknown[]): boolean; on(event: string, listener: (...args: unknown[]) => void): void };
  return {
    joined,
    tell(event, ...args) {
      if (joined) hub.serverSideEmit(event, ...args);
    },
    on(event, listener) {
      hub.on(event, (...args: unknown[]) => {
        if (!valid[event](args)) {
          log.warn({ event }, 'ignored a malformed hint from another node');
          return;
        }
        try {
          (listener as (...a: unknown[]) => void)(...args);
        } catch (err) {
          log.warn({ err, event }, 'a hint from another node could not be handled');
        }
      });
    },
  };
}
