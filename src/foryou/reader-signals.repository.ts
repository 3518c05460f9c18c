import type { Queryable } from '../db/schema.js';

/** At most this many of each kind of positive (the most recent) train a reader's model. */
export const MAX_PROFILE_PAPERS_PER_KIND = 1_000;

/** Everything a reader told the instance that For you learns from. */
export interface ReaderSignals {
  readonly saved: readonly string[];
  readonly liked: readonly string[];
  readonly disliked: readonly string[];
  readonly upvoted: readonly string[];
  /** Papers they say they wrote (their profile). */
  readonly authored: readonly string[];
  readonly followedAuthors: readonly string[];
  readonly followedCategories: readonly string[];
  readonly followedQueries: readonly string[];
}

export function hasSignals(signals: ReaderSignals): boolean {
  return (
    signals.saved.length + signals.liked.length + signals.disliked.length + signals.upvoted.length + signals.authored.length > 0 ||
    signals.followedAuthors.length + signals.followedCategories.length + signals.followedQueries.length > 0
  );
}

export async function readerSignals(db: Queryable, userId: number): Promise<ReaderSignals> {
  const limit = MAX_PROFILE_PAPERS_PER_KIND;
  const [saved, ratings, upvoted, authored, follows] = await Promise.all([
    db.selectFrom('library_items').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute(),
    db
      .selectFrom('paper_ratings')
      .select(['paper_id', 'value'])
      .where('user_id', '=', userId)
      .orderBy('updated_at', 'desc')
      .limit(2 * limit)
      .execute(),
    db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute(),
    db.selectFrom('authored_papers').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute(),
    db.selectFrom('follows').select(['kind', 'value']).where('user_id', '=', userId).orderBy('created_at').execute(),
  ]);
  const followed = (kind: string) => follows.filter((f) => f.kind === kind).map((f) => f.value);
  return {
    saved: saved.map((r) => r.paper_id),
    liked: ratings.filter((r) => Number(r.value) === 1).map((r) => r.paper_id),
    disliked: ratings.filter((r) => Number(r.value) === -1).map((r) => r.paper_id),
    upvoted: upvoted.map((r) => r.paper_id),
    authored: authored.map((r) => r.paper_id),
    followedAuthors: followed('author'),
    followedCategories: followed('category'),
    followedQueries: followed('query'),
  };
}

/**
 * Papers the reader already knows — saved, rated, upvoted or written by them — which For you never recommends (an
 * upvoted paper would otherwise come first, as the nearest paper to itself). Read from the signals when none of their
 * lists was cut at its limit; the tables are read again only for a reader with more.
 */
export async function knownPapers(db: Queryable, userId: number, signals?: ReaderSignals): Promise<Set<string>> {
  const limit = MAX_PROFILE_PAPERS_PER_KIND;
  if (
    signals &&
    signals.saved.length < limit &&
    signals.liked.length + signals.disliked.length < 2 * limit &&
    signals.upvoted.length < limit &&
    signals.authored.length < limit
  ) {
    return new Set([...signals.saved, ...signals.liked, ...signals.disliked, ...signals.upvoted, ...signals.authored]);
  }
  return allKnownPapers(db, userId);
}

async function allKnownPapers(db: Queryable, userId: number): Promise<Set<string>> {
  const tables = ['library_items', 'paper_ratings', 'votes', 'authored_papers'] as const;
  const rows = await Promise.all(tables.map((table) => db.selectFrom(table).select('paper_id').where('user_id', '=', userId).execute()));
  return new Set(rows.flat().map((r) => r.paper_id));
}
