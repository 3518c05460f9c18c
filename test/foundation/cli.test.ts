import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { dailyEntry, snapshotLine } from '../helpers/fixtures.js';
import { describeEachStore, tempDir } from '../helpers/stores.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describeEachStore('CLI import and stats', (get) => {
  it('imports both formats and reports counts with stats --json', async () => {
    const { databaseUrl, dataDir } = get();
    const env = { DATABASE_URL: databaseUrl, PAPERBOY_DATA_DIR: dataDir };
    const snapshot = path.join(dataDir, 'snap.jsonl');
    fs.writeFileSync(snapshot, [snapshotLine({ id: '2601.00001' }), snapshotLine({ id: '2601.00002' }), 'oops'].join('\n'));
    const feedDir = path.join(dataDir, 'daily');
    fs.mkdirSync(feedDir);
    fs.writeFileSync(path.join(feedDir, '2026-01-05.json'), JSON.stringify([dailyEntry({ id: '2601.00002', day: '2026-01-05' })]));
    fs.writeFileSync(path.join(feedDir, '2026-01-06.json'), JSON.stringify([dailyEntry({ id: '2601.00003', day: '2026-01-06' })]));

    const imported = captureIo();
    expect(await runCli(['import', 'arxiv-snapshot', snapshot], imported.io, env)).toBe(3);
    expect(imported.out.join('\n')).toMatch(/read 3, inserted 2, updated 0, skipped 1/);
    expect(imported.out.join('\n')).toContain('not valid JSON');

    const daily = captureIo();
    expect(await runCli(['import', 'hf-daily', feedDir], daily.io, env)).toBe(0);
    expect(daily.out.join('\n')).toMatch(/read 2, inserted 1, updated 1, skipped 0/);

    const stats = captureIo();
    expect(await runCli(['stats', '--json'], stats.io, env)).toBe(0);
    const result = JSON.parse(stats.out.join('')) as Record<string, unknown>;
    expect(result).toMatchObject({ papers: 3, feedDays: 2, feed: { first: '2026-01-05', last: '2026-01-06' } });
    expect(result.databaseBytes).toBeGreaterThan(0);
  });
});

describe('CLI errors', () => {
  it('names the bad variable and exits 2 on invalid configuration', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['stats'], io, { PORT: 'abc' })).toBe(2);
    expect(err.join('\n')).toContain('PORT');
  });

  it('rejects unknown commands and flags with a usage message', async () => {
    const dir = tempDir();
    const env = { PAPERBOY_DATA_DIR: dir };
    const unknown = captureIo();
    expect(await runCli(['frobnicate'], unknown.io, env)).toBe(2);
    expect(unknown.err.join('\n')).toContain('Unknown command');
    const flag = captureIo();
    expect(await runCli(['stats', '--bogus'], flag.io, env)).toBe(2);
    expect(flag.err.join('\n')).toContain('Usage: paperboy stats');
    const missing = captureIo();
    expect(await runCli(['import', 'arxiv-snapshot', path.join(dir, 'nope.jsonl')], missing.io, env)).toBe(2);
    expect(missing.err.join('\n')).toContain('no such file');
  });
});

describe('an import killed mid-run', () => {
  it('resumes on the next run with every paper stored exactly once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.jsonl');
    // Large enough that the import is still running well after its first committed batch (500 records) is seen.
    const total = 15_000;
    const lines = Array.from({ length: total }, (_, i) => snapshotLine({ id: `2602.${String(i + 1).padStart(5, '0')}` }));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const dbFile = path.join(dir, 'paperboy.db');
    const env = { ...process.env, PAPERBOY_DATA_DIR: dir, DATABASE_URL: `sqlite:${dbFile}` };
    const entry = path.resolve('src/cli/run.ts');

    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'import', 'arxiv-snapshot', file], { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it as soon as a batch has been committed, long before the file is done.
    let killedAt = 0;
    for (let attempt = 0; attempt < 600 && killedAt === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (!fs.existsSync(dbFile)) continue;
      const reader = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
      try {
        const row = reader.prepare("SELECT value FROM job_state WHERE key LIKE 'import:%'").get() as { value: string } | undefined;
        if (row) {
          child.kill('SIGKILL');
          killedAt = Number(row.value);
        }
      } catch {
        // the schema may not exist yet
      } finally {
        reader.close();
      }
    }
    expect(await exited).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(total);

    const { io, out, err } = captureIo();
    expect(
      await runCli(['import', 'arxiv-snapshot', file], io, {
        PAPERBOY_DATA_DIR: dir,
        DATABASE_URL: `sqlite:${dbFile}`,
        PAPERBOY_LOG: 'silent',
      }),
    ).toBe(0);
    expect(err.join('\n')).toMatch(/resuming after record \d+/);
    expect(out.join('\n')).toMatch(/already imported by an interrupted run \d+/);

    const db = new SqliteDatabase(dbFile, { readonly: true });
    const row = db.prepare("SELECT count(*) AS n, count(DISTINCT id) AS d FROM papers WHERE id LIKE '2602.%'").get() as {
      n: number;
      d: number;
    };
    db.close();
    expect(row).toEqual({ n: total, d: total });
  }, 60_000);
});
