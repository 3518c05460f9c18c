/**
 * Trending ("hotness") score, in the spirit of the Reddit/lobste.rs "hot" ranking:
 *
 *   points = upvotes + recentStarGain / STARS_PER_UPVOTE
 *   score  = log10(1 + points) + (featuredAt − EPOCH) / SECONDS_PER_TENFOLD
 *
 * Age enters as the feature time rather than "time since now": a paper featured SECONDS_PER_TENFOLD later needs
 * ten times fewer points to rank level with an older one. Because the score does not depend on the current
 * clock, a stored score never goes stale: it only changes when its inputs change (a vote, an import bringing new
 * upvotes or star counts), and scores computed at different moments stay comparable in one ORDER BY.
 *
 * `recentStarGain` is how many GitHub stars the paper's repository gained during the STAR_WINDOW_DAYS ending at
 * its latest star count (see starGain); a repository first counted inside that window counts all its stars as
 * recent, since it appeared then.
 */

/** 2024-01-01T00:00:00Z: keeps the time term small; only differences between scores matter. */
export const EPOCH_SECONDS = 1_704_067_200;
/** 36 hours newer is worth ten times the points. */
export const SECONDS_PER_TENFOLD = 36 * 60 * 60;
/** Ten new stars weigh as much as one upvote. */
export const STARS_PER_UPVOTE = 10;
/** Star growth is measured over this many days before the latest count. */
export const STAR_WINDOW_DAYS = 7;

export interface TrendingInputs {
  /** Imported plus local upvotes. */
  readonly upvotes: number;
  /** Stars gained recently (see starGain). */
  readonly recentStarGain: number;
  /** When the paper was featured (first feed day), or published when it never was. ISO-8601. */
  readonly featuredAt: string;
}

export function trendingScore({ upvotes, recentStarGain, featuredAt }: TrendingInputs): number {
  const seconds = Date.parse(featuredAt) / 1000;
  if (!Number.isFinite(seconds)) throw new Error(`trendingScore: invalid featuredAt "${featuredAt}"`);
  const points = Math.max(0, upvotes) + Math.max(0, recentStarGain) / STARS_PER_UPVOTE;
  return Math.log10(1 + points) + (seconds - EPOCH_SECONDS) / SECONDS_PER_TENFOLD;
}

export interface StarCount {
  readonly countedAt: string;
  readonly stars: number;
}

/**
 * Stars gained in the STAR_WINDOW_DAYS before the latest count: latest − the last count at or before the window
 * start. With no count that old, the repository appeared inside the window and every star is recent.
 */
export function starGain(counts: readonly StarCount[]): number {
  if (counts.length === 0) return 0;
  const sorted = [...counts].sort((a, b) => Date.parse(a.countedAt) - Date.parse(b.countedAt));
  const latest = sorted[sorted.length - 1]!;
  const windowStart = Date.parse(latest.countedAt) - STAR_WINDOW_DAYS * 86_400_000;
  let baseline = 0;
  for (const count of sorted) if (Date.parse(count.countedAt) <= windowStart) baseline = count.stars;
  return Math.max(0, latest.stars - baseline);
}

/** The score of a paper with no upvotes and no stars yet: what a newly stored paper usually keeps. */
export function scoreOnArrival(featuredAt: string): number {
  return trendingScore({ upvotes: 0, recentStarGain: 0, featuredAt });
}
