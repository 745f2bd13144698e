/**
 * The whole Socket.IO contract, imported by server, widget and agent UI.
 *
 * Namespaces: `/visitor` and `/agent`. The visitor handshake's `auth` is either the widget's
 * `{ visitorToken, siteKey?, userToken? }` or the customer page's `{ session }` (a CustomerSessionDTO
 * token); the agent handshake's is `{ token }`, a JWT from POST /api/auth/login.
 * Commands are `noun:verb`; broadcasts are past tense (`message:created`).
 * Every command takes one payload object and one ack callback that receives an `Ack`.
 */
import type { ErrorBody } from './errors.js';
import type {
  AgentEndInput,
  ConversationRef,
  Empty,
  SendMessageInput,
  StartConversationInput,
  SyncInput,
  TypingInput,
} from './schemas/conversations.js';
import type {
  AddNoteInput,
  AgentTicketListInput,
  ConvertToTicketInput,
  CreateTicketInput,
  CustomerTicketListInput,
  LeaveMessageInput,
  UpdateTicketInput,
} from './schemas/tickets.js';
import type { AlertSettingsInput, PushSubscribeInput, PushUnsubscribeInput } from './schemas/alerts.js';
import type { AlertSettingsDTO } from './alerts.js';
import type { RateInput, TranscriptInput } from './schemas/ratings.js';
import type { AgentRatingDTO, TranscriptSentDTO } from './workspace.js';
import type { CannedRef, LabelsInput, ReadInput, ReadsListInput, SaveCannedInput, SearchInput } from './schemas/canned.js';
import type { CannedReplyDTO, ReadMarkerDTO } from './workspace.js';
import type { ConversationViewInput } from './schemas/collision.js';
import type { ViewersDTO } from './workspace.js';
import type { FeedbackListInput, OfficialCheckInput, SendFeedbackInput, VisitorReadInput } from './schemas/visitor-features.js';
import type { FeedbackDTO, FeedbackListResult, OfficialCheckResult, ReadReceiptsDTO } from './visitor-features.js';
import type { PresenceSetInput, TransferInput } from './schemas/routing.js';
import type { PresenceDTO, QueuePositionDTO, TeamDTO } from './workspace.js';
import type {
  AgentDTO,
  ConversationDTO,
  CustomerSessionDTO,
  MessageDTO,
  NoteDTO,
  QueueSnapshot,
  SiteConfigDTO,
  SyncResult,
  TicketListResult,
  TypingDTO,
} from './types.js';

/**
 * Every command's answer. Any command may also answer RATE_LIMITED (details.retryAfterSeconds: 1)
 * when its socket sends more than SOCKET_EVENTS_PER_SECOND; the command did not run. A packet
 * over MAX_PAYLOAD_BYTES gets no answer: the server closes that connection.
 */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
type Command<P, R> = (payload: P, ack: (result: Ack<R>) => void) => void;

export const NAMESPACES = { visitor: '/visitor', agent: '/agent' } as const;

/** A command's payload and its ack's result, for typed clients: `PayloadOf<VisitorClientToServer, 'message:send'>`. */
export type PayloadOf<Events extends Record<keyof Events, (...args: never[]) => void>, E extends keyof Events> = Parameters<Events[E]>[0];
export type AckOf<Events extends Record<keyof Events, (...args: never[]) => void>, E extends keyof Events> = Parameters<Parameters<Events[E]>[1]>[0];

/** The widget's handshake. */
export interface VisitorAuth {
  /** Random bearer token the widget creates once and keeps (43+ base64url characters). */
  visitorToken: string;
  siteKey?: string;
  /** The host site's signed JWT for its logged-in user (HS256 with the site's identity secret; sub, email, name, exp). */
  userToken?: string;
}

/** The customer page's handshake: a session from POST /api/customer/session or /api/guest/verify. */
export interface CustomerPageAuth {
  session: string;
}

export interface AgentAuth {
  token: string;
}

/** Alert settings and push subscriptions: the same commands for logged-in customers and for agents. */
export interface AlertCommands {
  /** Alert settings of the signed-in user (logged-in customers, agents) and the VAPID key to subscribe with. */
  'alerts:get': Command<Empty, AlertSettingsDTO>;
  /** Turns email or push alerts on or off. */
  'alerts:set': Command<AlertSettingsInput, AlertSettingsDTO>;
  /** Stores this browser's push subscription for the signed-in user (again: the same endpoint is stored once). */
  'push:subscribe': Command<PushSubscribeInput, AlertSettingsDTO>;
  'push:unsubscribe': Command<PushUnsubscribeInput, AlertSettingsDTO>;
}

