import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { snapshotFileUnit, snapshotFileUnitWith } from '../../src/ingest/arxiv-snapshot.js';
import { dailyFileUnit, listDailyFiles } from '../../src/ingest/hf-daily.js';
import { runImport } from '../../src/ingest/import-runner.js';
import { INPUT_LIMITS } from '../../src/ingest/input-limits.js';
import { findPaper } from '../../src/papers/papers.repository.js';
import { PAPER_LIMITS } from '../../src/papers/paper-limits.js';
import { dailyEntry, snapshotLine } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

function write(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** A gzip file that inflates to `bytes` of one repeated character (about a thousandth of that on disk). */
async function gzipBomb(file: string, bytes: number, fill = ' '): Promise<void> {
  const chunk = Buffer.alloc(1 << 20, fill);
  async function* zeros() {
    for (let written = 0; written < bytes; written += chunk.length) yield chunk;
  }
  await pipeline(zeros(), zlib.createGzip({ level: 9 }), fs.createWriteStream(file));
}

/** A file that starts as valid gzip and then breaks off into garbage. */
function corruptGzip(text: string): Buffer {
  const good = zlib.gzipSync(text);
  return Buffer.concat([good.subarray(0, Math.floor(good.length / 2)), Buffer.from('this is not deflate data at all')]);
}

async function storedIds(get: () => { store: import('../../src/db/database.js').Store }, prefix: string): Promise<string[]> {
  const rows = await get().store.db.selectFrom('papers').select('id').where('id', 'like', `${prefix}.%`).orderBy('id').execute();
  return rows.map((row) => row.id);
}

describeEachStore('import input limits', (get) => {
  it('skips snapshot records with over-long fields or impossible dates, with reasons and lines, and keeps the rest', async () => {
    const { store, dataDir } = get();
    const twoMegabytes = 'lorem ipsum '.repeat(Math.ceil((2 << 20) / 12));
    const file = write(
      dataDir,
      'limits.jsonl',
      [
        snapshotLine({ id: '2611.00001' }),
        snapshotLine({ id: '2611.00002', abstract: twoMegabytes }),
        snapshotLine({ id: '2611.00003', versions: [{ version: 'v1', created: '-271821-04-20' }] }),
        snapshotLine({ id: '2611.00004', update_date: '+275760-09-13' }),
        snapshotLine({ id: '2611.00005', title: 'T'.repeat(PAPER_LIMITS.title + 1) }),
        snapshotLine({
          id: '2611.00006',
          authors_parsed: Array.from({ length: PAPER_LIMITS.authors + 10 }, (_, i) => [`Last${i}`, 'F', '']),
        }),
        snapshotLine({ id: '2611.00007' }),
      ].join('\n'),
    );
    const summary = await runImport(store, [snapshotFileUnit(file)]);
    expect(summary).toMatchObject({ read: 7, inserted: 3, skipped: 4 });
    const abstractLength = twoMegabytes.trim().length;
    expect(summary.skippedExamples).toEqual([
      {
        where: 'limits.jsonl:2',
        reason: `2611.00002: abstract is ${abstractLength} characters long (at most ${PAPER_LIMITS.abstract})`,
      },
      { where: 'limits.jsonl:3', reason: '2611.00003: a version date "-271821-04-20" is not a date from 1991 to 9999' },
      { where: 'limits.jsonl:4', reason: '2611.00004: update_date "+275760-09-13" is not a date from 1991 to 9999' },
      { where: 'limits.jsonl:5', reason: `2611.00005: title is ${PAPER_LIMITS.title + 1} characters long (at most ${PAPER_LIMITS.title})` },
    ]);
    expect(await storedIds(get, '2611')).toEqual(['2611.00001', '2611.00006', '2611.00007']);
    // The 5,000+-author list is kept, truncated to the limit.
    expect((await findPaper(store.db, '2611.00006'))?.authors).toHaveLength(PAPER_LIMITS.authors);
  });

  it('skips an over-long snapshot line without holding it, and names the file of a corrupt gzip while importing the others', async () => {
    const { store, dataDir } = get();
    const good = write(
      dataDir,
      'a-good.jsonl.gz',
      zlib.gzipSync([snapshotLine({ id: '2612.00001' }), snapshotLine({ id: '2612.00002' })].join('\n')),
    );
    const corrupt = write(
      dataDir,
      'b-corrupt.jsonl.gz',
      corruptGzip(Array.from({ length: 50 }, (_, i) => snapshotLine({ id: `2612.1${String(i).padStart(4, '0')}` })).join('\n')),
    );
    // One line of spaces twice the line limit between two good records.
    const bombFile = path.join(dataDir, 'c-long-line.jsonl.gz');
    const long = Buffer.concat([
      zlib.gzipSync(`${snapshotLine({ id: '2612.00003' })}\n`),
      await (async () => {
        const tmp = path.join(dataDir, 'spaces.gz');
        await gzipBomb(tmp, INPUT_LIMITS.snapshotLineBytes * 2, 'x');
        return fs.readFileSync(tmp);
      })(),
      zlib.gzipSync(`\n${snapshotLine({ id: '2612.00004' })}\n`),
    ]);
    fs.writeFileSync(bombFile, long);

    for (const parseInWorker of [false, true]) {
      const units = [good, corrupt, bombFile].map((file) => snapshotFileUnitWith(file, { parseInWorker }));
      const summary = await runImport(store, units);
      const failure = summary.skippedExamples.find((s) => s.where === 'b-corrupt.jsonl.gz');
      expect(failure?.reason).toMatch(/^b-corrupt\.jsonl\.gz could not be read \(.+\)$/);
      expect(summary.skippedExamples).toContainEqual({
        where: 'c-long-line.jsonl.gz:2',
        reason: `line is ${INPUT_LIMITS.snapshotLineBytes * 2} bytes long (at most ${INPUT_LIMITS.snapshotLineBytes})`,
      });
      const ids = await storedIds(get, '2612');
      expect(ids).toEqual(expect.arrayContaining(['2612.00001', '2612.00002', '2612.00003', '2612.00004']));
    }
  });

  it('fails a gzip-bombed or corrupt daily file on its own, with its name, and imports the other days', async () => {
    const { store, dataDir } = get();
    const dir = path.join(dataDir, 'daily');
    fs.mkdirSync(dir);
    write(dir, '2026-11-01.json', JSON.stringify([dailyEntry({ id: '2613.00001', day: '2026-11-01' })]));
    await gzipBomb(path.join(dir, '2026-11-02.json.gz'), INPUT_LIMITS.dailyFileBytes * 2);
    write(dir, '2026-11-03.json.gz', corruptGzip(JSON.stringify([dailyEntry({ id: '2613.00009', day: '2026-11-03' })])));
    write(
      dir,
      '2026-11-04.json',
      JSON.stringify([
        dailyEntry({ id: '2613.00002', day: '2026-11-04' }),
        dailyEntry({ id: '2613.00003', paper: { submittedOnDailyAt: '+275760-09-13T00:00:00.000Z' } }),
        dailyEntry({ id: '2613.00004', paper: { summary: 'x'.repeat(2 << 20) } }),
        dailyEntry({ id: '2613.00005', day: '2026-11-04' }),
      ]),
    );
    const summary = await runImport(store, listDailyFiles([dir]).map(dailyFileUnit));
    expect(summary).toMatchObject({ inserted: 3, skipped: 4, feedEntries: 3 });
    expect(summary.skippedExamples).toEqual([
      { where: '2026-11-02.json.gz', reason: `file decompresses to more than ${INPUT_LIMITS.dailyFileBytes} bytes` },
      { where: '2026-11-03.json.gz', reason: expect.stringMatching(/^file is not valid gzip \(.+\)$/) as unknown as string },
      {
        where: '2026-11-04.json[1]',
        reason: '2613.00003: submittedOnDailyAt "+275760-09-13T00:00:00.000Z" is not a date from 1991 to 9999',
      },
      { where: '2026-11-04.json[2]', reason: `2613.00004: abstract is ${2 << 20} characters long (at most ${PAPER_LIMITS.abstract})` },
    ]);
    expect(await storedIds(get, '2613')).toEqual(['2613.00001', '2613.00002', '2613.00005']);
    const days = await store.db
      .selectFrom('feed_entries')
      .select('day')
      .where('paper_id', 'like', '2613.%')
      .distinct()
      .orderBy('day')
      .execute();
    expect(days.map((row) => row.day)).toEqual(['2026-11-01', '2026-11-04']);
  });

  it('reports the skipped records and files through the CLI and exits 3', async () => {
    const { databaseUrl, dataDir } = get();
    const dir = path.join(dataDir, 'cli-daily');
    fs.mkdirSync(dir);
    write(dir, '2026-11-05.json', JSON.stringify([dailyEntry({ id: '2614.00001', day: '2026-11-05' })]));
    write(dir, '2026-11-06.json.gz', corruptGzip(JSON.stringify([dailyEntry({ id: '2614.00002', day: '2026-11-06' })])));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined };
    const env = { DATABASE_URL: databaseUrl, PAPERBOY_DATA_DIR: dataDir, PAPERBOY_EMBEDDER: 'builtin' };
    expect(await runCli(['import', 'hf-daily', dir], io, env)).toBe(3);
    expect(out.join('\n')).toMatch(/read 2, inserted 1, updated 0, skipped 1/);
    expect(out.join('\n')).toMatch(/e\.g\. 2026-11-06\.json\.gz: file is not valid gzip/);
  });
});
