/** Display helpers shared by the queue, the conversation view and the tickets. The UI speaks English for now. */
import type { ErrorBody } from '../../shared/errors.js';
import type { CategoryDTO, ConversationDTO, MessageDTO, SystemEvent, TicketPriority, TicketStatus } from '../../shared/types.js';

export function visitorName(conversation: Pick<ConversationDTO, 'visitor'>): string {
  return conversation.visitor.name?.trim() || 'Visitor';
}

/** "2:05", or "1:02:05" past an hour; never negative (the server's clock may run ahead of ours). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function waitingLabel(queuedAt: string, now: number): string {
  return `Waiting ${formatDuration(now - Date.parse(queuedAt))}`;
}

const timeFormat = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short' });

/** The time alone for today, with the date otherwise. */
export function formatMessageTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toDateString() === now.toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
}

export function formatFullTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : fullFormat.format(d);
}

/** `myId`: the viewing agent, so a line about them says "You". */
export function systemText(event: SystemEvent, myId = ''): string {
  switch (event.kind) {
    case 'chat.started':
      return 'Chat started';
    case 'agent.joined':
      return `${event.agentName} joined the chat`;
    case 'chat.transferred':
      return `Transferred to the ${event.teamName} team; waiting in the queue`;
    case 'chat.ended':
      if (event.by === 'visitor') return 'The visitor ended the chat';
      if (myId && event.agentId === myId) return 'You ended the chat';
      return event.agentName ? `${event.agentName} ended the chat` : 'The chat was ended by an agent';
    case 'ticket.created':
      return `Ticket #${event.number} created ${TICKET_VIA[event.via]}`;
    case 'ticket.status':
      return `${event.by === 'visitor' ? 'The customer' : 'An agent'} ${STATUS_CHANGE[event.status]} the ticket`;
    case 'ticket.follow-up':
      return `Follow-up of ticket #${event.of}`;
  }
}

const TICKET_VIA: Record<Extract<SystemEvent, { kind: 'ticket.created' }>['via'], string> = {
  form: 'from the contact form',
  queue: 'from a message left in the queue',
  agent: 'by an agent from this chat',
  'chat-end': 'when the chat ended unresolved',
};

const STATUS_CHANGE: Record<TicketStatus, string> = {
  open: 'reopened',
  pending: 'set to pending',
  solved: 'solved',
  closed: 'closed',
};

/** A system message's text; falls back to its body for kinds this build does not know yet. */
export function systemMessageText(message: MessageDTO, myId = ''): string {
  if (!message.system) return message.body;
  return (systemText(message.system, myId) as string | undefined) ?? message.body;
}

export const STATUS_LABEL: Record<TicketStatus, string> = {
  open: 'Open',
  pending: 'Pending',
  solved: 'Solved',
  closed: 'Closed',
};

export const PRIORITY_LABEL: Record<TicketPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

/** A category's label; an id the site no longer lists is shown as it is. */
export function categoryLabel(categories: readonly CategoryDTO[], id: string): string {
  return categories.find((c) => c.id === id)?.label ?? id;
}

/** Who a ticket is for, as one line: the requester's name, else their email, else the visitor's. */
export function requesterLabel(c: ConversationDTO): string {
  const r = c.ticket?.requester;
  return r?.name?.trim() || r?.email || c.visitor.name?.trim() || c.visitor.email || 'Visitor';
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago"; past a month, the date. */
export function formatRelative(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  // The server's clock may run a little ahead of ours.
  const seconds = Math.max(0, (now - t) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = seconds / 60;
  if (minutes < 59.5) return relative.format(-Math.max(1, Math.round(minutes)), 'minute');
  const hours = minutes / 60;
  if (hours < 23.5) return relative.format(-Math.round(hours), 'hour');
  const days = hours / 24;
  if (days < 6.5) return relative.format(-Math.round(days), 'day');
  if (days < 31) return relative.format(-Math.round(days / 7), 'week');
  return dateTimeFormat.format(new Date(t));
}

/** "812 B", "14 KB", "3.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/**
 * The URL if it is plain http(s), else null: visitor-supplied URLs end up in `href`, and Lit does
 * not stop `javascript:` there.
 */
export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    // Not an absolute URL: shown as text, never linked.
    return null;
  }
}

export type TextPart = { text: string; href?: string };

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/** Splits message text into plain runs and http(s) links, to be rendered as text nodes and anchors. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const start = match.index;
    let raw = match[0];
    const trail = TRAILING_PUNCTUATION.exec(raw);
    if (trail) raw = raw.slice(0, raw.length - trail[0].length);
    const href = safeHttpUrl(raw);
    if (!href || !raw) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** An error's message, with the fields a VALIDATION error names ("subject: must not be empty"). */
export function errorText(error: ErrorBody): string {
  if (error.code !== 'VALIDATION' || !Array.isArray(error.details)) return error.message;
  const fields = (error.details as unknown[])
    .map((d) => {
      if (typeof d !== 'object' || d === null) return '';
      const { path, message } = d as { path?: unknown; message?: unknown };
      const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
      return typeof message === 'string' ? (where ? `${where}: ${message}` : message) : '';
    })
    .filter(Boolean);
  return fields.length ? `${error.message} (${fields.join('; ')})` : error.message;
}
