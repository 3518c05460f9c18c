import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { openPostgres, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { silentLogger } from '../../src/logger.js';
import type { PaperRecord } from '../../src/papers/paper.js';
import { createLexicalIndex } from '../../src/search/lexical/create-lexical-index.js';
import {
  countPendingDocuments,
  fillAllPendingDocuments,
  fillPendingDocuments,
  FullTextBackfill,
  nextPendingDocuments,
} from '../../src/search/lexical/full-text-backlog.js';
import { filtersFromQuery } from '../../src/search/paper-filters.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { SearchActivity } from '../../src/search/search-activity.js';
import { paperRecord } from '../helpers/fixtures.js';
import { createPostgresDatabase, postgresAvailable, tempDir } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';

/** Enough papers for one statement to leave their documents to the backfill (more than 100). */
function bulk(): PaperRecord[] {
  const fillers = Array.from({ length: 120 }, (_, i) =>
    paperRecord({
      id: `2503.${String(30000 + i)}`,
      title: `Filler study ${i}`,
      abstract: i % 2 === 0 ? 'Egocentric video of head mounted cameras, filler.' : 'Nothing in particular.',
      publishedAt: '2025-03-10T00:00:00Z',
    }),
  );
  return [...TOPIC_PAPERS, ...fillers];
}

async function storedDocumentsMatchText(store: Store): Promise<boolean> {
  const { rows } = await sql<{ stale: string }>`
    SELECT count(*) AS stale FROM paper_fts JOIN papers ON papers.id = paper_fts.paper_id
    WHERE paper_fts.document IS NOT NULL
      AND paper_fts.document <> paper_document(papers.title, papers.abstract, papers.authors)`.execute(store.db);
  return Number(rows[0]!.stale) === 0;
}

describe.skipIf(!postgresAvailable)('PostgreSQL full-text documents left to the backfill by bulk writes', () => {
  let store: Store;
  let url: string;
  const dropped: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    const database = await createPostgresDatabase();
    dropped.push(database.drop);
    url = database.url;
    store = openPostgres(url);
    await migrateToLatest(store);
    return async () => {
      await store.close();
    };
  });
  afterAll(async () => {
    for (const d of dropped) await d();
  });

  /** `paperboy …` on this database, with what it printed. */
  const commandLine = () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATABASE_URL: url, PAPERBOY_DATA_DIR: tempDir(), PAPERBOY_LOG: 'silent', PAPERBOY_DEMO: 'off' };
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    return { out, err, run: (argv: string[]) => runCli(argv, io, env) };
  };

  const searchIds = async (q: string) => {
    const index = createLexicalIndex(store, { inMemory: true });
    await index.start();
    const parsed = parseQuery(q);
    const ids = (await index.search(parsed, filtersFromQuery(parsed), 10)).map((hit) => hit.paperId);
    const days = await index.countByDay(parsed, filtersFromQuery(parsed));
    await index.flush();
    return { ids, total: [...days.values()].reduce((a, b) => a + b, 0) };
  };

  it('leaves a bulk write’s documents pending, finds those papers by phrase all the same, and the backfill stores them', async () => {
    await writePapers(store, bulk());
    expect(await countPendingDocuments(store.db)).toBe(bulk().length);

    const phrase = await searchIds('"egocentric video"');
    const excluded = await searchIds('egocentric -"head mounted"');
    expect(phrase.ids).toContain('2501.10005');
    expect(phrase.total).toBe(61);
    expect(excluded.ids).toEqual(['2501.10006']);

    await new FullTextBackfill(store.db, silentLogger).runOnce();
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await storedDocumentsMatchText(store)).toBe(true);
    expect(await searchIds('"egocentric video"')).toEqual(phrase);
    expect(await searchIds('egocentric -"head mounted"')).toEqual(excluded);
  });

  it('backfills in small transactions and rests after each one before the next, so queries keep the database', async () => {
    await writePapers(store, bulk());
    const total = bulk().length;
    const rests: { ms: number; over: () => void }[] = [];
    const pacing = {
      intervalMs: 60_000,
      batch: 50,
      restRatio: 2,
      quietMs: 100,
      maxDeferMs: 1_000,
      rest: (ms: number) => new Promise<void>((over) => rests.push({ ms, over })),
    };
    const run = new FullTextBackfill(store.db, silentLogger, pacing).runOnce();

    await vi.waitFor(() => expect(rests).toHaveLength(1));
    expect(rests[0]!.ms).toBeGreaterThan(0);
    expect(await countPendingDocuments(store.db)).toBe(total - 50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(rests).toHaveLength(1);
    expect(await countPendingDocuments(store.db)).toBe(total - 50);

    rests[0]!.over();
    await vi.waitFor(() => expect(rests).toHaveLength(2));
    expect(await countPendingDocuments(store.db)).toBe(total - 100);
    rests[1]!.over();
    await vi.waitFor(() => expect(rests).toHaveLength(3));
    rests[2]!.over();
    await run;
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await storedDocumentsMatchText(store)).toBe(true);
  });

  it('starts each transaction once searches have paused, and after waiting long enough even while they go on', async () => {
    await writePapers(store, bulk());
    const total = bulk().length;
    let clock = 0;
    const searches = new SearchActivity(() => clock);
    const rests: { ms: number; over: () => void }[] = [];
    let resting = true;
    const pacing = {
      intervalMs: 60_000,
      batch: 50,
      restRatio: 1,
      quietMs: 100,
      maxDeferMs: 300,
      rest: (ms: number) => (resting ? new Promise<void>((over) => rests.push({ ms, over })) : Promise.resolve()),
    };
    let endSearch = () => {};
    const search = searches.during(() => new Promise<void>((over) => (endSearch = over)));
    const run = new FullTextBackfill(store.db, silentLogger, pacing, searches).runOnce();
    const nextRest = async (count: number) => {
      await vi.waitFor(() => expect(rests).toHaveLength(count));
      return rests[count - 1]!;
    };

    // A search under way: the backfill waits in steps of quietMs, writing nothing.
    expect((await nextRest(1)).ms).toBe(100);
    rests[0]!.over();
    await nextRest(2);
    expect(await countPendingDocuments(store.db)).toBe(total);
    // The search ends, but not long enough ago.
    endSearch();
    await search;
    clock = 50;
    rests[1]!.over();
    await nextRest(3);
    expect(await countPendingDocuments(store.db)).toBe(total);
    // Quiet for 100 ms: one transaction, then the rest after it.
    clock = 150;
    rests[2]!.over();
    await nextRest(4);
    expect(await countPendingDocuments(store.db)).toBe(total - 50);

    // Searches that never pause hold the next transaction back for maxDeferMs (three waits of 100 ms), no longer.
    void searches.during(() => new Promise<void>(() => {}));
    rests[3]!.over();
    for (let wait = 5; wait <= 7; wait++) {
      expect((await nextRest(wait)).ms).toBe(100);
      expect(await countPendingDocuments(store.db)).toBe(total - 50);
      rests[wait - 1]!.over();
    }
    await nextRest(8);
    expect(await countPendingDocuments(store.db)).toBe(total - 100);
    resting = false;
    rests[7]!.over();
    await run;
    expect(await countPendingDocuments(store.db)).toBe(0);
  });

  it('computes the documents of a small write at once, leaves them alone when the text is unchanged, and re-queues a bulk text change', async () => {
    await writePapers(store, bulk());
    await fillPendingDocuments(store.db, 10_000);
    await writePapers(store, [paperRecord({ id: '2504.00001', title: 'Submitted alone', abstract: 'One paper, written at once.' })]);
    expect(await countPendingDocuments(store.db)).toBe(0);

    // Hiding every paper rewrites every row but not its text.
    await store.db.updateTable('papers').set({ hidden: 1 }).execute();
    await store.db.updateTable('papers').set({ hidden: 0 }).execute();
    expect(await countPendingDocuments(store.db)).toBe(0);

    await store.db
      .updateTable('papers')
      .set({ abstract: sql`abstract || ' Marmoset vocal segmentation.'` })
      .where('id', 'like', '2503.%')
      .execute();
    expect(await countPendingDocuments(store.db)).toBe(120);
    expect((await searchIds('"marmoset vocal"')).total).toBe(120);
    await fillPendingDocuments(store.db, 10_000);
    expect(await storedDocumentsMatchText(store)).toBe(true);
  });

  it('shares the backlog between processes: rows another one holds are skipped, not waited for', async () => {
    await writePapers(store, bulk());
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      const held = await other.query('SELECT paper_id FROM paper_fts WHERE document IS NULL ORDER BY paper_id LIMIT 20 FOR UPDATE');
      expect(held.rowCount).toBe(20);
      expect(await fillPendingDocuments(store.db, 10_000)).toBe(bulk().length - 20);
      expect(await countPendingDocuments(store.db)).toBe(20);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    expect(await fillPendingDocuments(store.db, 10_000)).toBe(20);
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await storedDocumentsMatchText(store)).toBe(true);
  });

  it('fills the backlog from the command line with `paperboy index fulltext`, reporting progress', async () => {
    await writePapers(store, bulk());
    const { out, err, run } = commandLine();
    expect(await run(['index', 'fulltext', '--json'])).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ papers: bulk().length });
    expect(err).toEqual([`full-text documents: ${bulk().length}/${bulk().length}`]);
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await storedDocumentsMatchText(store)).toBe(true);
  });

  it('has the planner see the backlog gone once filled, and looks for pending documents through their index', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => paperRecord({ id: `2505.${String(40000 + i)}`, title: `Bulk paper ${i}` }));
    await writePapers(store, many);
    await sql`ANALYZE paper_fts`.execute(store.db);
    const pendingShare = async () =>
      Number(
        (
          await sql<{
            share: number;
          }>`SELECT null_frac AS share FROM pg_stats WHERE tablename = 'paper_fts' AND attname = 'document'`.execute(store.db)
        ).rows[0]!.share,
      );
    expect(await pendingShare()).toBe(1);

    await fillAllPendingDocuments(store.db);
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await pendingShare()).toBe(0);

    // Even with statistics that still count every row pending, the next batch is looked for in paper_fts_pending.
    await writePapers(
      store,
      many.map((paper) => ({ ...paper, title: `${paper.title}, revised` })),
    );
    await sql`ANALYZE paper_fts`.execute(store.db);
    await fillPendingDocuments(store.db, 10_000);
    const next = nextPendingDocuments(200).compile(store.db);
    const { rows } = await store.db.executeQuery<Record<string, string>>({ ...next, sql: `EXPLAIN ${next.sql}` });
    expect(rows.map((row) => Object.values(row)[0]).join('\n')).toMatch(/Index Scan using paper_fts_pending/);
  });

  it('leaves no backlog to the server after `paperboy index rebuild`, which fills it beside the vectors', async () => {
    await writePapers(store, bulk());
    const { out, err, run } = commandLine();
    expect(await run(['index', 'rebuild', '--json'])).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ papers: bulk().length, fullTextDocuments: { papers: bulk().length } });
    expect(err).toContain(`full-text documents: ${bulk().length}/${bulk().length}`);
    expect(await countPendingDocuments(store.db)).toBe(0);
    expect(await storedDocumentsMatchText(store)).toBe(true);

    out.length = 0;
    expect(await run(['index', 'rebuild'])).toBe(0);
    expect(out[0]).toMatch(/^Indexed \d+ papers with builtin:lsa-\S+ \(training [\d.]+ s, embedding [\d.]+ s\)\.$/);
  });
});
