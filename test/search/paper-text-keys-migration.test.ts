import { sql } from 'kysely';
import { expect, it, onTestFinished } from 'vitest';
import { openPostgres } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { FTS5_COLUMN_WEIGHTS } from '../../src/search/lexical/fts5-index.js';
import { PostingsMirror } from '../../src/search/lexical/postings-mirror.js';
import { paperRecord } from '../helpers/fixtures.js';
import { migrateUpTo } from '../helpers/migrate-up-to.js';
import { createPostgresDatabase, postgresAvailable } from '../helpers/stores.js';
import { writePapers } from './corpus.js';

it.skipIf(!postgresAvailable)(
  'gives the papers of an existing PostgreSQL database stable keys, in the table and in the change log',
  async () => {
    const database = await createPostgresDatabase();
    const store = openPostgres(database.url);
    onTestFinished(async () => {
      await store.close();
      await database.drop();
    });
    await migrateUpTo(store, '027');
    const papers = ['Lute tablature', 'Viol consorts', 'Harpsichord temperament'].map((title, i) =>
      paperRecord({ id: `2601.0010${i}`, title, abstract: `Early music, part ${i}.` }),
    );
    await writePapers(store, papers);
    await sql`DELETE FROM papers WHERE id = ${papers[1]!.id}`.execute(store.db);

    expect((await migrateToLatest(store)).applied).toEqual([
      '027-paper-text-keys',
      '028-papers-text-key-covering',
      '029-papers-visible-upvotes',
    ]);
    const keys = await sql<{ id: string; text_key: string }>`SELECT id, text_key FROM papers ORDER BY id`.execute(store.db);
    expect(keys.rows.map((row) => row.id)).toEqual([papers[0]!.id, papers[2]!.id]);
    expect(new Set(keys.rows.map((row) => Number(row.text_key))).size).toBe(2);
    // Existing log rows name their paper's key; only the deleted paper's rows (its key never existed) stay without one.
    const log = await sql<{ paper_id: string; paper_key: string | null }>`SELECT paper_id, paper_key FROM papers_text_changes`.execute(
      store.db,
    );
    const keyOf = new Map(keys.rows.map((row) => [row.id, row.text_key]));
    for (const row of log.rows) expect(row.paper_key).toBe(keyOf.get(row.paper_id) ?? null);
    expect(log.rows.some((row) => row.paper_id === papers[1]!.id && row.paper_key === null)).toBe(true);

    // One index holds each key, unique, with what mapping a ranked key to a visible paper reads (an index-only scan).
    const indexes = await sql<{ definition: string }>`
      SELECT indexdef AS definition FROM pg_indexes WHERE tablename = 'papers' AND indexdef LIKE '%(text_key)%'`.execute(store.db);
    expect(indexes.rows.map((row) => row.definition)).toEqual([
      expect.stringMatching(
        /^CREATE UNIQUE INDEX papers_text_key_visible ON public\.papers USING btree \(text_key\) INCLUDE \(id, hidden\)$/,
      ),
    ]);
    await expect(sql`UPDATE papers SET text_key = ${keys.rows[0]!.text_key} WHERE id = ${papers[2]!.id}`.execute(store.db)).rejects.toThrow(
      /papers_text_key_visible/,
    );

    // New writes, updates and deletions log the key; the in-memory index follows them from the log.
    const mirror = new PostingsMirror(store, FTS5_COLUMN_WEIGHTS);
    await mirror.build();
    await writePapers(store, [paperRecord({ id: '2601.00110', title: 'Sackbut bores', abstract: 'Early music again.' })]);
    await sql`UPDATE papers SET title = 'Lute intabulations' WHERE id = ${papers[0]!.id}`.execute(store.db);
    await sql`DELETE FROM papers WHERE id = ${papers[2]!.id}`.execute(store.db);
    const latest = await sql<{ paper_key: string | null }>`SELECT paper_key FROM papers_text_changes ORDER BY seq DESC LIMIT 3`.execute(
      store.db,
    );
    expect(latest.rows.every((row) => row.paper_key !== null)).toBe(true);
    const search = async (word: string) => (await mirror.search({ terms: [word], limit: 10 }))!.map((hit) => hit.paperId).sort();
    expect(await search('music')).toEqual([papers[0]!.id, '2601.00110']);
    expect(await search('intabul')).toEqual([papers[0]!.id]);
    expect(await search('harpsichord')).toEqual([]);
  },
);
