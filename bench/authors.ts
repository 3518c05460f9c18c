// npm run bench:authors [-- --papers 200000 --queries 30]
// Fills a fresh SQLite file with synthetic papers (four authors each, drawn from a skewed pool of names, so a few
// names have hundreds of papers), then times the author profile (an indexed read of paper_authors by name plus
// the listing of one page) for the most prolific name and for a typical one, against a baseline measured in the same
// run: the same papers found by scanning every paper's JSON author list. Prints one JSON object.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { authorProfile } from '../src/authors/author-profile.js';
import { openSqlite } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { PaperRecord } from '../src/papers/paper.js';
import { paperBatchSize, upsertPapers } from '../src/papers/papers.repository.js';

const { values } = parseArgs({ options: { papers: { type: 'string', default: '200000' }, queries: { type: 'string', default: '30' } } });
const PAPERS = Number(values.papers);
const QUERIES = Number(values.queries);
const NAMES = Math.max(1000, Math.round(PAPERS / 2));

/**
 * A skewed pick: low-numbered names are drawn far more often (at 200,000 papers the first name is on about 2,500
 * papers, near arXiv's most prolific authors; most names are on a handful).
 */
function pickName(random: () => number): string {
  return `Author Number${Math.floor(NAMES * random() ** 2)}`;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timeMs(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: Math.round(percentile(times, 0.5) * 100) / 100, p95: Math.round(percentile(times, 0.95) * 100) / 100 };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-authors-'));
const store = openSqlite(path.join(dir, 'bench.db'));
try {
  await migrateToLatest(store);
  const random = mulberry32(42);
  const batch = paperBatchSize(store.capabilities.maxParameters);
  const fillStart = Date.now();
  for (let start = 0; start < PAPERS; start += batch) {
    const records: PaperRecord[] = [];
    for (let i = start; i < Math.min(PAPERS, start + batch); i++) {
      const day = new Date(Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000).toISOString();
      records.push({
        id: `${String(1501 + Math.floor(i / 99_999)).padStart(4, '0')}.${String(i % 99_999).padStart(5, '0')}`,
        version: 1,
        title: `Synthetic paper ${i} on topic ${i % 97}`,
        abstract: `An abstract about topic ${i % 97} and method ${i % 13}.`,
        authors: [...new Set([pickName(random), pickName(random), pickName(random), pickName(random)])],
        categories: ['cs.LG'],
        publishedAt: day,
        source: 'bench',
      });
    }
    await store.db.transaction().execute((trx) => upsertPapers(trx, records, '2025-01-01T00:00:00.000Z'));
  }
  const fillSeconds = (Date.now() - fillStart) / 1000;

  const deps = { store, now: () => new Date('2025-06-01T00:00:00Z') };
  const prolific = 'Author Number0';
  const typical = `Author Number${Math.round(NAMES / 20)}`;
  const counts = await Promise.all(
    [prolific, typical].map((name) =>
      store.db
        .selectFrom('paper_authors')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('name', '=', name)
        .executeTakeFirstOrThrow(),
    ),
  );
  const scan = (name: string) =>
    sql`SELECT papers.id FROM papers WHERE papers.hidden = 0
      AND EXISTS (SELECT 1 FROM json_each(papers.authors) WHERE json_each.value = ${name})`.execute(store.db);
  const results: Record<string, unknown> = {};
  for (const [label, name] of [
    ['prolific', prolific],
    ['typical', typical],
  ] as const) {
    const profile = await timeMs(QUERIES, () => authorProfile(deps, { name }));
    const baseline = await timeMs(Math.max(3, Math.round(QUERIES / 10)), () => scan(name));
    results[label] = {
      name,
      papers: Number(counts[label === 'prolific' ? 0 : 1]!.n),
      profileMs: profile,
      jsonScanBaselineMs: baseline,
      profileP95OverScanP50: Math.round((profile.p95 / baseline.p50) * 1000) / 1000,
    };
  }
  const rows = await store.db
    .selectFrom('paper_authors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    JSON.stringify({
      engine: 'sqlite',
      papers: PAPERS,
      paperAuthorRows: Number(rows.n),
      fillSeconds: Math.round(fillSeconds * 10) / 10,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      ...results,
    }),
  );
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
