/** Display helpers shared by the queue and the conversation view. The UI speaks English for now. */
import type { ConversationDTO, MessageDTO, SystemEvent } from '../../shared/types.js';

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

export function systemText(event: SystemEvent): string {
  switch (event.kind) {
    case 'chat.started':
      return 'Chat started';
    case 'agent.joined':
      return `${event.agentName} joined the chat`;
    case 'chat.ended':
      return event.by === 'visitor' ? 'The visitor ended the chat' : 'The chat was ended by an agent';
  }
}

/** A system message's text; falls back to its body for kinds this build does not know yet. */
export function systemMessageText(message: MessageDTO): string {
  if (!message.system) return message.body;
  return systemText(message.system) ?? message.body;
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
