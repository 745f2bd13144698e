/** Data shapes that cross the wire. Dates are ISO strings. */
import type { Locale } from './schemas/common.js';
import type { RatingDTO, WidgetSettings } from './workspace.js';
import type { ReadReceiptsDTO } from './visitor-features.js';
import type { TicketPriority, TicketStatus } from './tickets.js';

export type { Locale, TicketPriority, TicketStatus };
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
  /** `fields`: the answers to the site's own pre-chat questions, by key (WidgetSettings.prechat). */
  visitor: { id: string; name: string | null; email: string | null; fields: Record<string, string> };
  agent: { id: string; name: string } | null;
  /** The visitor's language when the chat started: routing prefers agents who speak it; mails use it. */
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
  /** The last message or ticket change; lists sort by it, newest first. */
  lastActivityAt: string;
  /** The team the chat was transferred to (its agents see it in their queue). */
  teamId: string | null;
  /** Agents' labels; customers get none. */
  labels: string[];
  /** The visitor's rating of the chat. */
  rating: RatingDTO | null;
  /** Set once the conversation became a ticket; the stream stays the same. */
  ticket: TicketDTO | null;
}

export interface TicketDTO {
  /** Human ticket number, e.g. 10042; unique per server. */
  number: number;
  status: TicketStatus;
  priority: TicketPriority;
  /** A category id from the site's list (see shared/tickets.ts). */
  category: string;
  subject: string;
  /** Who the ticket is for; `userId` is the host site's id for a logged-in user. */
  requester: { email: string | null; name: string | null; userId: string | null };
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  /** A closed ticket's follow-up points back at it. */
  followUpOf: { conversationId: string; number: number } | null;
  /** Changes of status, priority, category, assignee and subject, oldest first. Empty for customers. */
  history: TicketChange[];
}

export interface TicketChange {
  at: string;
  by: { type: 'visitor' | 'agent' | 'system'; id: string | null; name: string | null };
  field: 'status' | 'priority' | 'category' | 'assignee' | 'subject';
  /** The values before and after; for `assignee`, the agents' names (null: unassigned). */
  from: string | null;
  to: string | null;
}

export interface CategoryDTO {
  id: string;
  label: string;
}

/** What the widget needs before it shows a form. */
export interface SiteConfigDTO {
  categories: CategoryDTO[];
  /** False when no agent is signed in: the widget offers the ticket form instead of a live chat. */
  agentsOnline: boolean;
  /**
   * Whether live chat is offered now: some agent online (not away) and within the site's business
   * hours. False: the widget shows the offline form. Pushed again as `site:config` when it changes.
   */
  available: boolean;
  /** Why not: nobody online, or outside business hours. */
  unavailableReason: 'no-agents' | 'closed' | null;
  /** The site's look and texts; null: built-in. */
  widget: WidgetSettings | null;
}

export interface AttachmentDTO {
  id: string;
  /** The file's name as uploaded, cleaned of paths and control characters. Display only. */
  name: string;
  size: number;
  /** Decided from the content: one of ATTACHMENT_TYPES. */
  type: string;
  /** Images: preview inline. Others: download. */
  inline: boolean;
}

/** An internal note: agents only, never sent to a customer. */
export interface NoteDTO {
  id: string;
  conversationId: string;
  clientId: string;
  author: { id: string; name: string };
  body: string;
  createdAt: string;
}

/** A session for customers' REST calls (uploads, attachments) and the customer page's socket. */
export interface CustomerSessionDTO {
  /** Send as `Authorization: Bearer <token>` or as `session` in the /visitor handshake. */
  token: string;
  expiresAt: string;
  kind: 'visitor' | 'user' | 'guest';
  user: { id: string; email: string | null; name: string | null } | null;
  /** Guests: the one ticket this session opens. */
  conversationId: string | null;
  /**
   * Widget only: what became of the host's signed user token. `refused` means the visitor is
   * treated as anonymous; `identityError` says why, for the host developer's console.
   */
  identity: 'absent' | 'accepted' | 'refused';
  identityError?: string;
}

export interface TicketListResult {
  tickets: ConversationDTO[];
  /** Pass as `before` for the next page; null at the end. */
  nextCursor: string | null;
}
/**
 * What a system message records; clients render it in their own language.
 */
export type SystemEvent =
  | { kind: 'chat.started' }
  | { kind: 'agent.joined'; agentName: string }
  /** The chat went back to the queue, for the agents of a team (a transfer to one agent shows as `agent.joined`). */
  | { kind: 'chat.transferred'; teamName: string }
  /** `agentId`/`agentName`: who ended it when `by` is 'agent' (absent in lines stored before they were recorded). */
  | { kind: 'chat.ended'; by: 'visitor' | 'agent'; agentId?: string; agentName?: string }
  /** `via`: the offline form, "leave a message" from the queue, an agent, or a chat that ended unresolved. */
  | { kind: 'ticket.created'; number: number; via: 'form' | 'queue' | 'agent' | 'chat-end' }
  /** Status changes customers see: solved, closed, reopened ('open' by the customer's reply). */
  | { kind: 'ticket.status'; status: TicketStatus; by: 'visitor' | 'agent' }
  /** First line of a follow-up ticket, naming the closed ticket it continues. */
  | { kind: 'ticket.follow-up'; of: number };

export interface MessageDTO {
  id: string;
  conversationId: string;
  /** Server-assigned, gapless, starting at 1 in each conversation. */
  seq: number;
  clientId: string;
  author: { type: 'visitor' | 'agent' | 'system'; id: string | null; name: string | null };
  body: string;
  system: SystemEvent | null;
  attachments: AttachmentDTO[];
  createdAt: string;
}

export interface SyncResult {
  conversation: ConversationDTO;
  /** Messages with seq > afterSeq, in order, at most one page. */
  messages: MessageDTO[];
  /** True when more messages follow this page: ask again from the last seq. */
  hasMore: boolean;
  /** How far the visitor and the agents have read (read receipts). */
  receipts: ReadReceiptsDTO;
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
