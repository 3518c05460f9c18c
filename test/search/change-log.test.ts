import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openPostgres, type Store } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { createChangeLogReader, LOG_START } from '../../src/search/change-log.js';
import { FTS5_COLUMN_WEIGHTS } from '../../src/search/lexical/fts5-index.js';
import { PostingsMirror } from '../../src/search/lexical/postings-mirror.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import { replaceVectors } from '../../src/search/vectors.repository.js';
import { paperRecord } from '../helpers/fixtures.js';
import { createPostgresDatabase, postgresAvailable, tempDir } from '../helpers/stores.js';

/**
 * PostgreSQL hands out sequence values when rows are inserted and makes them visible when their transaction
 * commits, so a transaction that took value 7 can commit after one that took 8. Each test here opens writer A,
 * writes, lets writer B write and commit, catches up, commits A, and catches up again: both writes must be read,
 * each once.
 */
describe.skipIf(!postgresAvailable)('change logs read while writers commit out of order (PostgreSQL)', () => {
  let store: Store;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    store = openPostgres(database.url);
    await migrateToLatest(store);
  });

  afterAll(async () => {
    await store.close();
    await drop();
  });

  it('reads a change committed after a later one, and every change once', async () => {
    const reader = createChangeLogReader<{ seq: number; paper_id: string }>(store.db, store.capabilities, {
      from: sql`papers_text_changes log`,
      columns: sql`log.paper_id AS paper_id`,
      seq: 'seq',
      where: sql`log.paper_id LIKE 'log-test-%'`,
    });
    const read: { seq: number; paperId: string }[] = [];
    const catchUp = (from = LOG_START) =>
      reader.read(from, 2, (rows) => {
        for (const row of rows) read.push({ seq: Number(row.seq), paperId: row.paper_id });
      });

    const a = await store.db.startTransaction().execute();
    await sql`INSERT INTO papers_text_changes (paper_id) VALUES ('log-test-a')`.execute(a);
    const b = await store.db.startTransaction().execute();
    await sql`INSERT INTO papers_text_changes (paper_id) VALUES ('log-test-b1'), ('log-test-b2'), ('log-test-b3')`.execute(b);
    await b.commit().execute();

    let position = await catchUp();
    expect(read.map((r) => r.paperId)).toEqual(['log-test-b1', 'log-test-b2', 'log-test-b3']);
    expect(await reader.pending(position)).toBe(0);
    const seqOfA = Number(
      (await sql<{ seq: number }>`SELECT seq FROM papers_text_changes WHERE paper_id = 'log-test-a'`.execute(a)).rows[0]!.seq,
    );
    expect(seqOfA).toBeLessThan(read[0]!.seq);

    await a.commit().execute();
    expect(await reader.pending(position)).toBe(1);
    position = await catchUp(position);
    expect(read.map((r) => r.paperId)).toEqual(['log-test-b1', 'log-test-b2', 'log-test-b3', 'log-test-a']);
    position = await catchUp(position);
    expect(await reader.pending(position)).toBe(0);
    expect(read.length).toBe(4);
    expect(new Set(read.map((r) => r.seq)).size).toBe(4);
  });

  it('keeps the in-memory keyword index complete and free of duplicates', async () => {
    await store.db
      .transaction()
      .execute((trx) =>
        upsertPapers(
          trx,
          [paperRecord({ id: '2601.00001', title: 'Marimba tuning', abstract: 'Bars and resonators.' })],
          new Date().toISOString(),
        ),
      );
    const mirror = new PostingsMirror(store, FTS5_COLUMN_WEIGHTS);
    await mirror.build();
    const before = mirror.size;
    const search = async (word: string) => (await mirror.search({ terms: [word], limit: 10 }))!.map((h) => h.paperId);

    const a = await store.db.startTransaction().execute();
    await upsertPapers(a, [paperRecord({ id: '2601.00002', title: 'Xylophone acoustics', abstract: 'Rosewood bars.' })], '2026-01-01');
    const b = await store.db.startTransaction().execute();
    await upsertPapers(b, [paperRecord({ id: '2601.00003', title: 'Glockenspiel acoustics', abstract: 'Steel bars.' })], '2026-01-01');
    await b.commit().execute();

    expect(await search('glockenspiel')).toEqual(['2601.00003']);
    expect(await search('xylophone')).toEqual([]);
    await a.commit().execute();
    expect(await search('xylophone')).toEqual(['2601.00002']);
    expect((await search('acoustics')).sort()).toEqual(['2601.00002', '2601.00003']);
    expect((await search('bars')).sort()).toEqual(['2601.00001', '2601.00002', '2601.00003']);
    await mirror.catchUp();
    expect(mirror.size).toBe(before + 2);
  });

  it('saves the keyword index with its watermark, so a change committed after the save is applied after a load', async () => {
    const dir = tempDir();
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'keyword-index.bin');
    const search = async (mirror: PostingsMirror, word: string) =>
      (await mirror.search({ terms: [word], limit: 10 }))!.map((h) => h.paperId);

    const a = await store.db.startTransaction().execute();
    await upsertPapers(a, [paperRecord({ id: '2601.00021', title: 'Theremin circuits', abstract: 'Antennas and pitch.' })], '2026-01-01');
    const b = await store.db.startTransaction().execute();
    await upsertPapers(b, [paperRecord({ id: '2601.00022', title: 'Ondes Martenot', abstract: 'A ribbon and pitch.' })], '2026-01-01');
    await b.commit().execute();
    const first = new PostingsMirror(store, FTS5_COLUMN_WEIGHTS, file);
    expect((await first.build()).source).toBe('database');
    expect(await search(first, 'pitch')).toEqual(['2601.00022']);
    await first.close();
    await a.commit().execute();

    const second = new PostingsMirror(store, FTS5_COLUMN_WEIGHTS, file);
    expect((await second.build()).source).toBe('file');
    expect((await search(second, 'pitch')).sort()).toEqual(['2601.00021', '2601.00022']);
    expect(await search(second, 'theremin')).toEqual(['2601.00021']);
  });

  it('keeps the vector index complete and free of duplicates', async () => {
    const ids = ['2602.00001', '2602.00002', '2602.00003'];
    await store.db.transaction().execute((trx) =>
      upsertPapers(
        trx,
        ids.map((id) => paperRecord({ id })),
        new Date().toISOString(),
      ),
    );
    const index = new VectorIndex('order-test', 4, null);
    const vector = (x: number) => new Float32Array([x, 1, 0, 0]);
    await replaceVectors(store.db, 'order-test', [{ paperId: ids[0]!, vector: vector(1) }], '2026-01-01');
    expect(await index.catchUp(store)).toBe(1);

    const a = await store.db.startTransaction().execute();
    const written = await replaceVectors(a, 'order-test', [{ paperId: ids[1]!, vector: vector(2) }], '2026-01-01');
    const b = await store.db.startTransaction().execute();
    const later = await replaceVectors(b, 'order-test', [{ paperId: ids[2]!, vector: vector(3) }], '2026-01-01');
    await b.commit().execute();
    expect(written.stored[0]!.key).toBeLessThan(later.stored[0]!.key);

    expect(await index.catchUp(store)).toBe(1);
    expect(index.size()).toBe(2);
    await a.commit().execute();
    expect(await index.catchUp(store)).toBe(1);
    expect(index.size()).toBe(3);
    expect(await index.catchUp(store)).toBe(0);
    expect(
      index
        .search(vector(2), 3)
        .map((m) => m.key)
        .sort((x, y) => x - y),
    ).toEqual(
      [...(await store.db.selectFrom('search_vectors').select('key').where('embedder', '=', 'order-test').execute())]
        .map((row) => Number(row.key))
        .sort((x, y) => x - y),
    );
  });
});
