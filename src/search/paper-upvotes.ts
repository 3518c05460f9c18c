import type { Queryable } from '../db/schema.js';

/**
 * Upvotes per paper used to rank by votes: the highest count an import carried over for it. Local votes are
 * added here when they exist.
 */
export async function upvotesByPaper(db: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('feed_entries')
      .select(['paper_id', (eb) => eb.fn.max('imported_upvotes').as('upvotes')])
      .where('paper_id', 'in', ids.slice(i, i + 500))
      .groupBy('paper_id')
      .execute();
    for (const row of rows) out.set(row.paper_id, Number(row.upvotes ?? 0));
  }
  return out;
}
