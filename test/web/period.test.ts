import { describe, expect, it } from 'vitest';
import { dayPeriod, monthPeriod, periodPath, shiftPeriod, weekKeyOf, weekPeriod } from '../../src/feed/period.js';

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
});
