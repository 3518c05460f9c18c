import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, it } from 'vitest';
import { snapshotFileUnit } from '../../src/ingest/arxiv-snapshot.js';
import { dailyFileUnit } from '../../src/ingest/hf-daily.js';
import { runImport } from '../../src/ingest/import-runner.js';
import { listFeed } from '../../src/feed/feed.repository.js';
import { countPapers, findPaper } from '../../src/papers/papers.repository.js';
import { dailyEntry, snapshotLine } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

function writeSnapshot(dir: string, name: string, lines: string[], gzip = false): string {
  const file = path.join(dir, name);
  const text = `${lines.join('\n')}\n`;
  fs.writeFileSync(file, gzip ? zlib.gzipSync(text) : text);
  return file;
}

function ids(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}.${String(i + 1).padStart(5, '0')}`);
}

describeEachStore('importing papers', (get) => {
  it('imports a gzip snapshot, and a second import of the same file updates without duplicating', async () => {
    const { store, dataDir } = get();
    const file = writeSnapshot(
      dataDir,
      'a.jsonl.gz',
      ids('2502', 1200).map((id) => snapshotLine({ id, title: `Paper ${id}` })),
      true,
    );
    const first = await runImport(store, [snapshotFileUnit(file)]);
    expect(first).toMatchObject({ read: 1200, inserted: 1200, updated: 0, skipped: 0 });
    const second = await runImport(store, [snapshotFileUnit(file)]);
    expect(second).toMatchObject({ read: 1200, inserted: 0, updated: 1200, skipped: 0 });
    const count = await store.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'like', '2502.%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1200);
    const paper = await findPaper(store.db, '2502.00007');
    expect(paper).toMatchObject({
      title: 'Paper 2502.00007',
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
      primaryCategory: 'cs.LG',
    });
  });

  it('skips malformed lines with reasons and keeps every good record', async () => {
    const { store, dataDir } = get();
    const file = writeSnapshot(dataDir, 'bad.jsonl', [
      snapshotLine({ id: '2503.00001' }),
      '{ this is not json',
      snapshotLine({ id: 'garbage-id' }),
      '',
      snapshotLine({ id: '2503.00002', title: '' }),
      snapshotLine({ id: '2503.00003' }),
    ]);
    const summary = await runImport(store, [snapshotFileUnit(file)]);
    expect(summary).toMatchObject({ read: 5, inserted: 2, skipped: 3 });
    expect(summary.skippedExamples.map((s) => s.where)).toEqual(['bad.jsonl:2', 'bad.jsonl:3', 'bad.jsonl:4']);
    expect(summary.skippedExamples.map((s) => s.reason)).toEqual([
      'not valid JSON',
      'invalid arXiv id "garbage-id"',
      '2503.00002: missing title',
    ]);
    expect(await findPaper(store.db, '2503.00003')).not.toBeNull();
  });

  it('merges the HF feed into snapshot papers without erasing categories, and refreshes counts on re-import', async () => {
    const { store, dataDir } = get();
    const snapshot = writeSnapshot(dataDir, 's.jsonl', [snapshotLine({ id: '2504.00001', categories: 'cs.CV cs.LG' })]);
    await runImport(store, [snapshotFileUnit(snapshot)]);
    const daily = path.join(dataDir, '2025-04-02.json');
    fs.writeFileSync(daily, JSON.stringify([dailyEntry({ id: '2504.00001', day: '2025-04-02', upvotes: 5 }), { broken: true }]));
    const summary = await runImport(store, [dailyFileUnit(daily)]);
    expect(summary).toMatchObject({ read: 2, inserted: 0, updated: 1, skipped: 1, feedEntries: 1 });
    const paper = await findPaper(store.db, '2504.00001');
    expect(paper?.categories).toEqual(['cs.CV', 'cs.LG']);
    expect(paper?.codeRepo).toEqual({ url: 'https://github.com/example/things', stars: 42, starsCountedAt: '2025-04-02T00:00:00.000Z' });
    expect(paper?.organization).toEqual({ name: 'example', fullname: 'Example Lab', avatar: null });

    fs.writeFileSync(daily, JSON.stringify([dailyEntry({ id: '2504.00001', day: '2025-04-02', upvotes: 9 })]));
    await runImport(store, [dailyFileUnit(daily)]);
    const feed = await listFeed(store.db, { from: '2025-04-02', to: '2025-04-02' }, { limit: 10, offset: 0 });
    expect(feed).toHaveLength(1);
    expect(feed[0]?.upvotes).toBe(9);
  });

  it('does not let an older version overwrite a newer one', async () => {
    const { store, dataDir } = get();
    const newer = writeSnapshot(dataDir, 'v3.jsonl', [snapshotLine({ id: '2505.00001v3', title: 'Version three' })]);
    const older = writeSnapshot(dataDir, 'v1.jsonl', [snapshotLine({ id: '2505.00001v1', title: 'Version one' })]);
    await runImport(store, [snapshotFileUnit(newer)]);
    await runImport(store, [snapshotFileUnit(older)]);
    const paper = await findPaper(store.db, '2505.00001');
    expect(paper).toMatchObject({ version: 3, title: 'Version three' });
  });

  it('resumes an interrupted import after the last committed batch, losing and duplicating nothing', async () => {
    const { store, dataDir } = get();
    const all = ids('2506', 2500);
    const file = writeSnapshot(
      dataDir,
      'big.jsonl',
      all.map((id) => snapshotLine({ id })),
    );
    const interrupted = await runImport(store, [snapshotFileUnit(file)], { limit: 1100 });
    expect(interrupted.read).toBe(1100);
    const resumed = await runImport(store, [snapshotFileUnit(file)]);
    expect(resumed.resumed).toBe(1100);
    expect(resumed.read).toBe(1400);
    expect(resumed.inserted).toBe(1400);
    const rows = await store.db.selectFrom('papers').select('id').where('id', 'like', '2506.%').execute();
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(all));
    // A completed import leaves no checkpoint behind: the next run re-reads the file from the start.
    const again = await runImport(store, [snapshotFileUnit(file)]);
    expect(again).toMatchObject({ resumed: 0, read: 2500, inserted: 0 });
  });

  it('writes nothing on a dry run', async () => {
    const { store, dataDir } = get();
    const before = await countPapers(store.db);
    const file = writeSnapshot(
      dataDir,
      'dry.jsonl',
      ids('2507', 10).map((id) => snapshotLine({ id })),
    );
    const summary = await runImport(store, [snapshotFileUnit(file)], { dryRun: true });
    expect(summary.read).toBe(10);
    expect(await countPapers(store.db)).toBe(before);
  });
});
