import { describe, expect, it } from 'vitest';
import { periodOf, periodsBetween } from '../../src/trends/periods.js';
import { rangeOf, seriesByPeriod } from '../../src/trends/series.js';

describe('trend periods', () => {
  it('names ISO weeks and months, across the turn of a year', () => {
    expect(periodOf('2024-12-30', 'week')).toBe('2025-W01');
    expect(periodOf('2021-01-03', 'week')).toBe('2020-W53');
    expect(periodOf('2024-12-30', 'month')).toBe('2024-12');
    expect(periodsBetween('2020-12-28', '2021-01-11', 'week')).toEqual(['2020-W53', '2021-W01', '2021-W02']);
    expect(periodsBetween('2024-11-30', '2025-02-01', 'month')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(periodsBetween('2025-01-05', '2025-01-05', 'week')).toEqual(['2025-W01']);
  });

  it('sums days into every period of the range, empty ones as zero, and ends the range today', () => {
    const byDay = new Map([
      ['2025-01-31', 2],
      ['2025-03-01', 1],
      ['2030-01-01', 9],
    ]);
    const range = rangeOf(byDay, '2025-06-15');
    expect(range).toEqual({ firstDay: '2025-01-31', lastDay: '2025-03-01' });
    expect(seriesByPeriod(byDay, 'month', range)).toEqual([
      { period: '2025-01', count: 2 },
      { period: '2025-02', count: 0 },
      { period: '2025-03', count: 1 },
    ]);
    expect(rangeOf(new Map([['2025-01-01', 0]]), '2025-06-15')).toBeNull();
    expect(seriesByPeriod(byDay, 'week', null)).toEqual([]);
  });
});
