import { sql } from 'kysely';
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

interface SignalRows {
  readonly saved: readonly { user_id: number; paper_id: string }[];
  readonly ratings: readonly { user_id: number; paper_id: string; value: number }[];
  readonly upvoted: readonly { user_id: number; paper_id: string }[];
  readonly authored: readonly { user_id: number; paper_id: string }[];
  readonly follows: readonly { user_id: number; kind: string; value: string }[];
}

/** One reader's signals from their own rows (already grouped by reader). */
function signalsOf(rows: SignalRows): ReaderSignals {
  const { ratings, follows } = rows;
  const followed = (kind: string) => follows.filter((f) => f.kind === kind).map((f) => f.value);
  return {
    saved: rows.saved.map((r) => r.paper_id),
    liked: ratings.filter((r) => Number(r.value) === 1).map((r) => r.paper_id),
    disliked: ratings.filter((r) => Number(r.value) === -1).map((r) => r.paper_id),
    upvoted: rows.upvoted.map((r) => r.paper_id),
    authored: rows.authored.map((r) => r.paper_id),
    followedAuthors: followed('author'),
    followedCategories: followed('category'),
    followedQueries: followed('query'),
  };
}

/** A reader's signals: the same rows, in the same order, as `readerSignalsOf` reads for many. */
export async function readerSignals(db: Queryable, userId: number): Promise<ReaderSignals> {
  return (await readerSignalsOf(db, [userId])).get(userId)!;
}

/** Each kind's most recent rows per user (at most `limit` each), newest first; ties in time go by paper id. */
function latestPerUser(
  db: Queryable,
  table: 'library_items' | 'votes' | 'authored_papers' | 'paper_ratings',
  timeColumn: 'created_at' | 'updated_at',
  userIds: readonly number[],
  limit: number,
) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom(table)
        .select([
          'user_id',
          'paper_id',
          // Only ratings have a value; the other kinds read a constant in its place.
          (table === 'paper_ratings' ? sql<number>`${sql.ref('value')}` : sql<number>`0`).as('value'),
          sql<number>`row_number() over (partition by user_id order by ${sql.ref(timeColumn)} desc, paper_id)`.as('position'),
        ])
        .where('user_id', 'in', [...userIds])
        .as('ranked'),
    )
    .select(['user_id', 'paper_id', 'value'])
    .where('position', '<=', limit)
    .orderBy('user_id')
    .orderBy('position')
    .execute();
}

/** The signals of many readers in five statements, for batch jobs (digest planning) as for one request. */
export async function readerSignalsOf(db: Queryable, userIds: readonly number[]): Promise<Map<number, ReaderSignals>> {
  const out = new Map<number, ReaderSignals>();
  if (userIds.length === 0) return out;
  const limit = MAX_PROFILE_PAPERS_PER_KIND;
  const [saved, ratings, upvoted, authored, follows] = await Promise.all([
    latestPerUser(db, 'library_items', 'created_at', userIds, limit),
    latestPerUser(db, 'paper_ratings', 'updated_at', userIds, 2 * limit),
    latestPerUser(db, 'votes', 'created_at', userIds, limit),
    latestPerUser(db, 'authored_papers', 'created_at', userIds, limit),
    db
      .selectFrom('follows')
      .select(['user_id', 'kind', 'value'])
      .where('user_id', 'in', [...userIds])
      .orderBy('user_id')
      .orderBy('created_at')
      .orderBy('kind')
      .orderBy('value')
      .execute(),
  ]);
  const group = <T extends { user_id: number }>(rows: readonly T[]) => {
    const byUser = new Map<number, T[]>();
    for (const row of rows) {
      const id = Number(row.user_id);
      const list = byUser.get(id);
      if (list) list.push(row);
      else byUser.set(id, [row]);
    }
    return byUser;
  };
  const grouped = {
    saved: group(saved),
    ratings: group(ratings as { user_id: number; paper_id: string; value: number }[]),
    upvoted: group(upvoted),
    authored: group(authored),
    follows: group(follows),
  };
  for (const userId of userIds) {
    out.set(
      userId,
      signalsOf({
        saved: grouped.saved.get(userId) ?? [],
        ratings: grouped.ratings.get(userId) ?? [],
        upvoted: grouped.upvoted.get(userId) ?? [],
        authored: grouped.authored.get(userId) ?? [],
        follows: grouped.follows.get(userId) ?? [],
      }),
    );
  }
  return out;
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
