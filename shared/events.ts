/**
 * The whole Socket.IO contract, imported by server, widget and agent UI.
 *
 * Namespaces: `/visitor` (auth: `{ visitorToken, siteKey? }`) and `/agent` (auth: `{ token }`, a JWT
 * from POST /api/auth/login). Commands are `noun:verb`; broadcasts are past tense (`message:created`).
 * Every command takes one payload object and one ack callback that receives an `Ack`.
 */
import type { ErrorBody } from './errors.js';
import type {
  ConversationRef,
  Empty,
  SendMessageInput,
  StartConversationInput,
  SyncInput,
  TypingInput,
} from './schemas/conversations.js';
import type { ConversationDTO, MessageDTO, QueueSnapshot, SyncResult, TypingDTO } from './types.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
type Command<P, R> = (payload: P, ack: (result: Ack<R>) => void) => void;

export const NAMESPACES = { visitor: '/visitor', agent: '/agent' } as const;

export interface VisitorAuth {
  /** Random bearer token the widget creates once and keeps (43+ base64url characters). */
  visitorToken: string;
  siteKey?: string;
}

export interface AgentAuth {
  token: string;
}

export interface VisitorClientToServer {
  /** Starts a chat, or returns the visitor's chat that is still queued or active. */
  'conversation:start': Command<StartConversationInput, SyncResult>;
  /** The visitor's open chat, or else the latest one; null when there is none. */
  'conversation:current': Command<Empty, ConversationDTO | null>;
  /** Joins the conversation's live updates and returns what came after `afterSeq`. */
  'conversation:sync': Command<SyncInput, SyncResult>;
  'conversation:end': Command<ConversationRef, ConversationDTO>;
  /** Acked only once the message is durable; a resend with the same clientId returns the original. */
  'message:send': Command<SendMessageInput, MessageDTO>;
  'typing:set': Command<TypingInput, null>;
}

export interface VisitorServerToClient {
  'message:created': (message: MessageDTO) => void;
  'conversation:updated': (conversation: ConversationDTO) => void;
  'typing:changed': (typing: TypingDTO) => void;
}

export interface AgentClientToServer {
  /** Joins the live queue and returns the waiting chats and the agent's own. */
  'queue:list': Command<Empty, QueueSnapshot>;
  /** Takes a queued chat; exactly one of several agents racing for it wins, the rest get CONFLICT. */
  'conversation:accept': Command<ConversationRef, ConversationDTO>;
  'conversation:sync': Command<SyncInput, SyncResult>;
  'conversation:end': Command<ConversationRef, ConversationDTO>;
  'message:send': Command<SendMessageInput, MessageDTO>;
  'typing:set': Command<TypingInput, null>;
}

export interface AgentServerToClient {
  'message:created': (message: MessageDTO) => void;
  /** Any change to a conversation the agent can see: new in queue, accepted, ended, new message. */
  'conversation:updated': (conversation: ConversationDTO) => void;
  'typing:changed': (typing: TypingDTO) => void;
}