export interface VisitorClientToServer extends AlertCommands {
  /** A session token for REST calls (uploads, attachments), and what became of the user token. */
  'session:get': Command<Empty, CustomerSessionDTO>;
  /** The site's categories and whether any agent is online (no agent: offer the ticket form). */
  'site:config': Command<Empty, SiteConfigDTO>;
  /** Starts a chat, or returns the visitor's chat that is still queued or active. RATE_LIMITED past CONVERSATIONS_PER_IP_PER_HOUR new chats from one network. */
  'conversation:start': Command<StartConversationInput, SyncResult>;
  /** The visitor's open chat, or else the latest one; null when there is none. */
  'conversation:current': Command<Empty, ConversationDTO | null>;
  /** Joins the conversation's live updates and returns what came after `afterSeq`. */
  'conversation:sync': Command<SyncInput, SyncResult>;
  'conversation:end': Command<ConversationRef, ConversationDTO>;
  /** "Leave a message instead": the queued chat becomes an open ticket, keeping what was said. */
  'conversation:leave-message': Command<LeaveMessageInput, ConversationDTO>;
  /** Acked only once the message is durable; a resend with the same clientId returns the original. */
  'message:send': Command<SendMessageInput, MessageDTO>;
  'typing:set': Command<TypingInput, null>;
  /** The offline form, or a follow-up of a closed ticket: opens a ticket at once. Resends return the same ticket. */
  'ticket:create': Command<CreateTicketInput, SyncResult>;
  /** "My tickets", newest activity first: a logged-in user's across devices, else this visitor's (a guest: the one ticket). */
  'tickets:list': Command<CustomerTicketListInput, ConversationDTO[]>;
  /**
   * Rates a chat once an agent took it (or it ended): 1 terrible … 5 fantastic, optional comment.
   * Rating again replaces the rating; agents get `conversation:updated`.
   */
  'conversation:rate': Command<RateInput, ConversationDTO>;
  /**
   * Emails the conversation as the visitor sees it to the conversation's email, or to `email` when it
   * has none (which is then kept on it). In the conversation's language; RATE_LIMITED after 3 an hour.
   */
  'conversation:transcript': Command<TranscriptInput, TranscriptSentDTO>;
  /**
   * The visitor has seen their conversation up to `seq` (raised only; sent while the panel is open
   * and the page visible). The conversation's agents get `receipts:changed`.
   */
  'conversation:read': Command<VisitorReadInput, ReadReceiptsDTO>;
  /**
   * Product feedback (not about a chat): 1 terrible … 5 fantastic, a comment, screenshots uploaded
   * first. A resend with the same clientId returns the first; RATE_LIMITED past FEEDBACK_PER_HOUR.
   * Every agent gets `feedback:created`.
   */
  'feedback:send': Command<SendFeedbackInput, FeedbackDTO>;
  /** Is this address or account really the site's? Checked against the list admins keep. */
  'official:check': Command<OfficialCheckInput, OfficialCheckResult>;
}

export interface VisitorServerToClient {
  'message:created': (message: MessageDTO) => void;
  'conversation:updated': (conversation: ConversationDTO) => void;
  'typing:changed': (typing: TypingDTO) => void;
  /** To the visitor of a waiting chat, whenever its place in the queue or the estimated wait changes. */
  'queue:position': (position: QueuePositionDTO) => void;
  /** To a site's visitors whenever what the widget should offer changes (agents came or went, opening hours). */
  'site:config': (config: SiteConfigDTO) => void;
  /** An agent read further into the visitor's conversation (or the visitor did, in another tab). */
  'receipts:changed': (receipts: ReadReceiptsDTO) => void;
}

