import { sql } from 'kysely';
import { oneOf } from '../db/bulk-rows.js';
import type { Queryable } from '../db/schema.js';

/** Papers per statement (under every engine's parameter limit). */
const IDS_PER_STATEMENT = 500;

/**
 * Upvotes of the visible papers among `ids` (hidden ones are left out, counting as none), as every listing counts
 * them: the highest count an import carried over, plus the votes cast on this instance. Used to reorder search hits,
 * which are visible papers.
 */
export async function upvotesByPaper(db: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const rows = await visibleUpvotesQuery(db, ids.slice(i, i + IDS_PER_STATEMENT)).execute();
    for (const row of rows) out.set(row.id, Number(row.imported_upvotes ?? 0) + Number(row.local_upvotes));
  }
  return out;
}

/** One statement's worth: `hidden = 0` lets both engines answer from papers_visible_upvotes without reading rows. */
export function visibleUpvotesQuery(db: Queryable, ids: readonly string[]) {
  return db
    .selectFrom('papers')
    .leftJoin('feed_entries', 'feed_entries.paper_id', 'papers.id')
    .select(['papers.id', 'papers.local_upvotes', (eb) => eb.fn.max('feed_entries.imported_upvotes').as('imported_upvotes')])
    .where(oneOf(db, sql`papers.id`, ids, 'text'))
    .where('papers.hidden', '=', 0)
    .groupBy(['papers.id', 'papers.local_upvotes']);
}
