import { addDays, weekKeyOf } from '../feed/period.js';

export type TrendInterval = 'week' | 'month';
export const TREND_INTERVALS: readonly TrendInterval[] = ['week', 'month'];

/** The period a day (`YYYY-MM-DD`) falls in: its ISO week (`2026-W33`) or its month (`2026-08`). */
export function periodOf(day: string, interval: TrendInterval): string {
  return interval === 'month' ? day.slice(0, 7) : weekKeyOf(day);
}

/** The first day of the period holding `day`. */
function periodStart(day: string, interval: TrendInterval): string {
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

function nextPeriodStart(start: string, interval: TrendInterval): string {
  if (interval === 'week') return addDays(start, 7);
  const year = Number(start.slice(0, 4));
  const month = Number(start.slice(5, 7));
  return month === 12 ? `${String(year + 1).padStart(4, '0')}-01-01` : `${start.slice(0, 4)}-${String(month + 1).padStart(2, '0')}-01`;
}

/** Every period from the one holding `firstDay` to the one holding `lastDay`, in order, gaps included. */
export function periodsBetween(firstDay: string, lastDay: string, interval: TrendInterval): string[] {
  const out: string[] = [];
  const last = periodOf(lastDay, interval);
  for (let start = periodStart(firstDay, interval); ; start = nextPeriodStart(start, interval)) {
    const period = periodOf(start, interval);
    out.push(period);
    if (period === last) break;
  }
  return out;
}

/** Sums values keyed by day into values keyed by period. */
export function sumByPeriod(byDay: ReadonlyMap<string, number>, interval: TrendInterval): Map<string, number> {
  const out = new Map<string, number>();
  for (const [day, n] of byDay) {
    const period = periodOf(day, interval);
    out.set(period, (out.get(period) ?? 0) + n);
  }
  return out;
}