export interface AgentClientToServer extends AlertCommands {
  /** Joins the live queue and returns the waiting chats and the agent's own. */
  'queue:list': Command<Empty, QueueSnapshot>;
  /** Takes a queued chat; exactly one of several agents racing for it wins, the rest get CONFLICT. */
  'conversation:accept': Command<ConversationRef, ConversationDTO>;
  'conversation:sync': Command<SyncInput, SyncResult>;
  /**
   * Ends the live chat. Unless `resolved`, a chat whose visitor left an email (or is logged in)
   * becomes a pending ticket; a chat that is already a ticket keeps its ticket as it is.
   */
  'conversation:end': Command<AgentEndInput, ConversationDTO>;
  /** Chats: the assigned agent. Tickets: any agent, unless closed. */
  'message:send': Command<SendMessageInput, MessageDTO>;
  'typing:set': Command<TypingInput, null>;
  'site:config': Command<Empty, SiteConfigDTO>;
  /** Every agent, for the assignee picker. */
  'agents:list': Command<Empty, AgentDTO[]>;
  /** Filters and search; joins the live ticket list (changes arrive as `conversation:updated`). */
  'tickets:list': Command<AgentTicketListInput, TicketListResult>;
  /** Turns a chat into an open ticket assigned to the asking agent. */
  'ticket:convert': Command<ConvertToTicketInput, ConversationDTO>;
  /** Status, priority, category, assignee, subject: each change is recorded in the ticket's history. */
  'ticket:update': Command<UpdateTicketInput, ConversationDTO>;
  'notes:list': Command<ConversationRef, NoteDTO[]>;
  /** An internal note; a resend with the same clientId returns the first. */
  'note:add': Command<AddNoteInput, NoteDTO>;
  /** Average rating per agent over the last 90 days: an agent gets their own, an admin every agent's. */
  'ratings:summary': Command<Empty, AgentRatingDTO[]>;
  /**
   * The agent's view opened (`viewing: true`) or closed a conversation; returns who views it now,
   * the asking agent included. Agent typing (`typing:set`) shows there too. Send again after a reconnect.
   */
  'conversation:view': Command<ConversationViewInput, ViewersDTO>;
  /** The shared canned replies and the asking agent's personal ones, sorted by shortcut. */
  'canned:list': Command<Empty, CannedReplyDTO[]>;
  /** Creates (no id) or changes a canned reply. Shared: admins only; personal: the owner only; a taken shortcut is a CONFLICT. */
  'canned:save': Command<SaveCannedInput, CannedReplyDTO>;
  'canned:delete': Command<CannedRef, null>;
  /** Replaces a conversation's labels (lower-cased); every agent who sees it gets `conversation:updated`. */
  'conversation:labels': Command<LabelsInput, ConversationDTO>;
  /**
   * The agent has seen the conversation up to `seq` (only ever raised); the agent's other tabs get
   * `reads:changed`, and the conversation's visitor `receipts:changed` (read receipts).
   */
  'conversation:read': Command<ReadInput, null>;
  /** The asking agent's read marker and unread count per conversation asked about (unknown ids left out). */
  'reads:list': Command<ReadsListInput, ReadMarkerDTO[]>;
  /** Chats and tickets by ticket number, visitor email (prefix), name, subject or recent message text; newest activity first. */
  search: Command<SearchInput, ConversationDTO[]>;
  /** The agent's chosen status (persisted); every agent gets `presence:changed`. */
  'presence:set': Command<PresenceSetInput, PresenceDTO>;
  /** The agent did something (sent by the UI on input, at most every 30 s): resets the auto-away timer. */
  'presence:activity': Command<Empty, null>;
  /** Every active agent's presence and load. */
  'presence:list': Command<Empty, PresenceDTO[]>;
  /**
   * Hands a live chat to another agent (CONFLICT when they are full or offline) or back to a team's
   * queue; the note becomes an internal note. Only the chat's agent or an admin.
   */
  'conversation:transfer': Command<TransferInput, ConversationDTO>;
  'teams:list': Command<Empty, TeamDTO[]>;
  /** Product feedback from visitors, newest first, with the average over all of it. */
  'feedback:list': Command<FeedbackListInput, FeedbackListResult>;
}

export interface AgentServerToClient {
  'message:created': (message: MessageDTO) => void;
  /** Any change to a conversation the agent can see: new in queue, accepted, ended, new message, ticket changes. */
  'conversation:updated': (conversation: ConversationDTO) => void;
  'typing:changed': (typing: TypingDTO) => void;
  /** To agents who opened the conversation. */
  'note:created': (note: NoteDTO) => void;
  /** To every tab of the agent who read (multi-device unread counts). */
  'reads:changed': (read: ReadMarkerDTO) => void;
  /** A canned reply this agent can use was added, changed or removed: ask `canned:list` again. */
  'canned:changed': (change: { id: string }) => void;
  /** To agents viewing the conversation, whenever who views it or who of them types changes (collision warnings). */
  'conversation:viewers': (viewers: ViewersDTO) => void;
  /** To every agent: an agent's status or load changed. */
  'presence:changed': (presence: PresenceDTO) => void;
  /** To agents with the conversation open: how far its visitor and its agents have read. */
  'receipts:changed': (receipts: ReadReceiptsDTO) => void;
  /** To every agent: a visitor sent product feedback. */
  'feedback:created': (feedback: FeedbackDTO) => void;
}
