import { sql } from 'kysely';
import type { Queryable } from '../db/schema.js';
import { recomputeTrending } from '../trending/trending.repository.js';

export interface VoteResult {
  /** False when the vote already existed (add) or did not exist (remove). */
  readonly changed: boolean;
  /** Imported plus local upvotes after the change. */
  readonly upvotes: number;
}

/** Imported (largest over the paper's feed entries) plus local upvotes. */
export async function paperUpvotes(db: Queryable, paperId: string): Promise<number> {
  const row = await db
    .selectFrom('papers')
    .select([
      'papers.local_upvotes',
      (eb) =>
        eb
          .selectFrom('feed_entries')
          .select((f) => f.fn.max('imported_upvotes').as('m'))
          .whereRef('feed_entries.paper_id', '=', 'papers.id')
          .as('imported'),
    ])
    .where('papers.id', '=', paperId)
    .executeTakeFirst();
  return row ? Number(row.imported ?? 0) + Number(row.local_upvotes) : 0;
}

/**
 * Adds the user's upvote. Run inside a transaction: the vote row, the paper's denormalised count and its trending
 * score change together. The primary key turns a second vote into a no-op.
 */
export async function addVote(trx: Queryable, userId: number, paperId: string, now: string): Promise<VoteResult> {
  const inserted = await trx
    .insertInto('votes')
    .values({ user_id: userId, paper_id: paperId, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
    .returning('paper_id')
    .execute();
  const changed = inserted.length > 0;
  if (changed) {
    await trx
      .updateTable('papers')
      .set({ local_upvotes: sql`local_upvotes + 1` })
      .where('id', '=', paperId)
      .execute();
    await recomputeTrending(trx, [paperId]);
  }
  return { changed, upvotes: await paperUpvotes(trx, paperId) };
}

export async function removeVote(trx: Queryable, userId: number, paperId: string): Promise<VoteResult> {
  const deleted = await trx
    .deleteFrom('votes')
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .returning('paper_id')
    .execute();
  const changed = deleted.length > 0;
  if (changed) {
    await trx
      .updateTable('papers')
      .set({ local_upvotes: sql`local_upvotes - 1` })
      .where('id', '=', paperId)
      .execute();
    await recomputeTrending(trx, [paperId]);
  }
  return { changed, upvotes: await paperUpvotes(trx, paperId) };
}

/** Which of these papers the user has upvoted. */
export async function votedPaperIds(db: Queryable, userId: number, paperIds: readonly string[]): Promise<Set<string>> {
  if (paperIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('votes')
    .select('paper_id')
    .where('user_id', '=', userId)
    .where('paper_id', 'in', [...paperIds])
    .execute();
  return new Set(rows.map((r) => r.paper_id));
}

export async function countVoters(db: Queryable, paperId: string): Promise<number> {
  const row = await db
    .selectFrom('votes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('paper_id', '=', paperId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
