// npm run bench:import [-- --data ../shared/data/arxiv-snapshot] [--postgres postgres://...]
// Imports every arXiv snapshot file into a fresh SQLite file (and PostgreSQL database when reachable) and compares
// the rate with a parse-only baseline measured in the same run. Each phase runs in its own process so that its
// peak RSS is its own. Prints one JSON object.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { parseSnapshotRecord, snapshotFileUnit } from '../src/ingest/arxiv-snapshot.js';
import { runImport } from '../src/ingest/import-runner.js';
import { openLineFile } from '../src/ingest/line-reader.js';

interface PhaseResult {
  phase: string;
  papers: number;
  seconds: number;
  papersPerSecond: number;
  peakRssMiB: number;
  databaseMiB?: number;
}

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('../shared/data/arxiv-snapshot') },
    postgres: { type: 'string', default: process.env.PAPERBOY_BENCH_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres' },
    phase: { type: 'string' },
    target: { type: 'string' },
  },
});

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

async function parseOnly(files: string[]): Promise<PhaseResult> {
  const started = performance.now();
  let papers = 0;
  for (const file of files) {
    for await (const line of openLineFile(file).lines()) {
      if (line.trim() === '') continue;
      parseSnapshotRecord(line);
      papers += 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { phase: 'parse-only', papers, seconds, papersPerSecond: Math.round(papers / seconds), peakRssMiB: peakRssMiB() };
}

async function importInto(files: string[], target: string, phase: string): Promise<PhaseResult> {
  const store = openStore(target.startsWith('postgres') ? { kind: 'postgres', url: target } : { kind: 'sqlite', path: target });
  await migrateToLatest(store);
  const summary = await runImport(store, files.map(snapshotFileUnit));
  const databaseMiB = Math.round((await store.sizeBytes()) / 1024 / 1024);
  await store.close();
  return {
    phase,
    papers: summary.inserted + summary.updated,
    seconds: summary.seconds,
    papersPerSecond: Math.round((summary.inserted + summary.updated) / summary.seconds),
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

async function freshPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `paperboy_bench_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function main(): Promise<void> {
  const files = snapshotFiles(values.data!);
  if (values.phase === 'parse-only') {
    console.log(JSON.stringify(await parseOnly(files)));
    return;
  }
  if (values.phase === 'import') {
    console.log(JSON.stringify(await importInto(files, values.target!, values.target!.startsWith('postgres') ? 'import-postgres' : 'import-sqlite')));
    return;
  }
  if (files.length === 0) throw new Error(`no snapshot files in ${values.data}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-import-'));
  try {
    const baseline = runPhase('parse-only');
    const sqlite = runPhase('import', path.join(dir, 'paperboy.db'));
    const database = await freshPostgresDatabase(values.postgres!);
    let postgres: PhaseResult | null = null;
    if (database) {
      try {
        postgres = runPhase('import', database.url);
      } finally {
        await database.drop();
      }
    }
    const ratio = (result: PhaseResult) => Math.round((result.papersPerSecond / baseline.papersPerSecond) * 1000) / 1000;
    console.log(
      JSON.stringify({
        files: files.length,
        baseline,
        sqlite: { ...sqlite, ratioToBaseline: ratio(sqlite) },
        postgres: postgres ? { ...postgres, ratioToBaseline: ratio(postgres) } : 'skipped: PostgreSQL not reachable',
        target: 'import rate >= 0.25 x parse-only rate',
        cpus: os.cpus().length,
        node: process.version,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
