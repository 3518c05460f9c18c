import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { authorProfile } from '../../src/authors/author-profile.js';
import { snapshotFileUnit } from '../../src/ingest/arxiv-snapshot.js';
import { AuthorIndexDeferral } from '../../src/ingest/author-index-deferral.js';
import { runImport } from '../../src/ingest/import-runner.js';
import { setAsideAuthorNameIndex } from '../../src/papers/author-name-index.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { snapshotLine } from '../helpers/fixtures.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';

const INDEX = 'paper_authors_name_key_name';

async function hasAuthorNameIndex({ kind, store }: TestStore): Promise<boolean> {
  const { rows } =
    kind === 'sqlite'
      ? await sql`SELECT name FROM sqlite_master WHERE type = 'index' AND name = ${INDEX}`.execute(store.db)
      : await sql`SELECT indexname FROM pg_indexes WHERE indexname = ${INDEX}`.execute(store.db);
  return rows.length === 1;
}

function snapshotOf(dir: string, name: string, prefix: string, count: number): string {
  const file = path.join(dir, name);
  const lines = Array.from({ length: count }, (_, i) => {
    const id = `${prefix}.${String(i + 1).padStart(5, '0')}`;
    return snapshotLine({
      id,
      title: `Paper ${id}`,
      authors: `Ada Lovelace and Grace Hopper${i % 7}`,
      authors_parsed: [
        ['Lovelace', 'Ada', ''],
        [`Hopper${i % 7}`, 'Grace', ''],
      ],
    });
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function importing(t: TestStore, file: string, bulkFrom?: number) {
  const lines: string[] = [];
  const summary = runImport(t.store, [snapshotFileUnit(file)], { progress: { line: (line) => lines.push(line) }, bulkFrom });
  return { summary, lines };
}

describeEachStore('the author-name index during bulk imports', { lifetime: 'test' }, (get) => {
  it('is set aside once an import outgrows what was stored, and built again with the same answers', async () => {
    const t = get();
    const { summary, lines } = importing(t, snapshotOf(t.dataDir, 'bulk.jsonl', '2601', 2500), 1000);
    expect(await summary).toMatchObject({ inserted: 2500, skipped: 0 });
    // Batches of 2,000: the check comes before the second one.
    expect(lines.filter((line) => line.includes('author-name index'))).toEqual([
      expect.stringMatching(/^bulk import: the author-name index is set aside until the papers are written \(2000 new so far\)$/),
      expect.stringMatching(/^built the author-name index in \d+\.\d s$/),
    ]);
    expect(await hasAuthorNameIndex(t)).toBe(true);
    const deps = { store: t.store, now: () => new Date('2026-01-01T00:00:00Z') };
    expect((await authorProfile(deps, { name: 'Ada Lovelace' })).paperCount).toBe(2500);
    // Papers written after the index was set aside are found by it like the first ones.
    expect((await authorProfile(deps, { name: 'Grace Hopper3' })).paperCount).toBe(357);
  });

  it('is set aside after the first batch of an import into an empty database, by default', async () => {
    const t = get();
    const { summary, lines } = importing(t, snapshotOf(t.dataDir, 'fresh.jsonl', '2606', 2500));
    expect(await summary).toMatchObject({ inserted: 2500 });
    expect(lines.filter((line) => line.includes('set aside'))).toEqual([
      'bulk import: the author-name index is set aside until the papers are written (2000 new so far)',
    ]);
    expect(await hasAuthorNameIndex(t)).toBe(true);
  });

  it('is asked about again only once the import could have caught up with what was stored', async () => {
    const t = get();
    await importing(t, snapshotOf(t.dataDir, 'stored.jsonl', '2607', 300), 100_000).summary;
    const lines: string[] = [];
    const deferral = new AuthorIndexDeferral(t.store, { line: (line) => lines.push(line) }, 50);
    // 50 of the 300 papers are this import's: 250 were stored before it, so it is not a bulk load yet.
    await deferral.beforeBatch(50);
    expect(lines).toEqual([]);
    // Were the papers counted again at 100 new, the 150 left would make it one; it waits for 250 new papers.
    await sql`DELETE FROM papers WHERE id > ${'2607.00150'}`.execute(t.store.db);
    await deferral.beforeBatch(100);
    expect(lines).toEqual([]);
    expect(await hasAuthorNameIndex(t)).toBe(true);
    await deferral.beforeBatch(250);
    expect(lines).toEqual(['bulk import: the author-name index is set aside until the papers are written (250 new so far)']);
    expect(await hasAuthorNameIndex(t)).toBe(false);
    await deferral.finish();
    expect(await hasAuthorNameIndex(t)).toBe(true);
  });

  it('stays in place for an import smaller than the collection', async () => {
    const t = get();
    await importing(t, snapshotOf(t.dataDir, 'first.jsonl', '2602', 2500), 100_000).summary;
    const { summary, lines } = importing(t, snapshotOf(t.dataDir, 'second.jsonl', '2603', 2100), 1000);
    expect(await summary).toMatchObject({ inserted: 2100 });
    expect(lines.some((line) => line.includes('author-name index'))).toBe(false);
    expect(await hasAuthorNameIndex(t)).toBe(true);
  });

  it('is built again by the next import when one was killed while it was set aside', async () => {
    const t = get();
    await setAsideAuthorNameIndex(t.store.db);
    expect(await hasAuthorNameIndex(t)).toBe(false);
    await importing(t, snapshotOf(t.dataDir, 'small.jsonl', '2604', 3)).summary;
    expect(await hasAuthorNameIndex(t)).toBe(true);
  });

  it('is built again when the server starts after an import was killed while it was set aside', async () => {
    const t = get();
    await importing(t, snapshotOf(t.dataDir, 'before.jsonl', '2605', 3)).summary;
    await setAsideAuthorNameIndex(t.store.db);
    const server = await startServer(testConfig(t, { PORT: '0', PAPERBOY_DEMO: 'false', PAPERBOY_SCHEDULER: 'off' }));
    try {
      expect(await hasAuthorNameIndex(t)).toBe(true);
      const page = await fetch(`${server.url}/authors/${encodeURIComponent('Grace Hopper1')}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('2605.00002');
    } finally {
      await server.close();
    }
  });
});
