/**
 * The wait a queued visitor is told, from what really happened on the site lately, deliberately
 * simple so it can be explained and does not flatter:
 * - history: the last 50 chats an agent took; a wait is acceptedAt − queuedAt, a handling time
 *   endedAt − acceptedAt (of those that ended). Medians, so one forgotten chat does not skew it.
 * - fewer than 5 samples: no estimate (null) rather than a made-up number.
 * - if the free capacity of the online agents who may take the chat covers its position, it is
 *   next in line for a free agent: the median wait.
 * - otherwise the chats ahead of it must end first: every round of endings frees `onlineCapacity`
 *   places and takes about a median handling time, so ceil((position − free) / onlineCapacity)
 *   rounds of median handling time.
 * - nobody online who may take it: null (the widget then offers the form anyway).
 */
export const HISTORY_SIZE = 50;
export const MIN_SAMPLES = 5;

export interface WaitHistory {
  /** Seconds from queued to accepted, newest first. */
  waits: number[];
  /** Seconds from accepted to ended, newest first. */
  handling: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `agents`: the online agents who may take the chat, with their load. */
export function estimateWaitSeconds(position: number, agents: ReadonlyArray<{ maxChats: number; activeChats: number }>, history: WaitHistory): number | null {
  if (history.waits.length < MIN_SAMPLES) return null;
  const onlineCapacity = agents.reduce((sum, a) => sum + a.maxChats, 0);
  if (onlineCapacity === 0) return null;
  const free = agents.reduce((sum, a) => sum + Math.max(0, a.maxChats - a.activeChats), 0);
  if (free >= position) return Math.round(median(history.waits));
  if (history.handling.length < MIN_SAMPLES) return null;
  return Math.round(Math.ceil((position - free) / onlineCapacity) * median(history.handling));
}
