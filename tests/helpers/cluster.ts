/**
 * Several server processes of one deployment on loopback, as an operator runs them: one store, one
 * Redis, shared secrets (JWT_SECRET and one DATA_DIR), each node SIGKILL- and SIGTERM-able.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { AuthService } from '../../server/modules/auth/auth.service.js';
import { createModels } from '../../server/store/models.js';
import { ADMIN } from './server.js';
import { killAllServerProcesses, runServerProcess, type ServerProcess } from './server-process.js';
import { afterAll, afterEach } from 'vitest';
import type { Balancer } from './balancer.js';
import { killAllRedis, startTestRedis, type TestRedis } from './redis.js';
import { startTestStore, type TestStore } from './store.js';

export const CLUSTER_JWT_SECRET = 'fault-tests-secret-fault-tests-secret-0123456789';

export interface Node {
  name: string;
  url: string;
  proc: ServerProcess;
}

export interface ClusterOptions {
  storeUri: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

/** The environment of every node: limits raised so that a test's steady traffic from one address is not throttled. */
export function nodeEnv(opts: ClusterOptions, dataDir: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: opts.storeUri,
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    DATA_DIR: dataDir,
    JWT_SECRET: CLUSTER_JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info',
    SOCKET_EVENTS_PER_SECOND: '1000',
    SOCKET_EVENTS_BURST: '2000',
    CONVERSATIONS_PER_IP_PER_HOUR: '100000',
    TICKETS_PER_IP_PER_HOUR: '100000',
    LOGIN_ATTEMPTS_PER_15_MIN: '100000',
    ...opts.env,
  };
}

export interface Cluster {
  nodes: Node[];
  node(name: string): Node;
  /** Starts another node (after a crash, say). */
  add(name: string): Promise<Node>;
  stop(): Promise<void>;
}

export async function startCluster(names: string[], opts: ClusterOptions): Promise<Cluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-cluster-'));
  const env = nodeEnv(opts, dataDir);
  const nodes: Node[] = [];
  const add = async (name: string): Promise<Node> => {
    const proc = runServerProcess(env);
    const url = (await proc.waitFor('listening')).url as string;
    const node = { name, url, proc };
    nodes.push(node);
    return node;
  };
  // One first, so that the others find the admin and the indexes in place.
  await add(names[0]!);
  await Promise.all(names.slice(1).map(add));
  return {
    nodes,
    node: (name) => {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    add,
    async stop() {
      for (const n of nodes) if (n.proc.child.exitCode === null && n.proc.child.signalCode === null) n.proc.child.kill('SIGKILL');
      await Promise.all(nodes.map((n) => n.proc.exited));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Agents with passwords, straight into the shared store (as an admin's invitations would end). */
export async function createAgents(storeUri: string, count: number, maxChats: number): Promise<Array<{ email: string; password: string }>> {
  const conn = await mongoose.createConnection(storeUri, { autoIndex: false }).asPromise();
  try {
    const models = await createModels(conn);
    const auth = new AuthService(models.Agent, CLUSTER_JWT_SECRET, 12, pino({ level: 'silent' }));
    const out: Array<{ email: string; password: string }> = [];
    for (let i = 0; i < count; i++) {
      const creds = { email: `agent${i}.${Date.now().toString(36)}@example.test`, password: `pw-agent-${i}-long-enough` };
      await auth.createAgent({ ...creds, name: `Agent ${i}`, role: 'agent' });
      out.push(creds);
    }
    await models.Agent.updateMany({}, { $set: { maxChats } });
    return out;
  } finally {
    await conn.close();
  }
}

/**
 * What every fault test sets up: a store, a Redis and the nodes, plus what the test opens
 * (balancers, clients) — all torn down after each test, and every process killed after the file.
 */
export function useFaultRig() {
  let running: { store: TestStore; redis: TestRedis; cluster: Cluster } | undefined;
  const rig = {
    balancers: [] as Balancer[],
    closers: [] as Array<() => void>,
    async start(names: string[]): Promise<{ store: TestStore; redis: TestRedis; cluster: Cluster }> {
      const [store, redis] = await Promise.all([startTestStore(), startTestRedis()]);
      running = { store, redis, cluster: await startCluster(names, { storeUri: store.uri, redisUrl: redis.url }) };
      return running;
    },
  };
  afterEach(async () => {
    for (const close of rig.closers.splice(0)) close();
    for (const b of rig.balancers.splice(0)) await b.close();
    const r = running;
    running = undefined;
    await r?.cluster.stop();
    await r?.redis.stop();
    await r?.store.stop();
  });
  afterAll(() => {
    killAllServerProcesses();
    killAllRedis();
  });
  return rig;
}
