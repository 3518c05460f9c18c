import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { dailyEntry, snapshotLine } from '../helpers/fixtures.js';
import { createPostgresDatabase, describeEachStore, postgresAvailable, tempDir } from '../helpers/stores.js';

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

/** A database the killed import writes to, read from the test through the engine's own client. */
interface CrashTarget {
  readonly env: Record<string, string>;
  /** The import's checkpoint, once a batch has committed (null before, or while the schema does not exist yet). */
  checkpoint(): Promise<string | null>;
  papers(): Promise<{ n: number; d: number }>;
  close(): Promise<void>;
}

function sqliteTarget(dir: string): CrashTarget {
  const dbFile = path.join(dir, 'paperboy.db');
  const read = <T>(query: string): T | undefined => {
    if (!fs.existsSync(dbFile)) return undefined;
    const reader = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
    try {
      return reader.prepare(query).get() as T | undefined;
    } catch {
      return undefined; // the schema may not exist yet
    } finally {
      reader.close();
    }
  };
  return {
    env: { DATABASE_URL: `sqlite:${dbFile}` },
    checkpoint: () => Promise.resolve(read<{ value: string }>("SELECT value FROM job_state WHERE key LIKE 'import:%'")?.value ?? null),
    papers: () =>
      Promise.resolve(read<{ n: number; d: number }>("SELECT count(*) AS n, count(DISTINCT id) AS d FROM papers WHERE id LIKE '2602.%'")!),
    close: () => Promise.resolve(),
  };
}

async function postgresTarget(): Promise<CrashTarget> {
  const database = await createPostgresDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const read = async <T>(query: string): Promise<T | undefined> => {
    try {
      return (await client.query(query)).rows[0] as T | undefined;
    } catch {
      return undefined; // the schema may not exist yet
    }
  };
  return {
    env: { DATABASE_URL: database.url },
    checkpoint: async () => (await read<{ value: string }>("SELECT value FROM job_state WHERE key LIKE 'import:%'"))?.value ?? null,
    papers: async () =>
      (await read<{ n: number; d: number }>("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM papers WHERE id LIKE '2602.%'"))!,
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('an import killed mid-run (%s)', (engine) => {
  const run = engine === 'sqlite' || postgresAvailable ? it : it.skip;
  run(
    'resumes on the next run with every paper stored exactly once',
    async () => {
      const dir = tempDir();
      const file = path.join(dir, 'big.jsonl');
      // Large enough that the import is still running well after its first committed batch is seen.
      const total = 15_000;
      const lines = Array.from({ length: total }, (_, i) => snapshotLine({ id: `2602.${String(i + 1).padStart(5, '0')}` }));
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      const target = engine === 'sqlite' ? sqliteTarget(dir) : await postgresTarget();
      try {
        const env = { ...process.env, PAPERBOY_DATA_DIR: dir, PAPERBOY_DEMO: 'off', ...target.env };
        const entry = path.resolve('src/cli/run.ts');

        const child = spawn(process.execPath, ['--import', 'tsx', entry, 'import', 'arxiv-snapshot', file], { env, stdio: 'ignore' });
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        // Kill it as soon as a batch has been committed, long before the file is done.
        let killedAt = 0;
        for (let attempt = 0; attempt < 1200 && killedAt === 0; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          const checkpoint = await target.checkpoint();
          if (checkpoint !== null) {
            child.kill('SIGKILL');
            killedAt = Number(checkpoint);
          }
        }
        expect(await exited).toBe('SIGKILL');
        expect(killedAt).toBeGreaterThan(0);
        expect(killedAt).toBeLessThan(total);
        // Everything up to the checkpoint committed with it, and nothing was stored twice.
        const atKill = await target.papers();
        expect(atKill.n).toBe(atKill.d);
        expect(atKill.n).toBeGreaterThanOrEqual(killedAt);

        const { io, out, err } = captureIo();
        expect(
          await runCli(['import', 'arxiv-snapshot', file], io, { PAPERBOY_DATA_DIR: dir, PAPERBOY_LOG: 'silent', ...target.env }),
        ).toBe(0);
        expect(err.join('\n')).toMatch(/resuming after record \d+/);
        expect(out.join('\n')).toMatch(/already imported by an interrupted run \d+/);
        expect(await target.papers()).toEqual({ n: total, d: total });
      } finally {
        await target.close();
      }
    },
    90_000,
  );
});
