import { describe, expect, it } from 'vitest';
import {
  EPOCH_SECONDS,
  SECONDS_PER_TENFOLD,
  STAR_WINDOW_DAYS,
  STARS_PER_UPVOTE,
  starGain,
  trendingScore,
} from '../../src/trending/trending-score.js';

describe('trending score', () => {
  it('uses the documented constants', () => {
    expect(EPOCH_SECONDS).toBe(Date.parse('2024-01-01T00:00:00Z') / 1000);
    expect(SECONDS_PER_TENFOLD).toBe(129_600);
    expect(STARS_PER_UPVOTE).toBe(10);
    expect(STAR_WINDOW_DAYS).toBe(7);
  });

  it('gives exact scores for fixed inputs', () => {
    // 2025-01-03T00:00:00Z is 368 days after the epoch: 31,795,200 s / 129,600 = 245.333… ; log10(1 + 99) = 2
    expect(trendingScore({ upvotes: 99, recentStarGain: 0, featuredAt: '2025-01-03T00:00:00.000Z' })).toBeCloseTo(
      2 + 31_795_200 / 129_600,
      12,
    );
    expect(trendingScore({ upvotes: 99, recentStarGain: 0, featuredAt: '2025-01-03T00:00:00.000Z' })).toBeCloseTo(247.33333333333334, 10);
    // 90 stars = 9 upvotes: log10(1 + 0 + 9) = 1, featured exactly at the epoch
    expect(trendingScore({ upvotes: 0, recentStarGain: 90, featuredAt: '2024-01-01T00:00:00Z' })).toBe(1);
    // nothing at all, at the epoch: 0
    expect(trendingScore({ upvotes: 0, recentStarGain: 0, featuredAt: '2024-01-01T00:00:00Z' })).toBe(0);
    // 36 hours later with no points is worth exactly one tenfold
    expect(trendingScore({ upvotes: 0, recentStarGain: 0, featuredAt: '2024-01-02T12:00:00Z' })).toBe(1);
  });

  it('lets a paper 36 hours newer tie with ten times fewer points (plus one)', () => {
    const older = trendingScore({ upvotes: 99, recentStarGain: 0, featuredAt: '2025-01-01T00:00:00Z' });
    const newer = trendingScore({ upvotes: 9, recentStarGain: 0, featuredAt: '2025-01-02T12:00:00Z' });
    expect(newer).toBeCloseTo(older, 12);
  });

  it('ranks more upvotes higher on the same day and is monotonic in stars', () => {
    const day = '2025-03-01T00:00:00Z';
    expect(trendingScore({ upvotes: 10, recentStarGain: 0, featuredAt: day })).toBeGreaterThan(
      trendingScore({ upvotes: 9, recentStarGain: 0, featuredAt: day }),
    );
    expect(trendingScore({ upvotes: 10, recentStarGain: 50, featuredAt: day })).toBeGreaterThan(
      trendingScore({ upvotes: 10, recentStarGain: 0, featuredAt: day }),
    );
  });

  it('treats negative inputs as zero and refuses an invalid date', () => {
    expect(trendingScore({ upvotes: -5, recentStarGain: -10, featuredAt: '2024-01-01T00:00:00Z' })).toBe(0);
    expect(() => trendingScore({ upvotes: 1, recentStarGain: 0, featuredAt: 'yesterday' })).toThrow(/invalid featuredAt/);
  });
});

describe('star gain', () => {
  it('is zero without counts', () => {
    expect(starGain([])).toBe(0);
  });

  it('counts every star of a repository first counted inside the window', () => {
    expect(starGain([{ countedAt: '2025-01-10T00:00:00Z', stars: 120 }])).toBe(120);
    expect(
      starGain([
        { countedAt: '2025-01-08T00:00:00Z', stars: 20 },
        { countedAt: '2025-01-10T00:00:00Z', stars: 120 },
      ]),
    ).toBe(120);
  });

  it('subtracts the last count at or before the window start', () => {
    const counts = [
      { countedAt: '2025-01-10T00:00:00Z', stars: 500 },
      { countedAt: '2024-12-01T00:00:00Z', stars: 100 },
      { countedAt: '2025-01-03T00:00:00Z', stars: 300 }, // exactly 7 days before the latest: the baseline
      { countedAt: '2025-01-05T00:00:00Z', stars: 400 },
    ];
    expect(starGain(counts)).toBe(200);
  });

  it('never goes negative when stars were lost', () => {
    expect(
      starGain([
        { countedAt: '2024-12-01T00:00:00Z', stars: 100 },
        { countedAt: '2025-01-10T00:00:00Z', stars: 90 },
      ]),
    ).toBe(0);
  });
});
