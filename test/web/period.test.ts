import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayPeriod,
  isIsoDay,
  monthPeriod,
  periodPath,
  shiftPeriod,
  weekKeyOf,
  weekPeriod,
  type FeedPeriod,
} from '../../src/feed/period.js';

describe('feed periods', () => {
  it('parses ISO weeks, including week 1 starting in December and week 53', () => {
    expect(weekPeriod('2025-W01')).toMatchObject({ from: '2024-12-30', to: '2025-01-05' });
    expect(weekPeriod('2020-W53')).toMatchObject({ from: '2020-12-28', to: '2021-01-03' });
    expect(weekPeriod('2025-W53')).toBeNull();
    expect(weekPeriod('2025-W00')).toBeNull();
    expect(weekPeriod('2025-1')).toBeNull();
    expect(weekKeyOf('2024-12-30')).toBe('2025-W01');
    expect(weekKeyOf('2021-01-03')).toBe('2020-W53');
  });

  it('parses months and days', () => {
    expect(monthPeriod('2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29', label: 'February 2024' });
    expect(monthPeriod('2024-13')).toBeNull();
    expect(dayPeriod('2024-02-30')).toBeNull();
    expect(dayPeriod('2024-02-29')).toMatchObject({ from: '2024-02-29', to: '2024-02-29' });
  });

  it('moves to neighbouring periods', () => {
    expect(periodPath(shiftPeriod(weekPeriod('2025-W01')!, -1))).toBe('/papers/week/2024-W52');
    expect(periodPath(shiftPeriod(monthPeriod('2024-12')!, 1))).toBe('/papers/month/2025-01');
    expect(periodPath(shiftPeriod(dayPeriod('2024-12-31')!, 1))).toBe('/papers/date/2025-01-01');
  });

  it('checks days against the calendar, not only the pattern', () => {
    expect(isIsoDay('2024-02-29')).toBe(true);
    expect(isIsoDay('2025-02-29')).toBe(false);
    expect(isIsoDay('2025-04-31')).toBe(false);
    expect(isIsoDay('2025-1-5')).toBe(false);
    expect(isIsoDay(' 2025-01-05')).toBe(false);
    expect(isIsoDay(undefined)).toBe(false);
  });

  it('accepts the years 1991 to 9999 and nothing outside them', () => {
    expect(dayPeriod('1991-01-01')).toMatchObject({ key: '1991-01-01' });
    expect(dayPeriod('9999-12-31')).toMatchObject({ key: '9999-12-31' });
    expect(monthPeriod('9999-12')).toMatchObject({ from: '9999-12-01', to: '9999-12-31' });
    expect(monthPeriod('1991-01')).toMatchObject({ from: '1991-01-01', to: '1991-01-31' });
    expect(weekPeriod('1991-W01')).toMatchObject({ from: '1990-12-31', to: '1991-01-06' });
    expect(weekPeriod('9999-W51')).toMatchObject({ from: '9999-12-20', to: '9999-12-26' });
    for (const day of ['1990-12-31', '0001-01-01', '0050-06-15', '10000-01-01', '+275760-09-13', '-271821-04-20']) {
      expect(dayPeriod(day), day).toBeNull();
    }
    for (const month of ['1990-12', '0000-01', '0050-01', '10000-01', '+275760-09', '-271821-04']) {
      expect(monthPeriod(month), month).toBeNull();
    }
    // 9999-W52 ends on a day of the year 10000.
    for (const week of ['1990-W52', '0050-W10', '9999-W52', '10000-W01', '+275760-W01']) {
      expect(weekPeriod(week), week).toBeNull();
    }
  });

  it('has no neighbour beyond the first and last accepted period', () => {
    expect(shiftPeriod(monthPeriod('9999-12')!, 1)).toBeNull();
    expect(periodPath(shiftPeriod(monthPeriod('9999-12')!, -1))).toBe('/papers/month/9999-11');
    expect(shiftPeriod(monthPeriod('1991-01')!, -1)).toBeNull();
    expect(shiftPeriod(weekPeriod('9999-W51')!, 1)).toBeNull();
    expect(shiftPeriod(weekPeriod('1991-W01')!, -1)).toBeNull();
    expect(shiftPeriod(dayPeriod('9999-12-31')!, 1)).toBeNull();
    expect(shiftPeriod(dayPeriod('1991-01-01')!, -1)).toBeNull();
    expect(periodPath(null)).toBeNull();
  });

  it('never throws, and every period it accepts is well formed with well-formed neighbours', () => {
    const year = fc.oneof(
      fc.integer({ min: -300_000, max: 300_000 }),
      fc.integer({ min: 1985, max: 2030 }),
      fc.integer({ min: 9990, max: 10_001 }),
    );
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const yearText = year.map((y) => (y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y)));
    const key = fc.oneof(
      fc.tuple(yearText, two, two).map(([y, m, d]) => ['day', `${y}-${m}-${d}`] as const),
      fc.tuple(yearText, two).map(([y, w]) => ['week', `${y}-W${w}`] as const),
      fc.tuple(yearText, two).map(([y, m]) => ['month', `${y}-${m}`] as const),
      fc.string().map((s) => ['month', s] as const),
    );
    const parse = { day: dayPeriod, week: weekPeriod, month: monthPeriod };
    const wellFormed = (period: FeedPeriod) => {
      expect(isIsoDay(period.from) && isIsoDay(period.to)).toBe(true);
      expect(period.from <= period.to).toBe(true);
      expect(Number(period.key.slice(0, 4))).toBeGreaterThanOrEqual(1991);
      expect(period.to <= '9999-12-31').toBe(true);
      expect(parse[period.kind](period.key)).toEqual(period);
    };
    fc.assert(
      fc.property(key, ([kind, text]) => {
        const period = parse[kind](text);
        if (period === null) return;
        wellFormed(period);
        for (const steps of [1, -1] as const) {
          const neighbour = shiftPeriod(period, steps);
          if (neighbour === null) continue;
          wellFormed(neighbour);
          expect(neighbour.kind).toBe(period.kind);
          expect(steps === 1 ? neighbour.from > period.to : neighbour.to < period.from).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
