/**
 * The ticket list's filters, and how a live `conversation:updated` changes the loaded rows: the
 * server filters and pages, this only keeps what is on screen true between two fetches.
 */
import type { AgentTicketListInput } from '../../../shared/schemas/tickets.js';
import type { ConversationDTO, TicketPriority, TicketStatus } from '../../../shared/types.js';

export interface TicketFilters {
  status: TicketStatus | '';
  priority: TicketPriority | '';
  category: string;
  assigneeId: string;
  /** Only the signed-in agent's tickets; takes the place of `assigneeId`. */
  mine: boolean;
  q: string;
}

export const NO_FILTERS: TicketFilters = { status: '', priority: '', category: '', assigneeId: '', mine: false, q: '' };

export const PAGE_SIZE = 50;

/**
 * What the list shows, kept by the app while the list is off screen (a ticket or the chats are
 * open), so coming back shows the same filters, rows and scroll at once while it refreshes.
 */
export interface TicketListMemory {
  filters: TicketFilters;
  search: string;
  rows: ConversationDTO[];
  nextCursor: string | null;
  loaded: boolean;
  scrollTop: number;
}

export function newTicketListMemory(): TicketListMemory {
  return { filters: NO_FILTERS, search: '', rows: [], nextCursor: null, loaded: false, scrollTop: 0 };
}

export function hasFilters(f: TicketFilters): boolean {
  return !!(f.status || f.priority || f.category || f.assigneeId || f.mine || f.q.trim());
}

export function toListInput(f: TicketFilters, before: string | null, limit = PAGE_SIZE): AgentTicketListInput {
  const q = f.q.trim();
  return {
    ...(f.status ? { status: f.status } : {}),
    ...(f.priority ? { priority: f.priority } : {}),
    ...(f.category ? { category: f.category } : {}),
    ...(f.mine ? { mine: true } : f.assigneeId ? { assigneeId: f.assigneeId } : {}),
    ...(q ? { q } : {}),
    ...(before ? { before } : {}),
    limit,
  };
}

/**
 * Whether a ticket belongs under the search `q` as the server reads it: a ticket number (with or
 * without "#"), else an email address (the requester's, exactly), else a piece of the subject or
 * the requester's name.
 */
function matchesQuery(c: ConversationDTO, raw: string): boolean {
  const q = raw.trim().toLowerCase();
  const t = c.ticket;
  if (!q || !t) return true;
  const digits = q.replace(/^#/, '');
  if (/^\d{1,12}$/.test(digits)) return t.number === Number(digits);
  if (q.includes('@')) return [t.requester.email, c.visitor.email].some((e) => e?.toLowerCase() === q);
  return [t.subject, c.visitor.name ?? '', t.requester.name ?? ''].some((s) => s.toLowerCase().includes(q));
}

export function matchesFilters(c: ConversationDTO, f: TicketFilters, myId: string): boolean {
  const t = c.ticket;
  if (!t) return false;
  if (f.status && t.status !== f.status) return false;
  if (f.priority && t.priority !== f.priority) return false;
  if (f.category && t.category !== f.category) return false;
  if (f.mine ? c.agent?.id !== myId : f.assigneeId && (c.agent?.id ?? 'none') !== f.assigneeId) return false;
  return matchesQuery(c, f.q);
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** Newest activity first; the id breaks ties so the order never flickers. */
export function byActivity(a: ConversationDTO, b: ConversationDTO): number {
  return time(b.lastActivityAt) - time(a.lastActivityAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function changedAt(c: ConversationDTO): number {
  return Math.max(time(c.lastActivityAt), c.ticket ? time(c.ticket.updatedAt) : 0);
}

/** Appends a page, ignoring rows already held (a row may move between pages while paging). */
export function appendPage(rows: readonly ConversationDTO[], page: readonly ConversationDTO[]): ConversationDTO[] {
  const seen = new Set(rows.map((r) => r.id));
  return [...rows, ...page.filter((r) => !seen.has(r.id))];
}

/**
 * Puts an update where it belongs: replaced and re-sorted when it still matches, dropped when it no
 * longer does, added when new and matching. With more pages to load (`complete` false), a ticket
 * that would sort below the last loaded row is left for "Load more" to bring.
 */
export function applyTicketUpdate(
  rows: readonly ConversationDTO[],
  c: ConversationDTO,
  filters: TicketFilters,
  myId: string,
  complete: boolean,
): ConversationDTO[] {
  const held = rows.find((r) => r.id === c.id);
  // Broadcasts may overtake each other; one older than the row held carries nothing new.
  if (held && changedAt(c) < changedAt(held)) return rows as ConversationDTO[];
  const had = !!held;
  const rest = rows.filter((r) => r.id !== c.id);
  if (!matchesFilters(c, filters, myId)) return had ? rest : (rows as ConversationDTO[]);
  const last = rest.at(-1);
  if (!complete && last && byActivity(c, last) > 0) return rest;
  return [...rest, c].sort(byActivity);
}
