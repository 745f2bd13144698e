/** Data shapes that cross the wire. Dates are ISO strings. */
import type { Locale } from './schemas/common.js';

export type { Locale };
export type ConversationStatus = 'queued' | 'active' | 'ended';
export type AgentRole = 'agent' | 'admin';

export interface AgentDTO {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
}

export interface ConversationDTO {
  id: string;
  status: ConversationStatus;
  visitor: { id: string; name: string | null; email: string | null };
  agent: { id: string; name: string } | null;
  locale: Locale;
  pageUrl: string | null;
  /** The highest sequence number in the stream. */
  lastSeq: number;
  lastMessageAt: string | null;
  /** The start of the last customer or agent message, for lists. */
  preview: string | null;
  createdAt: string;
  queuedAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
}

/**
 * What a system message records; clients render it in their own language.
 * `chat.started`, `agent.joined` {agentName}, `chat.ended` {by: 'visitor' | 'agent'}.
 */
export type SystemEvent =
  | { kind: 'chat.started' }
  | { kind: 'agent.joined'; agentName: string }
  | { kind: 'chat.ended'; by: 'visitor' | 'agent' };

export interface MessageDTO {
  id: string;
  conversationId: string;
  /** Server-assigned, gapless, starting at 1 in each conversation. */
  seq: number;
  clientId: string;
  author: { type: 'visitor' | 'agent' | 'system'; id: string | null; name: string | null };
  body: string;
  system: SystemEvent | null;
  createdAt: string;
}

export interface SyncResult {
  conversation: ConversationDTO;
  /** Messages with seq > afterSeq, in order, at most one page. */
  messages: MessageDTO[];
  /** True when more messages follow this page: ask again from the last seq. */
  hasMore: boolean;
}

export interface TypingDTO {
  conversationId: string;
  author: { type: 'visitor' | 'agent'; name: string | null };
  typing: boolean;
}

export interface QueueSnapshot {
  /** Waiting chats, oldest first. */
  queued: ConversationDTO[];
  /** Active chats of the asking agent. */
  mine: ConversationDTO[];
}

export interface LoginResult {
  token: string;
  agent: AgentDTO;
}
