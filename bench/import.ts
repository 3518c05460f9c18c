// npm run bench:import [-- --data ../shared/data/arxiv-snapshot] [--database postgres://...] [--runs 3]
// Imports every arXiv snapshot file into a fresh SQLite file (and PostgreSQL database when reachable) and compares
// the rate with a parse-only baseline measured in the same run. Each phase runs in its own process so that its
// peak RSS is its own. The phases run round-robin `--runs` times, so a busy machine slows all of them alike, and
// the best run of each counts (the median is reported too). CPU seconds sit next to wall seconds: the whole
// process, its main thread (where the database writes happen; Linux only) and, for a local PostgreSQL, the server
// backends doing the import's work. Prints one JSON object.
import { spawnSync } from 'node:child_process';
import { freshPostgresDatabase } from './postgres-database.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { parseSnapshotRecord, snapshotFileUnit } from '../src/ingest/arxiv-snapshot.js';
import { runImport } from '../src/ingest/import-runner.js';
import { fillAllPendingDocuments } from '../src/search/lexical/full-text-backlog.js';
import { openLineFile } from '../src/ingest/line-reader.js';

interface PhaseResult {
  phase: string;
  papers: number;
  seconds: number;
  papersPerSecond: number;
  /** User + system CPU of the whole process (all threads) during the phase. */
  cpuSeconds: number;
  /** CPU of the main thread alone (Linux), where parsing or the database writes happen. */
  mainThreadCpuSeconds: number | null;
  /** CPU of the PostgreSQL server processes serving the benchmark database (local server on Linux). */
  serverCpuSeconds?: number | null;
  /** After a PostgreSQL import: computing the tsvectors it left pending (the server does it in the background). */
  fullTextBackfillSeconds?: number;
  peakRssMiB: number;
  databaseMiB?: number;
}

const { values: parsed } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('../shared/data/arxiv-snapshot') },
    /** The PostgreSQL server to import into (a fresh database is created on it for each run); `--postgres` is the same. */
    database: { type: 'string' },
    postgres: {
      type: 'string',
      default: process.env.PAPERBOY_BENCH_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
    },
    runs: { type: 'string', default: '3' },
    phase: { type: 'string' },
    target: { type: 'string' },
  },
});

