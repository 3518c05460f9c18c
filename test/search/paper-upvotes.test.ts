import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { upvotesByPaper, visibleUpvotesQuery } from '../../src/search/paper-upvotes.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { writePapers } from './corpus.js';

describeEachStore('upvotes of search hits', (get) => {
  it('counts imported and local upvotes of visible papers, leaving hidden ones out', async () => {
    const { store } = get();
    const ids = ['2503.40001', '2503.40002', '2503.40003', '2503.40004'];
    await writePapers(
      store,
      ids.map((id) => paperRecord({ id })),
    );
    await store.db.updateTable('papers').set({ local_upvotes: 5 }).where('id', 'in', [ids[0]!, ids[2]!]).execute();
    await store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', ids[2]!).execute();
    const entry = (day: string, paperId: string, upvotes: number) => ({
      day,
      paper_id: paperId,
      imported_upvotes: upvotes,
      imported_comments: 0,
      submitted_by: null,
      source: 'test',
      created_at: day,
    });
    // Two days on a feed: the higher imported count is the one listings show.
    await store.db
      .insertInto('feed_entries')
      .values([entry('2025-03-01', ids[0]!, 7), entry('2025-03-02', ids[0]!, 12), entry('2025-03-01', ids[1]!, 3)])
      .execute();

    const upvotes = await upvotesByPaper(store.db, [...ids, '2599.99999']);
    expect(Object.fromEntries(upvotes)).toEqual({ [ids[0]!]: 17, [ids[1]!]: 3, [ids[3]!]: 0 });
  });

  it('reads them from the covering index, not from the papers rows', async () => {
    const { store } = get();
    const query = visibleUpvotesQuery(store.db, ['2503.40001', '2503.40002']).compile();
    const plan = await store.db.transaction().execute(async (trx) => {
      if (store.capabilities.dialect === 'postgres') {
        // A handful of rows is cheaper to scan than to look up: ask for the plan a large table gets.
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
      }
      const explain = store.capabilities.dialect === 'postgres' ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN';
      const { rows } = await trx.executeQuery<Record<string, unknown>>({ ...query, sql: `${explain} ${query.sql}` });
      return rows.map((row) => String(row['QUERY PLAN'] ?? row.detail)).join('\n');
    });
    expect(plan).toMatch(
      store.capabilities.dialect === 'postgres' ? /Index Only Scan using papers_visible_upvotes/ : /COVERING INDEX papers_visible_upvotes/,
    );
  });
});
