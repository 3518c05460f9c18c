import { periodsBetween, sumByPeriod, type TrendInterval } from './periods.js';

/** The days a series spans (`YYYY-MM-DD`, inclusive). */
export interface DayRange {
  readonly firstDay: string;
  readonly lastDay: string;
}

export interface PeriodCount {
  /** `2026-08` (month) or `2026-W33` (ISO week). */
  readonly period: string;
  readonly count: number;
}

const FIRST_DAY = '1991-01-01';

/**
 * The days from the first to the last that has a non-zero value, ending no later than `today` (a paper dated in
 * the future would otherwise stretch every chart); null when nothing falls in the range.
 */
export function rangeOf(byDay: ReadonlyMap<string, number>, today: string): DayRange | null {
  let firstDay: string | null = null;
  let lastDay: string | null = null;
  for (const [day, n] of byDay) {
    if (n === 0 || day < FIRST_DAY || day > today) continue;
    if (firstDay === null || day < firstDay) firstDay = day;
    if (lastDay === null || day > lastDay) lastDay = day;
  }
  return firstDay === null || lastDay === null ? null : { firstDay, lastDay };
}

/**
 * A series of counts per period for anything counted by day (papers matching a query, an organisation's papers,
 * their votes): every period of the range in order, empty ones as zero.
 */
export function seriesByPeriod(byDay: ReadonlyMap<string, number>, interval: TrendInterval, range: DayRange | null): PeriodCount[] {
  if (range === null) return [];
  const sums = sumByPeriod(byDay, interval);
  return periodsBetween(range.firstDay, range.lastDay, interval).map((period) => ({ period, count: sums.get(period) ?? 0 }));
}
