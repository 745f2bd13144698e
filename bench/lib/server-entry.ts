/**
 * The real server as the bench runs it: `startServer` from server/server.ts, exactly what
 * server/main.ts starts, in a process of its own. Beside it an IPC side channel the bench uses
 * for readings (memory after a full GC, open connections) and for setup that has no public API
 * (agents with a known capacity, inserted straight into the store).
 */
import { hash } from '@node-rs/argon2';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { startServer } from '../../server/server.js';
import { readingHandlers } from './readings.js';
import { serveRpc } from './rpc.js';

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const server = await startServer(config, log);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  // A store that went away first can keep a graceful stop waiting; the bench does not wait for ever.
  setTimeout(() => process.exit(code), 15_000).unref();
  await server.stop().catch((err: unknown) => log.error({ err }, 'bench server: stop failed'));
  process.exit(code);
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
// The bench went away: so do we.
process.on('disconnect', () => void stop(0));

let agentHash: Promise<string> | undefined;

// What the server asks of the store, by collection, operation and filter fields: where a part's
// store time goes (FerretDB answers most filters by reading every document; STORE.md, "Speed").
let ops: Map<string, number> | undefined;
server.models.Agent.db.set('debug', (collection: string, method: string, ...args: unknown[]) => {
  if (!ops) return;
  const filter = !method.startsWith('insert') && args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) ? Object.keys(args[0]).sort().join(',') : '';
  const key = `${collection}.${method}(${filter})`;
  ops.set(key, (ops.get(key) ?? 0) + 1);
});

serveRpc({
  /** Starts counting store operations; `ops.read` returns the counts since, most frequent first. */
  'ops.start': () => {
    ops = new Map();
  },
  'ops.read': () => {
    const counts = [...(ops ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1]);
    ops = undefined;
    return counts;
  },
  ...readingHandlers(),
  connections: () => new Promise<number>((resolve, reject) => server.http.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
  /** `count` agents who can each hold `maxChats` live chats; returns their session tokens. */
  agents: async ({ count, maxChats, prefix }: { count: number; maxChats: number; prefix: string }) => {
    agentHash ??= hash('bench-agent-password');
    const passwordHash = await agentHash;
    const docs = await server.models.Agent.insertMany(
      Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@bench.test`, name: `Agent ${prefix} ${i}`, role: 'agent', passwordHash, maxChats })),
    );
    return docs.map((d) => ({ id: d._id.toHexString(), token: server.auth.issueSession(d).token }));
  },
});

process.send?.({ event: 'ready', url: server.url, port: server.port, pid: process.pid });