const values = { ...parsed, postgres: parsed.database ?? parsed.postgres };
if (!/^postgres(ql)?:\/\//.test(values.postgres)) throw new Error(`--database must be a postgres:// URL (got "${values.postgres}")`);

function snapshotFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /\.jsonl?(\.gz)?$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function processCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** utime + stime of a /proc stat file, in seconds (assumes the usual 100 clock ticks per second). */
function procStatCpuSeconds(file: string): number | null {
  try {
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function mainThreadCpuSeconds(): number | null {
  return procStatCpuSeconds(`/proc/self/task/${process.pid}/stat`);
}

/** Sum of CPU seconds of the local PostgreSQL backends connected to `database` (their titles name it). */
function serverCpuSeconds(database: string): number | null {
  let total = 0;
  let found = false;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of entries) {
    let title: string;
    try {
      title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!title.startsWith('postgres: ') || !title.includes(` ${database} `)) continue;
    const cpu = procStatCpuSeconds(`/proc/${pid}/stat`);
    if (cpu === null) continue;
    total += cpu;
    found = true;
  }
  return found ? total : null;
}

interface CpuMark {
  started: number;
  process: number;
  mainThread: number | null;
}

function cpuMark(): CpuMark {
  return { started: performance.now(), process: processCpuSeconds(), mainThread: mainThreadCpuSeconds() };
}

function since(mark: CpuMark): Pick<PhaseResult, 'seconds' | 'cpuSeconds' | 'mainThreadCpuSeconds'> {
  const mainThread = mainThreadCpuSeconds();
  return {
    seconds: (performance.now() - mark.started) / 1000,
    cpuSeconds: round(processCpuSeconds() - mark.process),
    mainThreadCpuSeconds: mainThread === null || mark.mainThread === null ? null : round(mainThread - mark.mainThread),
  };
}

async function parseOnly(files: string[]): Promise<PhaseResult> {
  const mark = cpuMark();
  let papers = 0;
  for (const file of files) {
    for await (const line of openLineFile(file).lines()) {
      if (line.trim() === '') continue;
      parseSnapshotRecord(line);
      papers += 1;
    }
  }
  const elapsed = since(mark);
  return {
    phase: 'parse-only',
    papers,
    ...elapsed,
    seconds: round(elapsed.seconds),
    papersPerSecond: Math.round(papers / elapsed.seconds),
    peakRssMiB: peakRssMiB(),
  };
}

async function importInto(files: string[], target: string, phase: string): Promise<PhaseResult> {
  const postgres = target.startsWith('postgres');
  const store = openStore(postgres ? { kind: 'postgres', url: target } : { kind: 'sqlite', path: target });
  await migrateToLatest(store);
  const database = postgres ? new URL(target).pathname.slice(1) : '';
  const serverBefore = postgres ? serverCpuSeconds(database) : null;
  const mark = cpuMark();
  const summary = await runImport(store, files.map(snapshotFileUnit));
  const elapsed = since(mark);
  const serverAfter = postgres ? serverCpuSeconds(database) : null;
  // PostgreSQL leaves the imported papers' tsvectors to the server's background backfill: time it too, apart.
  let fullTextBackfillSeconds: number | undefined;
  if (store.capabilities.fullText === 'tsvector') {
    const backfillStarted = performance.now();
    await fillAllPendingDocuments(store.db);
    fullTextBackfillSeconds = round((performance.now() - backfillStarted) / 1000);
  }
  const databaseMiB = Math.round((await store.sizeBytes()) / 1024 / 1024);
  await store.close();
  const papers = summary.inserted + summary.updated;
  return {
    phase,
    papers,
    ...elapsed,
    seconds: round(summary.seconds),
    papersPerSecond: Math.round(papers / summary.seconds),
    ...(postgres ? { serverCpuSeconds: serverBefore === null || serverAfter === null ? null : round(serverAfter - serverBefore) } : {}),
    ...(fullTextBackfillSeconds === undefined ? {} : { fullTextBackfillSeconds }),
    peakRssMiB: peakRssMiB(),
    databaseMiB,
  };
}

function runPhase(phase: string, target?: string): PhaseResult {
  const args = ['--import', 'tsx', path.resolve('bench/import.ts'), '--phase', phase, '--data', values.data!];
  if (target) args.push('--target', target);
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`phase ${phase} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as PhaseResult;
}

async function main(): Promise<void> {
  const files = snapshotFiles(values.data!);
  if (values.phase === 'parse-only') {
    console.log(JSON.stringify(await parseOnly(files)));
    return;
  }
  if (values.phase === 'import') {
    console.log(
      JSON.stringify(await importInto(files, values.target!, values.target!.startsWith('postgres') ? 'import-postgres' : 'import-sqlite')),
    );
    return;
  }
  if (files.length === 0) throw new Error(`no snapshot files in ${values.data}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-import-'));
  const results: { baseline: PhaseResult[]; sqlite: PhaseResult[]; postgres: PhaseResult[] } = { baseline: [], sqlite: [], postgres: [] };
  let postgresReachable = true;
  try {
    for (let run = 0; run < runs; run++) {
      results.baseline.push(runPhase('parse-only'));
      const sqliteFile = path.join(dir, `paperboy-${run}.db`);
      results.sqlite.push(runPhase('import', sqliteFile));
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(sqliteFile + suffix, { force: true });
      const database = postgresReachable ? await freshPostgresDatabase(values.postgres!) : null;
      if (!database) {
        postgresReachable = false;
        continue;
      }
      try {
        results.postgres.push(runPhase('import', database.url));
      } finally {
        await database.drop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const byRate = (list: PhaseResult[]) => [...list].sort((a, b) => b.papersPerSecond - a.papersPerSecond);
  const best = (list: PhaseResult[]) => byRate(list)[0]!;
  const medianRate = (list: PhaseResult[]) => byRate(list)[Math.floor((list.length - 1) / 2)]!.papersPerSecond;
  const baseline = best(results.baseline);
  // The busiest thread bounds a phase on an idle machine with a core for each: the import's main thread, or for
  // PostgreSQL the server backend. A load-independent companion to the wall-clock ratio on a shared machine.
  const criticalCpu = (result: PhaseResult) => Math.max(result.mainThreadCpuSeconds ?? result.cpuSeconds, result.serverCpuSeconds ?? 0);
  const summarise = (list: PhaseResult[]) => ({
    ...best(list),
    ratioToBaseline: round(best(list).papersPerSecond / baseline.papersPerSecond, 3),
    busiestThreadCpuRatio: round(baseline.cpuSeconds / criticalCpu(best(list)), 3),
    medianPapersPerSecond: medianRate(list),
    medianRatioToBaseline: round(medianRate(list) / medianRate(results.baseline), 3),
    allRunsSeconds: list.map((r) => r.seconds),
  });
  console.log(
    JSON.stringify({
      files: files.length,
      runs,
      baseline: {
        ...baseline,
        medianPapersPerSecond: medianRate(results.baseline),
        allRunsSeconds: results.baseline.map((r) => r.seconds),
      },
      sqlite: summarise(results.sqlite),
      postgres: results.postgres.length > 0 ? summarise(results.postgres) : 'skipped: PostgreSQL not reachable',
      target: 'import rate >= 0.25 x parse-only rate (best run of each)',
      busiestThreadCpuRatio: "parse-only process CPU / CPU of the import's busiest thread (main thread, or PostgreSQL backend)",
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((n) => round(n, 1)),
      node: process.version,
    }),
  );
}

await main();
