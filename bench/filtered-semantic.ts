// Filtered semantic search: scoring the filter's matches exactly (the filter applied in SQL first) against
// searching the approximate index ever wider, on synthetic papers with random vectors.
// Usage: npx tsx bench/filtered-semantic.ts [--papers 100000] [--dimensions 256] [--engine sqlite|postgres]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openPostgres, openSqlite } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { upsertPapers } from '../src/papers/papers.repository.js';
import { l2Normalize } from '../src/search/embedders/embedder.js';
import { NO_FILTERS } from '../src/search/paper-filters.js';
import { nearestPapers } from '../src/search/semantic/nearest-papers.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { replaceVectors } from '../src/search/vectors.repository.js';
import { percentile } from '../src/search/eval/metrics.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '256' },
    engine: { type: 'string', default: 'sqlite' },
  },
});
const papers = Number(values.papers);
const dimensions = Number(values.dimensions);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-filtered-'));
const store = values.engine === 'postgres' ? openPostgres(process.env.DATABASE_URL!, 4) : openSqlite(path.join(dir, 'bench.db'));
await migrateToLatest(store);

let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const vector = () => l2Normalize(Float32Array.from({ length: dimensions }, random));
/** Filter fractions: a paper carries category f.p<N> when it is among N in 1000. */
const FRACTIONS = [1, 5, 20, 50, 200];
const embedder = 'bench:random';
const now = new Date().toISOString();
const batch = Math.floor(store.capabilities.maxParameters / 20);
const index = new VectorIndex(embedder, dimensions, null);
for (let start = 0; start < papers; start += batch) {
  const rows = Array.from({ length: Math.min(batch, papers - start) }, (_, j) => {
    const i = start + j;
    return {
      id: `2601.${String(i).padStart(6, '0')}`,
      version: null,
      title: `Paper ${i}`,
      abstract: 'Synthetic.',
      authors: ['Someone'],
      categories: ['cs.LG', ...FRACTIONS.filter((f) => i % 1000 < f).map((f) => `f.p${f}`)],
      publishedAt: '2025-01-01T00:00:00.000Z',
      source: 'bench',
    };
  });
  await store.db.transaction().execute(async (trx) => {
    await upsertPapers(trx, rows, now);
    const written = await replaceVectors(
      trx,
      embedder,
      rows.map((r) => ({ paperId: r.id, vector: vector() })),
      now,
    );
    index.add(written.stored);
  });
}

const queries = Array.from({ length: 20 }, vector);
const result: Record<string, unknown> = { papers, dimensions, engine: values.engine };
for (const fraction of FRACTIONS) {
  const filters = { ...NO_FILTERS, categories: [`f.p${fraction}`] };
  for (const [name, exactScanMax] of [
    ['exact', Number.MAX_SAFE_INTEGER],
    ['ann', 0],
  ] as const) {
    const times: number[] = [];
    for (const query of queries) {
      const started = performance.now();
      await nearestPapers(store, index, { query, limit: 100, filters, exclude: null, exactScanMax });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    result[`${fraction / 10}% ${name} p50/p95 ms`] = `${percentile(times, 50).toFixed(1)} / ${percentile(times, 95).toFixed(1)}`;
  }
}
console.log(JSON.stringify(result, null, 1));
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
