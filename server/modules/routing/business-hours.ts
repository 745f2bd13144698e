/**
 * A site's opening hours, read in the site's own time zone with Intl (summer time included).
 * Intervals are "HH:MM" wall-clock times; an end of "24:00" means until midnight.
 */
import { WEEKDAYS, type BusinessHours, type Weekday } from '../../../shared/workspace.js';

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const SHORT_DAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      // A zone this runtime does not know (the admin API refuses those; an old document may hold one): UTC.
      f = formatFor('UTC');
    }
    formats.set(timeZone, f);
  }
  return f;
}

/** The weekday and the time of day, in minutes (with fractions), on the wall clocks of `timeZone`. */
export function wallClock(timeZone: string, now: Date): { day: Weekday; minutes: number } {
  const parts = formatFor(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  const day = SHORT_DAYS[get('weekday')] ?? 'mon';
  const minutes = Number(get('hour')) * 60 + Number(get('minute')) + (Number(get('second')) + now.getUTCMilliseconds() / 1000) / 60;
  return { day, minutes };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Null hours: always open. */
export function isOpen(hours: BusinessHours | null | undefined, now: Date): boolean {
  if (!hours) return true;
  const { day, minutes } = wallClock(hours.timeZone, now);
  return (hours.days?.[day] ?? []).some((i) => toMinutes(i.from) <= minutes && minutes < toMinutes(i.to));
}

/**
 * Milliseconds until the next opening or closing time by the zone's wall clock; null when the
 * hours never change (always open). Across a summer-time switch this is an hour off, so callers
 * check `isOpen` again when it fires rather than trusting it.
 */
export function msUntilNextChange(hours: BusinessHours | null | undefined, now: Date): number | null {
  if (!hours) return null;
  const boundaries: number[] = [];
  WEEKDAYS.forEach((d, i) => {
    for (const interval of hours.days?.[d] ?? []) boundaries.push(i * MINUTES_PER_DAY + toMinutes(interval.from), i * MINUTES_PER_DAY + toMinutes(interval.to));
  });
  if (boundaries.length === 0) return null;
  const { day, minutes } = wallClock(hours.timeZone, now);
  const nowInWeek = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY + minutes;
  const ahead = boundaries.map((b) => (b > nowInWeek ? b - nowInWeek : b + MINUTES_PER_WEEK - nowInWeek));
  return Math.ceil(Math.min(...ahead) * 60_000);
}
