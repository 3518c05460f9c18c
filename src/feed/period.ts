import type { Frequency } from '../digests/digests.table.js';

/*
 * The one home of calendar periods: feed days, ISO weeks and months as the pages and the API name them, and the
 * daily and weekly periods digests cover. Days are `YYYY-MM-DD` strings in UTC throughout.
 */

export const DAY_MS = 86_400_000;

/** Feed periods are accepted from arXiv's first year to the last year a four-digit key can name. */
export const FIRST_PERIOD_YEAR = 1991;
export const LAST_PERIOD_YEAR = 9999;
const LAST_DAY = `${LAST_PERIOD_YEAR}-12-31`;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written `YYYY-MM-DD` (2024-02-29 yes, 2025-02-29 and 2025-1-5 no). */
export function isIsoDay(value: string): boolean;
export function isIsoDay(value: string | undefined): value is string;
export function isIsoDay(value: string | undefined): boolean {
  if (typeof value !== 'string' || !ISO_DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function utc(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The day at a UTC timestamp; null outside years 0000–9999, which have no `YYYY-MM-DD` spelling. */
function dayAt(ms: number): string | null {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return Number.isNaN(ms) || year < 0 || year > 9999 ? null : date.toISOString().slice(0, 10);
}

/** Midnight UTC of a calendar date, for any year (Date.UTC reads years 0–99 as 1900–1999). */
function utcDate(year: number, monthIndex: number, day: number): number {
  const date = new Date(Date.UTC(2000, monthIndex, day));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

export function addDays(day: string, days: number): string {
  return new Date(utc(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  return ((new Date(utc(day)).getUTCDay() + 6) % 7) + 1;
}

/** Monday of ISO week 1 of `year`: the week holding January 4th. */
function isoWeekOneMonday(year: number): number {
  const jan4 = utcDate(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

/** The ISO-8601 week containing `day`, e.g. `2025-W01` for 2024-12-30. */
export function weekKeyOf(day: string): string {
  const ms = utc(day);
  const thursday = ms + (4 - isoWeekday(day)) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - isoWeekOneMonday(year)) / (7 * DAY_MS)) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

function inRange(year: number, lastDay: string): boolean {
  return year >= FIRST_PERIOD_YEAR && year <= LAST_PERIOD_YEAR && lastDay <= LAST_DAY;
}

/** A span of feed days: one day, an ISO week or a calendar month. */
export interface FeedPeriod {
  readonly kind: 'day' | 'week' | 'month';
  /** The canonical key in URLs: 2025-01-03, 2025-W01, 2025-01. */
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** The feed day `YYYY-MM-DD`, or null when it is no calendar day or lies outside 1991–9999. */
export function dayPeriod(day: string): FeedPeriod | null {
  if (!isIsoDay(day) || !inRange(Number(day.slice(0, 4)), day)) return null;
  const label = new Date(utc(day)).toLocaleDateString('en-US', {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return { kind: 'day', key: day, from: day, to: day, label };
}

/** The ISO week `YYYY-Www`, Monday to Sunday, or null when the year has no such week or lies outside 1991–9999. */
export function weekPeriod(key: string): FeedPeriod | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > 53 || year < FIRST_PERIOD_YEAR || year > LAST_PERIOD_YEAR) return null;
  const monday = isoWeekOneMonday(year) + (week - 1) * 7 * DAY_MS;
  const from = dayAt(monday);
  const to = dayAt(monday + 6 * DAY_MS);
  if (from === null || to === null || weekKeyOf(from) !== key || !inRange(year, to)) return null;
  return { kind: 'week', key, from, to, label: `Week ${week} of ${year} (${from} – ${to})` };
}

/** The calendar month `YYYY-MM`, or null when it is malformed or lies outside 1991–9999. */
export function monthPeriod(key: string): FeedPeriod | null {
  const match = /^(\d{4})-(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  const from = dayAt(utcDate(year, month - 1, 1));
  const to = dayAt(utcDate(year, month, 0));
  if (from === null || to === null || !inRange(year, to)) return null;
  const label = new Date(utc(from)).toLocaleDateString('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' });
  return { kind: 'month', key, from, to, label };
}

/**
 * The period just before or after (days use the nearest days that have papers instead), or null beyond the
 * accepted years.
 */
export function shiftPeriod(period: FeedPeriod, steps: 1 | -1): FeedPeriod | null {
  if (period.kind === 'day') {
    const day = dayAt(utc(period.from) + steps * DAY_MS);
    return day === null ? null : dayPeriod(day);
  }
  if (period.kind === 'week') {
    const day = dayAt(utc(period.from) + steps * 7 * DAY_MS);
    return day === null ? null : weekPeriod(weekKeyOf(day));
  }
  const [year, month] = period.key.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + steps;
  const key = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
  return monthPeriod(key);
}

/** The page of a period; no period (past the first or last accepted one) has no page. */
export function periodPath(period: FeedPeriod): string;
export function periodPath(period: FeedPeriod | null): string | null;
export function periodPath(period: FeedPeriod | null): string | null {
  if (period === null) return null;
  return `/papers/${period.kind === 'day' ? 'date' : period.kind}/${period.key}`;
}

/** A digest period: one feed day (daily) or one ISO week, Monday to Sunday (weekly). */
export interface Period {
  readonly frequency: Frequency;
  /** `YYYY-MM-DD` or `YYYY-Www`. */
  readonly key: string;
  /** First and last feed day of the period, inclusive. */
  readonly from: string;
  readonly to: string;
}

/** The period of the given frequency containing `day`. */
export function periodContaining(frequency: Frequency, day: string): Period {
  if (frequency === 'daily') return { frequency, key: day, from: day, to: day };
  const monday = addDays(day, 1 - isoWeekday(day));
  return { frequency, key: weekKeyOf(day), from: monday, to: addDays(monday, 6) };
}

/** The calendar day, weekday and minute of the day at `now` in a time zone. */
export function zonedClock(now: Date, timeZone: string): { day: string; weekday: number; minuteOfDay: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const day = `${get('year')}-${get('month')}-${get('day')}`;
  return { day, weekday: isoWeekday(day), minuteOfDay: Number(get('hour')) * 60 + Number(get('minute')) };
}

export interface SendTime {
  readonly hour: number;
  readonly minute: number;
}

/**
 * The latest period that is complete at `now`: for daily digests today once the send time has passed (the day's
 * feed has settled), yesterday before; for weekly digests the previous ISO week.
 */
export function latestCompletePeriod(frequency: Frequency, now: Date, timeZone: string, sendTime: SendTime): Period {
  const clock = zonedClock(now, timeZone);
  if (frequency === 'weekly') return periodContaining('weekly', addDays(clock.day, -7));
  const passed = clock.minuteOfDay >= sendTime.hour * 60 + sendTime.minute;
  return periodContaining('daily', passed ? clock.day : addDays(clock.day, -1));
}

/**
 * The period the scheduler should send at `now`, or null when nothing is due: daily digests on weekdays after the
 * send time, weekly digests on Mondays after the send time.
 */
export function duePeriod(frequency: Frequency, now: Date, timeZone: string, sendTime: SendTime): Period | null {
  const clock = zonedClock(now, timeZone);
  if (clock.minuteOfDay < sendTime.hour * 60 + sendTime.minute) return null;
  if (frequency === 'daily') return clock.weekday <= 5 ? periodContaining('daily', clock.day) : null;
  return clock.weekday === 1 ? periodContaining('weekly', addDays(clock.day, -7)) : null;
}
