import { weekKeyOf, weekPeriod } from '../feed/period.js';
import type { Frequency } from './digests.table.js';

/** A digest period: one feed day (daily) or one ISO week, Monday to Sunday (weekly). */
export interface Period {
  readonly frequency: Frequency;
  /** `YYYY-MM-DD` or `YYYY-Www`. */
  readonly key: string;
  /** First and last feed day of the period, inclusive. */
  readonly from: string;
  readonly to: string;
}

const DAY_MS = 86_400_000;

function dayToDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function dateToDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dateToDay(new Date(dayToDate(day).getTime() + days * DAY_MS));
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  return ((dayToDate(day).getUTCDay() + 6) % 7) + 1;
}

/** The ISO-8601 week containing `day`, e.g. `2025-W01` (the feed's own week keys). */
export const isoWeekKey = weekKeyOf;

/** Monday of an ISO week key, or null when the key is malformed. */
export function isoWeekMonday(key: string): string | null {
  return weekPeriod(key)?.from ?? null;
}

/** The period of the given frequency containing `day`. */
export function periodContaining(frequency: Frequency, day: string): Period {
  if (frequency === 'daily') return { frequency, key: day, from: day, to: day };
  const monday = addDays(day, 1 - isoWeekday(day));
  return { frequency, key: isoWeekKey(day), from: monday, to: addDays(monday, 6) };
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

/** Parses `--date` for a frequency: that feed day, or the week containing it. */
export function periodForDate(frequency: Frequency, day: string): Period {
  return periodContaining(frequency, day);
}
