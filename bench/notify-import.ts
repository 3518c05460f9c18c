// npm run bench:notify-import [-- --papers 30000 --readers 2000 --follows 10 --author-pool 150000 --runs 3] [--postgres postgres://...]
// What creating "new paper by an author you follow" notifications costs an import. The same synthetic arXiv
// snapshot (recent papers, so every one counts as new) is imported into a fresh database without any follows (the
// baseline) and with readers following many of its authors, round-robin `--runs` times so a busy machine slows both
// alike; the best run of each counts. SQLite, and PostgreSQL when reachable. Prints one JSON object.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore, type Store } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { snapshotFileUnit } from '../src/ingest/arxiv-snapshot.js';
import { runImport } from '../src/ingest/import-runner.js';
import { seededRandom } from '../src/seeded-random.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '30000' },
    readers: { type: 'string', default: '2000' },
    follows: { type: 'string', default: '10' },
    // Distinct author names the papers draw from; fewer names mean more papers per followed author.
    'author-pool': { type: 'string' },
    runs: { type: 'string', default: '3' },
    postgres: {
      type: 'string',
      default: process.env.PAPERBOY_BENCH_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
    },
  },
});
const PAPERS = Number(values.papers);
const READERS = Number(values.readers);
const FOLLOWS_PER_READER = Number(values.follows);
const RUNS = Number(values.runs);
const AUTHOR_POOL = Number(values['author-pool'] ?? PAPERS * 5);
const now = new Date();
const day = now.toISOString().slice(0, 10);

const authorName = (i: number) => `Author${i} Surname${i % 97}`;

function writeSnapshot(file: string): void {
  const random = seededRandom(7);
  const lines: string[] = [];
  for (let i = 0; i < PAPERS; i++) {
    const authors = Array.from({ length: 1 + Math.floor(random() * 6) }, () => authorName(Math.floor(random() * AUTHOR_POOL)));
    lines.push(
      JSON.stringify({
        id: `2611.${String(i + 1).padStart(5, '0')}`,
        authors: authors.join(', '),
        title: `Synthetic paper ${i}`,
        abstract: `An abstract about topic ${i % 500} and method ${i % 37}.`,
        categories: 'cs.LG',
        versions: [],
        update_date: day,
      }),
    );
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

async function seedFollows(store: Store): Promise<number> {
  const stamp = now.toISOString();
  const random = seededRandom(11);
  const users = await store.db
    .insertInto('users')
    .values(
      Array.from({ length: READERS }, (_, i) => ({
        username: `bench${i}`,
        email: `bench${i}@example.org`,
        password_hash: 'x',
        created_at: stamp,
      })),
    )
    .returning('id')
    .execute();
  const follows = new Map<string, { user_id: number; kind: string; value: string; created_at: string }>();
  for (const user of users) {
    for (let f = 0; f < FOLLOWS_PER_READER; f++) {
      const value = authorName(Math.floor(random() * AUTHOR_POOL));
      follows.set(`${user.id}\0${value}`, { user_id: user.id, kind: 'author', value, created_at: stamp });
    }
  }
  const rows = [...follows.values()];
  for (let i = 0; i < rows.length; i += 1000)
    await store.db
      .insertInto('follows')
      .values(rows.slice(i, i + 1000))
      .execute();
  return rows.length;
}

interface Target {
  readonly engine: 'sqlite' | 'postgres';
  open(): Promise<{ store: Store; drop: () => Promise<void> }>;
}

function sqliteTarget(dir: string): Target {
  let n = 0;
  return {
    engine: 'sqlite',
    async open() {
      n += 1;
      const file = path.join(dir, `bench-${n}.db`);
      const store = openStore({ kind: 'sqlite', path: file });
      return { store, drop: async () => fs.rmSync(file, { force: true }) };
    },
  };
}

async function postgresTarget(adminUrl: string): Promise<Target | null> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  await admin.end();
  return {
    engine: 'postgres',
    async open() {
      const name = `paperboy_bench_notify_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const store = openStore({ kind: 'postgres', url: url.toString() });
      return {
        store,
        drop: async () => {
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  };
}

async function importOnce(target: Target, file: string, withFollows: boolean) {
  const { store, drop } = await target.open();
  try {
    await migrateToLatest(store);
    const follows = withFollows ? await seedFollows(store) : 0;
    const started = performance.now();
    const summary = await runImport(store, [snapshotFileUnit(file)], { now: () => now });
    const seconds = (performance.now() - started) / 1000;
    const notifications = Number(
      (
        await store.db
          .selectFrom('notifications')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    return { seconds, inserted: summary.inserted, follows, notifications };
  } finally {
    await store.close();
    await drop();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-notify-'));
const file = path.join(dir, 'snapshot.jsonl');
writeSnapshot(file);
const targets = [sqliteTarget(dir), await postgresTarget(values.postgres)].filter((t): t is Target => t !== null);
const results: Record<string, unknown> = {};
for (const target of targets) {
  const baseline: number[] = [];
  const followed: number[] = [];
  let last = { follows: 0, notifications: 0, inserted: 0 };
  for (let run = 0; run < RUNS; run++) {
    baseline.push((await importOnce(target, file, false)).seconds);
    const withFollows = await importOnce(target, file, true);
    followed.push(withFollows.seconds);
    last = withFollows;
  }
  const best = (xs: number[]) => Math.min(...xs);
  results[target.engine] = {
    papers: last.inserted,
    follows: last.follows,
    notificationsCreated: last.notifications,
    baselineSeconds: Math.round(best(baseline) * 100) / 100,
    withFollowsSeconds: Math.round(best(followed) * 100) / 100,
    ratio: Math.round((best(followed) / best(baseline)) * 1000) / 1000,
    baselineRuns: baseline.map((s) => Math.round(s * 100) / 100),
    withFollowsRuns: followed.map((s) => Math.round(s * 100) / 100),
  };
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    benchmark: 'notify-import',
    papers: PAPERS,
    readers: READERS,
    followsPerReader: FOLLOWS_PER_READER,
    authorPool: AUTHOR_POOL,
    runs: RUNS,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    cpus: os.cpus().length,
    ...results,
  }),
);
