/**
 * Catching clients up after Redis was away. Broadcasts between nodes are lost while it is down
 * (redis-adapter.ts), and a client whose socket stayed up has no reconnect to make it sync: the
 * last messages of the outage would stay unseen until someone writes again. So when a node's link
 * is back, it shows its own clients the current state of every conversation they have open, and
 * asks the other nodes to do the same (a node that came back earlier missed what this one wrote
 * until now). `conversation:updated` carries lastSeq; a stream that is behind syncs
 * (ConversationStream.updateConversation), one that is not does nothing.
 */
import { Types } from 'mongoose';
import type { Logger } from '../logger.js';
import { toConversationDTO, type ConversationModel } from '../modules/conversations/conversation.model.js';
import type { Cluster } from './cluster.js';
import type { AgentNamespace, VisitorNamespace } from './io.js';
import type { RedisLink } from './redis-adapter.js';
import { rooms } from './rooms.js';

/** Conversations loaded at once: each is an `_id` look-up, the one query FerretDB always pushes down. */
const LOAD_CONCURRENCY = 20;
/** Hints from several nodes coming back together make one pass, this long after the first. */
const COALESCE_MS = 250;

export interface ResyncDeps {
  redis: RedisLink;
  cluster: Cluster;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  conversations: ConversationModel;
  log: Logger;
}

export function resyncAfterRedisOutages(deps: ResyncDeps): void {
  const { log } = deps;
  let scheduled: NodeJS.Timeout | undefined;
  const soon = () => {
    scheduled ??= setTimeout(() => {
      scheduled = undefined;
      showOpenConversations(deps).catch((err: unknown) => {
        // The store may be away too; clients still catch up with the next message or reconnect.
        log.warn({ err }, 'could not show clients the conversations they missed while Redis was away');
      });
    }, COALESCE_MS);
  };
  deps.redis.onBack(() => {
    deps.cluster.tell('redis:back');
    soon();
  });
  deps.cluster.on('redis:back', soon);
}

/** Pushes the current state of every conversation open on this node's sockets to those sockets. */
async function showOpenConversations({ visitors, agents, conversations, log }: ResyncDeps): Promise<void> {
  const prefix = rooms.conversation('');
  const ids = new Set<string>();
  for (const nsp of [visitors, agents]) {
    // This node's rooms only: the adapter keeps the local ones.
    for (const room of nsp.adapter.rooms.keys()) {
      const id = room.startsWith(prefix) ? room.slice(prefix.length) : '';
      if (Types.ObjectId.isValid(id)) ids.add(id);
    }
  }
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      const conv = await conversations.findById(id).lean();
      if (!conv) continue;
      visitors.local.to(rooms.conversation(id)).emit('conversation:updated', toConversationDTO(conv, 'customer'));
      agents.local.to(rooms.conversation(id)).emit('conversation:updated', toConversationDTO(conv));
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, queue.length) }, worker));
  log.info({ conversations: ids.size }, 'showed clients the conversations they may have missed while Redis was away');
}
