import type { Queryable } from '../db/schema.js';
import type { FollowKind, RatingValue } from './signal-limits.js';

export interface Rating {
  readonly paperId: string;
  readonly value: RatingValue;
  readonly ratedAt: string;
}

export interface Follow {
  readonly kind: FollowKind;
  readonly value: string;
  readonly followedAt: string;
}

/** Sets the reader's rating of a paper; returns true when the paper had no rating before. */
export async function upsertRating(trx: Queryable, userId: number, paperId: string, value: RatingValue, now: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('paper_ratings')
    .values({ user_id: userId, paper_id: paperId, value, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
    .returning('paper_id')
    .execute();
  if (inserted.length > 0) return true;
  await trx
    .updateTable('paper_ratings')
    .set({ value, updated_at: now })
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .execute();
  return false;
}

/** Clears a rating; false when there was none. */
export async function deleteRating(trx: Queryable, userId: number, paperId: string): Promise<boolean> {
  const result = await trx.deleteFrom('paper_ratings').where('user_id', '=', userId).where('paper_id', '=', paperId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countRatings(db: Queryable, userId: number): Promise<number> {
  const row = await db
    .selectFrom('paper_ratings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function ratingOf(db: Queryable, userId: number, paperId: string): Promise<RatingValue | null> {
  const row = await db
    .selectFrom('paper_ratings')
    .select('value')
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .executeTakeFirst();
  return row ? (row.value === 1 ? 1 : -1) : null;
}

/** Every rating of one reader, most recent first. */
export async function ratingsOf(db: Queryable, userId: number): Promise<Rating[]> {
  const rows = await db
    .selectFrom('paper_ratings')
    .select(['paper_id', 'value', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .orderBy('paper_id')
    .execute();
  return rows.map((r) => ({ paperId: r.paper_id, value: r.value === 1 ? 1 : -1, ratedAt: r.updated_at }));
}

/** Inserts a follow if missing; returns true when it was new. */
export async function insertFollow(trx: Queryable, userId: number, kind: FollowKind, value: string, now: string): Promise<boolean> {
  const rows = await trx
    .insertInto('follows')
    .values({ user_id: userId, kind, value, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'kind', 'value']).doNothing())
    .returning('value')
    .execute();
  return rows.length > 0;
}

export async function deleteFollow(trx: Queryable, userId: number, kind: FollowKind, value: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('follows')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countFollows(db: Queryable, userId: number): Promise<number> {
  const row = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every follow of one reader, by kind and then by when it was followed. */
export async function followsOf(db: Queryable, userId: number): Promise<Follow[]> {
  const rows = await db
    .selectFrom('follows')
    .select(['kind', 'value', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('kind')
    .orderBy('created_at')
    .orderBy('value')
    .execute();
  return rows.map((r) => ({ kind: r.kind as FollowKind, value: r.value, followedAt: r.created_at }));
}

/** Which of these values of one kind the reader follows (one query, for showing follow buttons' state). */
export async function followedValues(db: Queryable, userId: number, kind: FollowKind, values: readonly string[]): Promise<Set<string>> {
  if (values.length === 0) return new Set();
  const rows = await db
    .selectFrom('follows')
    .select('value')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('value', 'in', [...values])
    .execute();
  return new Set(rows.map((r) => r.value));
}
