import { isIsoDay } from '../ingest/text.js';

/** A span of feed days: one day, an ISO week or a calendar month. */
export interface FeedPeriod {
  readonly kind: 'day' | 'week' | 'month';
  /** The canonical key in URLs: 2025-01-03, 2025-W01, 2025-01. */
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

const DAY_MS = 86_400_000;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function utc(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function dayPeriod(day: string): FeedPeriod | null {
  if (!isIsoDay(day)) return null;
  const label = new Date(utc(day)).toLocaleDateString('en-US', {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return { kind: 'day', key: day, from: day, to: day, label };
}

/** Monday of ISO week 1 of `year`: the week holding January 4th. */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * DAY_MS;
}

export function weekKeyOf(day: string): string {
  const ms = utc(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  const thursday = ms + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - isoWeekOneMonday(year)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function weekPeriod(key: string): FeedPeriod | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > 53) return null;
  const monday = isoWeekOneMonday(year) + (week - 1) * 7 * DAY_MS;
  if (weekKeyOf(isoDay(monday)) !== key) return null;
  const from = isoDay(monday);
  const to = isoDay(monday + 6 * DAY_MS);
  return { kind: 'week', key, from, to, label: `Week ${week} of ${year} (${from} – ${to})` };
}

export function monthPeriod(key: string): FeedPeriod | null {
  const match = /^(\d{4})-(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  const from = isoDay(Date.UTC(year, month - 1, 1));
  const to = isoDay(Date.UTC(year, month, 0));
  const label = new Date(utc(from)).toLocaleDateString('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' });
  return { kind: 'month', key, from, to, label };
}

/** The periods just before and after (weeks and months; days use the nearest days that have papers). */
export function shiftPeriod(period: FeedPeriod, steps: 1 | -1): FeedPeriod {
  if (period.kind === 'day') return dayPeriod(isoDay(utc(period.from) + steps * DAY_MS))!;
  if (period.kind === 'week') return weekPeriod(weekKeyOf(isoDay(utc(period.from) + steps * 7 * DAY_MS)))!;
  const [year, month] = period.key.split('-').map(Number) as [number, number];
  const shifted = new Date(Date.UTC(year, month - 1 + steps, 1));
  return monthPeriod(shifted.toISOString().slice(0, 7))!;
}

export function periodPath(period: FeedPeriod): string {
  return `/papers/${period.kind === 'day' ? 'date' : period.kind}/${period.key}`;
}
