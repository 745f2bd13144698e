/**
 * The agent workspace and routing (issue 5): what agents, teams and sites hold beyond the basics,
 * and what the live queue tells visitors. Events that carry these are in events.ts; inputs are
 * validated by the feature's schema file in shared/schemas/ (routing, canned, admin, ratings, collision).
 */
import type { Locale } from './schemas/common.js';
import type { AgentDTO } from './types.js';
import type { PrechatSettings } from './visitor-features.js';

export const AGENT_STATUSES = ['online', 'away', 'offline'] as const;
/** online: takes chats; away: signed in, takes none (chosen, or idle too long); offline: no live session. */
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** What an agent is best at: the router prefers an agent whose skills match a chat's language and category. */
export interface AgentSkills {
  languages: Locale[];
  /** Category ids of the site(s). Empty: no preference. */
  categories: string[];
}

export const DEFAULT_MAX_CHATS = 3;

/** An agent as admins manage them and the workspace shows them. */
export interface AgentProfileDTO extends AgentDTO {
  active: boolean;
  /** Live chats at once; the router never gives an agent more. */
  maxChats: number;
  skills: AgentSkills;
  teamIds: string[];
  /** Invited, and has not set a password yet. */
  invited: boolean;
}

/** Presence as every agent sees it, live (`presence:changed`). */
export interface PresenceDTO {
  agentId: string;
  name: string;
  status: AgentStatus;
  /** Live chats the agent has now. */
  activeChats: number;
  maxChats: number;
}

export interface TeamDTO {
  id: string;
  name: string;
}

/** manual: agents pick chats from the queue; auto: the server assigns each chat to the least-busy fitting online agent. */
export const ROUTING_MODES = ['manual', 'auto'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:MM" in the site's time zone; `to` after `from` (an interval past midnight is two intervals). */
export interface OpeningInterval {
  from: string;
  to: string;
}

/** When a site offers live chat. Null on a site: always open. */
export interface BusinessHours {
  /** IANA time zone, e.g. "Europe/Stockholm". */
  timeZone: string;
  /** A day without intervals is closed. */
  days: Record<Weekday, OpeningInterval[]>;
}

/** How the widget looks and greets, per site. */
export interface WidgetSettings {
  /** #rrggbb */
  color: string;
  position: 'left' | 'right';
  /** Per language; a missing language uses the built-in text. */
  greeting: Partial<Record<Locale, string>>;
  offlineMessage: Partial<Record<Locale, string>>;
  /** Languages the widget offers; empty: all. */
  languages: Locale[];
  /** The chat form: whether it asks for name and email, and the site's own questions. */
  prechat: PrechatSettings;
}

/** A waiting chat's place, sent to its visitor live (`queue:position`) whenever it changes. */
export interface QueuePositionDTO {
  conversationId: string;
  /** 1 = next. */
  position: number;
  /** From recent real waits; null while there is too little history to say. */
  estimatedWaitSeconds: number | null;
}

/** Saved answers; `/shortcut` in the composer inserts one. Placeholders: {visitor.name}, {ticket.number}, {agent.name}. */
export interface CannedReplyDTO {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  /** shared: every agent sees it (admins manage); personal: only its owner. */
  scope: 'shared' | 'personal';
  ownerId: string | null;
}

/** How far one agent has read one conversation, on all their tabs and devices (`reads:list`, `reads:changed`). */
export interface ReadMarkerDTO {
  conversationId: string;
  /** The highest message seq the agent has seen; 0: never opened. */
  seq: number;
  /**
   * The unread count: customer messages after `seq`, up to `lastSeq`. System lines, agents'
   * replies and notes never count.
   */
  unread: number;
  /** The conversation's last seq when `unread` was counted; once the conversation moves past it, ask again. */
  lastSeq: number;
}

export const RATING_SCORES = [1, 2, 3, 4, 5] as const;
/** 1 terrible, 2 bad, 3 okay, 4 great, 5 fantastic. */
export type RatingScore = (typeof RATING_SCORES)[number];

export interface RatingDTO {
  score: RatingScore;
  comment: string | null;
  at: string;
}

export const MAX_RATING_COMMENT_LENGTH = 1000;
/** How far back `ratings:summary` averages. */
export const RATING_SUMMARY_DAYS = 90;

/** One agent's average over the rated chats of the last RATING_SUMMARY_DAYS days (`ratings:summary`). */
export interface AgentRatingDTO {
  agentId: string;
  name: string;
  /** Null when nothing was rated. */
  average: number | null;
  count: number;
}

/** Where `conversation:transcript` mailed the conversation. */
export interface TranscriptSentDTO {
  sentTo: string;
}

/** Agents with the conversation open, and which of them type (collision warnings). */
export interface ViewersDTO {
  conversationId: string;
  agents: Array<{ id: string; name: string; typing: boolean }>;
}
