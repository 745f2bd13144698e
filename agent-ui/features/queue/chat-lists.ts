/** The two lists of the workspace's left column, and how a conversation update moves a chat between them. */
import type { ConversationDTO, QueueSnapshot } from '../../../shared/types.js';

export interface ChatLists {
  /** Waiting chats, oldest first. */
  queued: ConversationDTO[];
  /** Active chats assigned to the signed-in agent, in the order they were accepted. */
  mine: ConversationDTO[];
}

export const EMPTY_LISTS: ChatLists = { queued: [], mine: [] };

function time(iso: string | null): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

const byQueuedAt = (a: ConversationDTO, b: ConversationDTO) => time(a.queuedAt) - time(b.queuedAt);
const byAcceptedAt = (a: ConversationDTO, b: ConversationDTO) =>
  time(a.acceptedAt ?? a.queuedAt) - time(b.acceptedAt ?? b.queuedAt);

export function fromSnapshot(snapshot: QueueSnapshot): ChatLists {
  return { queued: [...snapshot.queued].sort(byQueuedAt), mine: [...snapshot.mine].sort(byAcceptedAt) };
}

/** Where an update puts a chat: queued in the queue, active and mine in "My chats", anything else nowhere. */
export function applyUpdate(lists: ChatLists, conversation: ConversationDTO, myId: string): ChatLists {
  const queued = lists.queued.filter((c) => c.id !== conversation.id);
  const mine = lists.mine.filter((c) => c.id !== conversation.id);
  if (conversation.status === 'queued') {
    queued.push(conversation);
    queued.sort(byQueuedAt);
  } else if (conversation.status === 'active' && conversation.agent?.id === myId) {
    mine.push(conversation);
    mine.sort(byAcceptedAt);
  }
  return { queued, mine };
}

export function removeChat(lists: ChatLists, conversationId: string): ChatLists {
  return {
    queued: lists.queued.filter((c) => c.id !== conversationId),
    mine: lists.mine.filter((c) => c.id !== conversationId),
  };
}

export function findChat(lists: ChatLists, conversationId: string): ConversationDTO | undefined {
  return lists.queued.find((c) => c.id === conversationId) ?? lists.mine.find((c) => c.id === conversationId);
}
