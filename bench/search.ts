// npm run bench:search -- --papers N [--data ../shared/data] [--queries 200] [--keep] [--database postgres://…]
//                           [--build commands|in-process]
// Generates N synthetic papers whose vocabulary, title and abstract lengths, authors and categories are drawn from
// the real arXiv snapshot papers and builds a fresh SQLite database and data directory from them as users do (the
// default, `--build commands`): writes them as an arXiv snapshot file, then times `paperboy import arxiv-snapshot`
// and `paperboy index rebuild`, each its own process (FTS5 + the builtin embedder + HNSW). `--build in-process`
// writes the papers straight into the database and indexes them inside this process instead, with per-phase times.
// It prints one JSON object: build times, sizes, peak RSS and latency percentiles for
// lexical, semantic and hybrid queries of 2–4 and 15–25 words, next to two baselines measured in the same run:
// a brute-force scan over every vector and a plain FTS5 bm25() query; and the monthly trend of 2-word queries
// (papers holding both words per month, with their share) next to an SQL group-by over the FTS5 match. The same
// queries are then timed as users get them: `paperboy serve` started on the built database and data directory,
// GET /api/papers/search and uncached /search pages (bench/search-api.ts). With
// --database, the same papers are also written to a fresh database on that PostgreSQL server, built the same way,
// and the same queries timed there, in process and through `paperboy serve` (`postgres`, with ratios against the
// SQLite figures of this run; the server's memory settings are reported beside them). --keep keeps the data
// directories and the PostgreSQL database, for measuring them again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type RawBuilder } from 'kysely';
import { openSqlite } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { parseSnapshotRecord } from '../src/ingest/arxiv-snapshot.js';
import { silentLogger } from '../src/logger.js';
import type { PaperRecord } from '../src/papers/paper.js';
import { PAPER_LIMITS } from '../src/papers/paper-limits.js';
import { countPapers, paperBatchSize, upsertPapers } from '../src/papers/papers.repository.js';
import { openPostgres } from '../src/db/database.js';
import { percentile } from '../src/search/eval/metrics.js';
import { createSearchService, type SearchMode, type SearchService } from '../src/search/search.service.js';
import { PaperDayTotals } from '../src/trends/paper-day-totals.js';
import { measureThroughApi, type ApiLatency } from './search-api.js';
import { freshPostgresDatabase } from './postgres-database.js';
import { queryTrends } from '../src/trends/trends.service.js';
import type { Store } from '../src/db/database.js';
import { STOPWORDS, words } from '../src/search/text.js';
import { bytesToVector } from '../src/search/vectors.repository.js';
import { runPaperboy } from './support/cli-command.js';
import { loadRealPapers, rng, type RealPaper } from './support/real-papers.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '..', '..', 'shared', 'data') },
    queries: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
    build: { type: 'string', default: 'commands' },
  },
});
if (values.build !== 'commands' && values.build !== 'in-process') throw new Error('--build must be commands or in-process');
const BUILD_WITH_COMMANDS = values.build === 'commands';
if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database)) throw new Error('--database must be a postgres:// URL');
const N = Number(values.papers);
const QUERIES = Number(values.queries);
if (!Number.isInteger(N) || N < 100) throw new Error('--papers must be an integer >= 100');

const log = (text: string) => process.stderr.write(`${text}\n`);
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The largest resident set seen every 250 ms until stopped (the process high-water mark includes earlier phases). */
function rssSampler(): { stop: () => number } {
  let max = process.memoryUsage.rss();
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage.rss())), 250);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(max, process.memoryUsage.rss()) / 1048576);
    },
  };
}

const SEED = 42;
let random = rng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** The words joined by spaces, as many of the first ones as fit in `maxChars`. */
function withinLength(words: readonly string[], maxChars: number): string {
  let text = '';
  for (const word of words) {
    const next = text === '' ? word : `${text} ${word}`;
    if (next.length > maxChars) break;
    text = next;
  }
  return text;
}

/** Words of a topic paper mixed with words from the whole corpus, at the length of another real paper. */
function synthesize(real: readonly RealPaper[], globalWords: readonly string[], id: number): PaperRecord {
  const topic = pick(real);
  const shape = pick(real);
  // Within the import's limits: a long real paper's length filled with longer words can pass the abstract's cap.
  const draw = (source: readonly string[], n: number, maxChars: number) =>
    withinLength(
      Array.from({ length: n }, () => (random() < 0.7 && source.length > 0 ? pick(source) : pick(globalWords))),
      maxChars,
    );
  const topicWords = [...topic.titleWords, ...topic.abstractWords];
  // 90,000 papers a month, twelve months a year, so every id is distinct whatever N.
  const month = Math.floor(id / 90_000);
  const yymm = `${25 + Math.floor(month / 12)}${String((month % 12) + 1).padStart(2, '0')}`;
  return {
    id: `${yymm}.${String(id % 100_000).padStart(5, '0')}`,
    version: 1,
    title: draw(topic.titleWords, Math.max(3, shape.titleWords.length), PAPER_LIMITS.title),
    abstract: draw(topicWords, Math.max(20, shape.abstractWords.length), PAPER_LIMITS.abstract),
    authors: topic.authors.length > 0 ? topic.authors : ['Anonymous'],
    categories: topic.categories,
    publishedAt: new Date(Date.UTC(2025, 0, 1) + (id % 365) * 86_400_000).toISOString(),
    source: 'bench',
  };
}

function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
}

function queryFrom(paper: PaperRecord, min: number, max: number): string {
  const pool = contentWords(`${paper.title} ${paper.abstract}`);
  const n = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: n }, () => pick(pool)).join(' ');
}

function stats(samples: number[]) {
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: r(percentile(samples, 50)),
    p95: r(percentile(samples, 95)),
    p99: r(percentile(samples, 99)),
    mean: r(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

/**
 * Generates the N synthetic papers in batches and returns the ones queries are drawn from. The real papers the
 * generator samples from go out of scope on return, so the memory measured while indexing is the product's, not the
 * generator's.
 */
async function generateCorpus(batchSize: number, write: (batch: PaperRecord[]) => Promise<void>): Promise<PaperRecord[]> {
  // Every store gets the same papers.
  random = rng(SEED);
  log(`reading real papers from ${values.data}`);
  const real = await loadRealPapers(values.data, 80_000);
  if (real.length === 0) throw new Error(`no papers found under ${values.data}/arxiv-snapshot`);
  const globalWords = real.flatMap((p) => p.abstractWords.filter((_, i) => i % 7 === 0));
  const querySources: PaperRecord[] = [];
  for (let written = 0; written < N;) {
    const batch: PaperRecord[] = [];
    for (let i = 0; i < Math.min(batchSize, N - written); i++) {
      const paper = synthesize(real, globalWords, written + i);
      batch.push(paper);
      if (random() < (QUERIES * 4) / N) querySources.push(paper);
    }
    await write(batch);
    written += batch.length;
    if (written % 100_000 < batch.length) log(`  ${written} papers`);
  }
  return querySources;
}

async function requireAllStored(store: Store): Promise<void> {
  const stored = await countPapers(store.db);
  if (stored !== N) throw new Error(`${N} papers written but ${stored} stored: synthetic ids collided or records were skipped`);
}

/** Writes the synthetic papers straight into the store, as the in-process build does. */
async function writeCorpus(store: Store): Promise<{ querySources: PaperRecord[]; insertSeconds: number }> {
  log(`writing ${N} synthetic papers (full-text index maintained by triggers)`);
  const insertStarted = performance.now();
  const batchSize = paperBatchSize(store.capabilities.maxParameters);
  const now = new Date().toISOString();
  const querySources = await generateCorpus(batchSize * 10, (batch) =>
    store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.length; i += batchSize) await upsertPapers(trx, batch.slice(i, i + batchSize), now);
    }),
  );
  await requireAllStored(store);
  return { querySources, insertSeconds: (performance.now() - insertStarted) / 1000 };
}

/** One line of the arXiv bulk-metadata snapshot for a synthetic paper, which `paperboy import arxiv-snapshot` reads back. */
function snapshotLine(paper: PaperRecord): string {
  return JSON.stringify({
    id: paper.id,
    authors: paper.authors.join(', '),
    title: paper.title,
    abstract: paper.abstract,
    categories: (paper.categories ?? []).join(' '),
    versions: [{ version: 'v1', created: new Date(paper.publishedAt!).toUTCString() }],
    update_date: paper.publishedAt!.slice(0, 10),
  });
}

/** Writes the synthetic papers as an arXiv snapshot file (not timed: it stands for the file a user downloads). */
async function writeSnapshotFile(file: string): Promise<PaperRecord[]> {
  log(`writing ${N} synthetic papers to ${file}`);
  const out = fs.createWriteStream(file);
  const querySources = await generateCorpus(10_000, async (batch) => {
    const lines = batch.map(snapshotLine);
    // Read back as the import will, so a record it would skip stops the run now rather than after the import.
    for (const line of lines) parseSnapshotRecord(line);
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  });
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return querySources;
}

/**
 * The build as users run it: `paperboy import arxiv-snapshot` of the snapshot file, then `paperboy index rebuild`,
 * each its own process on the given database and data directory.
 */
async function buildWithCommands(snapshot: string, env: Record<string, string>) {
  log('paperboy import arxiv-snapshot');
  const imported = await runPaperboy(['import', 'arxiv-snapshot', snapshot, '--json'], env, log);
  log(`  imported in ${imported.seconds.toFixed(1)} s`);
  log('paperboy index rebuild');
  const rebuilt = await runPaperboy(['index', 'rebuild', '--json'], env, log);
  log(`  rebuilt in ${rebuilt.seconds.toFixed(1)} s`);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    import_seconds: round(imported.seconds),
    index_rebuild_seconds: round(rebuilt.seconds),
    total_seconds: round(imported.seconds + rebuilt.seconds),
    papers_per_second: Math.round(N / (imported.seconds + rebuilt.seconds)),
    import_papers_per_second: Math.round(N / imported.seconds),
    peak_rss_mib: { import: imported.peakRssMiB, index_rebuild: rebuilt.peakRssMiB },
    import_summary: JSON.parse(imported.stdout.trim().split('\n').pop()!) as unknown,
    index_rebuild_report: JSON.parse(rebuilt.stdout.trim().split('\n').pop()!) as unknown,
  };
}

/** The build's part of the JSON when the commands built it; then the indexes were loaded in this process. */
function commandsBuildReport(
  commands: Awaited<ReturnType<typeof buildWithCommands>>,
  loadSeconds: number,
  keywordIndex: Record<string, unknown> | null,
) {
  return {
    with: 'paperboy import arxiv-snapshot, then paperboy index rebuild',
    ...commands,
    loading_indexes_in_process_seconds: Math.round(loadSeconds * 10) / 10,
    keyword_index_in_memory: keywordIndex,
  };
}

type Latency = Record<string, Record<string, ReturnType<typeof stats>>>;

/** Each mode over each kind of query, after a warm-up, in the search service (parsing, ranking, fusion, loading papers). */
async function measureLatency(search: SearchService, kinds: readonly (readonly [string, readonly string[]])[]): Promise<Latency> {
  const latency: Latency = {};
  for (const [name, queries] of kinds) {
    latency[name] = {};
    for (const mode of ['lexical', 'semantic', 'hybrid'] as SearchMode[]) {
      for (const q of queries.slice(0, 10)) await search.search({ q, mode, limit: 20 }); // warm-up
      const samples: number[] = [];
      for (const q of queries) {
        const t = performance.now();
        await search.search({ q, mode, limit: 20 });
        samples.push(performance.now() - t);
      }
      latency[name][mode] = stats(samples);
      log(`  ${name} ${mode}: ${JSON.stringify(latency[name][mode])}`);
    }
  }
  return latency;
}

/**
 * Monthly trends of 2-word queries as /api/trends computes them (counts with shares), next to an SQL group-by of the
 * papers that `matching` (the engine's own full-text match of every word) selects, each match's date read from its row.
 */
async function measureTrends(
  store: Store,
  search: SearchService,
  queries: readonly string[],
  matching: (terms: string[]) => RawBuilder<unknown>,
) {
  const totals = new PaperDayTotals(store);
  const totalsStarted = performance.now();
  await totals.byDay();
  const paperTotalsColdMs = Math.round(performance.now() - totalsStarted);
  const deps = { search, paperDayTotals: totals, now: () => new Date() };
  for (const q of queries.slice(0, 10)) await queryTrends(deps, { queries: [q], interval: 'month' }); // warm-up
  const samples: number[] = [];
  let matches = 0;
  for (const q of queries) {
    const t = performance.now();
    const [trend] = await queryTrends(deps, { queries: [q], interval: 'month' });
    samples.push(performance.now() - t);
    matches += trend!.series.reduce((sum, p) => sum + p.count, 0);
  }
  const baselineSamples: number[] = [];
  for (const q of queries) {
    const terms = [...new Set(words(q).filter((w) => !STOPWORDS.has(w)))];
    const t = performance.now();
    await sql`SELECT substr(published_at, 1, 7) AS month, count(*) AS n FROM papers
      WHERE hidden = 0 AND published_at IS NOT NULL AND ${matching(terms)} GROUP BY substr(published_at, 1, 7)`.execute(store.db);
    baselineSamples.push(performance.now() - t);
  }
  const latency = stats(samples);
  const baseline = stats(baselineSamples);
  log(`  trend_2_words: ${JSON.stringify(latency)} (sql group-by ${JSON.stringify(baseline)})`);
  return { latency, baseline, meanMatchingPapers: Math.round(matches / queries.length), paperTotalsColdMs };
}

/** The server settings that decide how much of a large database PostgreSQL keeps in memory. */
async function memorySettings(store: Store): Promise<Record<string, string>> {
  const { rows } = await sql<{ name: string; setting: string }>`
    SELECT name, current_setting(name) AS setting FROM pg_settings
    WHERE name IN ('shared_buffers', 'effective_cache_size', 'work_mem') ORDER BY name`.execute(store.db);
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

/** The same papers and queries on PostgreSQL, in a database of their own, dropped afterwards unless --keep. */
async function benchPostgres(
  adminUrl: string,
  kinds: readonly (readonly [string, readonly string[]])[],
  sqliteLatency: Latency,
  sqliteApi: ApiLatency,
  trendQueries: readonly string[],
  sqliteTrendP95: number,
  snapshot: string | null,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-search-pg-'));
  const database = await freshPostgresDatabase(adminUrl, 'bench_search');
  if (!database) throw new Error(`PostgreSQL at ${adminUrl} cannot be reached`);
  const store = openPostgres(database.url);
  try {
    await migrateToLatest(store);
    log('PostgreSQL:');
    let insertSeconds = 0;
    let commands: Awaited<ReturnType<typeof buildWithCommands>> | null = null;
    if (snapshot !== null) {
      commands = await buildWithCommands(snapshot, { DATABASE_URL: database.url, PAPERBOY_DATA_DIR: dir });
      await requireAllStored(store);
    } else ({ insertSeconds } = await writeCorpus(store));
    const indexStarted = performance.now();
    let keywordIndex: Record<string, unknown> | null = null;
    const logger = {
      ...silentLogger,
      info: (message: string, fields?: Record<string, unknown>) => {
        if (message === 'keyword index loaded into memory') keywordIndex = fields ?? null;
      },
    };
    const search = await createSearchService({
      store,
      logger,
      embedder: { kind: 'builtin' },
      embedderKey: null,
      dataDir: dir,
      startup: 'await',
    });
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const latency = await measureLatency(search, kinds);
    // Baseline: the same counts by an SQL group-by over the tsvector match.
    const trends = await measureTrends(
      store,
      search,
      trendQueries,
      (terms) => sql`papers.id IN (SELECT paper_id FROM paper_fts WHERE document @@ to_tsquery('english', ${terms.join(' & ')}))`,
    );
    await search.flush();
    log('starting paperboy serve on the PostgreSQL benchmark database');
    const throughApi = await measureThroughApi({ databaseUrl: database.url, dataDir: dir, kinds, stats, log });
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const ratios: Record<string, Record<string, number>> = {};
    const apiRatios: Record<string, Record<string, number>> = {};
    for (const [name] of kinds) {
      ratios[name] = {};
      apiRatios[name] = {};
      for (const mode of ['lexical', 'semantic', 'hybrid'])
        ratios[name][mode] = ratio(latency[name]![mode]!.p95, sqliteLatency[name]![mode]!.p95);
      for (const mode of ['lexical', 'hybrid'])
        apiRatios[name][mode] = ratio(throughApi.api[name]![mode]!.p95, sqliteApi.api[name]![mode]!.p95);
    }
    return {
      build: commands
        ? commandsBuildReport(commands, indexSeconds, keywordIndex)
        : {
            with: 'in process',
            insert_with_fulltext_seconds: Math.round(insertSeconds * 10) / 10,
            train_and_embed_and_hnsw_seconds: Math.round(indexSeconds * 10) / 10,
            keyword_index_in_memory: keywordIndex,
          },
      size_mib: { database: Math.round((await store.sizeBytes()) / 1048576) },
      server_settings: await memorySettings(store),
      latency_ms: latency,
      api_latency_ms: throughApi.api,
      uncached_search_page_ms: throughApi.uncachedPage,
      serve_ready_seconds: throughApi.readySeconds,
      serve_peak_rss_mib: throughApi.serverPeakRssMiB,
      trend_monthly_2_words_ms: {
        ...trends.latency,
        mean_matching_papers: trends.meanMatchingPapers,
        paper_totals_cold_ms: trends.paperTotalsColdMs,
      },
      baselines_ms: { trend_sql_group_by_over_tsvector_match: trends.baseline },
      p95_vs_sqlite: { ...ratios, trend_monthly_2_words: ratio(trends.latency.p95, sqliteTrendP95) },
      api_p95_vs_sqlite_api: apiRatios,
      trend_p95_vs_sql_group_by_p95: ratio(trends.latency.p95, trends.baseline.p95),
    };
  } finally {
    await store.close();
    if (values.keep) log(`kept the PostgreSQL database ${database.url} and ${dir}`);
    else {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-search-'));
  const file = path.join(dir, 'bench.db');
  const snapshot = path.join(dir, 'synthetic-snapshot.jsonl');
  let querySources: PaperRecord[];
  let insertSeconds = 0;
  let commands: Awaited<ReturnType<typeof buildWithCommands>> | null = null;
  if (BUILD_WITH_COMMANDS) {
    querySources = await writeSnapshotFile(snapshot);
    commands = await buildWithCommands(snapshot, { DATABASE_URL: `sqlite:${file}`, PAPERBOY_DATA_DIR: dir });
  }
  const store = openSqlite(file);
  await migrateToLatest(store);
  if (BUILD_WITH_COMMANDS) await requireAllStored(store);
  else ({ querySources, insertSeconds } = await writeCorpus(store));
  const rssAfterInsert = peakRssMiB();

  log(
    BUILD_WITH_COMMANDS
      ? 'loading the indexes `paperboy index rebuild` saved (and building the keyword index in memory, as `serve` does)'
      : 'training the builtin model and embedding every paper',
  );
  const embedStarted = performance.now();
  // The semantic index logs its rebuild report (train / embed / store / HNSW seconds); keep it for the JSON.
  let vectorPhases: Record<string, unknown> | null = null;
  let keywordIndex: Record<string, unknown> | null = null;
  const logger = {
    ...silentLogger,
    info: (message: string, fields?: Record<string, unknown>) => {
      if (message === 'search vectors rebuilt') vectorPhases = fields ?? null;
      if (message === 'keyword index loaded into memory') keywordIndex = fields ?? null;
    },
  };
  const sampler = rssSampler();
  const search = await createSearchService({
    store,
    logger,
    embedder: { kind: 'builtin' },
    embedderKey: null,
    dataDir: dir,
    startup: 'await',
  });
  await search.flush();
  const embedSeconds = (performance.now() - embedStarted) / 1000;
  const rssAfterIndexing = peakRssMiB();
  const rssWhileIndexing = sampler.stop();

  const shortQueries = Array.from({ length: QUERIES }, () => queryFrom(pick(querySources), 2, 4));
  const longQueries = Array.from({ length: QUERIES }, () => queryFrom(pick(querySources), 15, 25));
  const kinds = [
    ['short_2_4_words', shortQueries],
    ['long_15_25_words', longQueries],
  ] as const;
  const latency = await measureLatency(search, kinds);
  const rssAfterQueries = peakRssMiB();

  // What users get: the same queries through `paperboy serve` on the database and indexes just built.
  log('starting paperboy serve on the benchmark database');
  const throughApi = await measureThroughApi({ databaseUrl: `sqlite:${file}`, dataDir: dir, kinds, stats, log });

  // Trends: papers per month holding both words of a 2-word query, with shares, as /api/trends computes them.
  const trendQueries = Array.from({ length: QUERIES }, () => queryFrom(pick(querySources), 2, 2));
  // Baseline: the same counts by an SQL group-by over the FTS5 match, each match's date read from its row.
  const trends = await measureTrends(
    store,
    search,
    trendQueries,
    (terms) => sql`papers.rowid IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ${terms.map((w) => `"${w}"`).join(' AND ')})`,
  );
  const { latency: trendLatency, baseline: trendBaseline } = trends;

  // Baseline 1: plain FTS5 bm25() with every query word OR-ed, no filters, no fusion, no paper loading.
  const baselineFts: Record<string, ReturnType<typeof stats>> = {};
  for (const [name, queries] of [
    ['short_2_4_words', shortQueries],
    ['long_15_25_words', longQueries],
  ] as const) {
    const samples: number[] = [];
    for (const q of queries) {
      const expression = [...new Set(words(q))].map((w) => `"${w}"`).join(' OR ');
      const t = performance.now();
      await sql`SELECT rowid, bm25(papers_fts) AS rank FROM papers_fts WHERE papers_fts MATCH ${expression} ORDER BY rank LIMIT 20`.execute(
        store.db,
      );
      samples.push(performance.now() - t);
    }
    baselineFts[name] = stats(samples);
  }

  // Baseline 2: exact nearest neighbours by scanning every stored vector.
  log('loading every vector for the brute-force baseline');
  const embedder = (await store.db.selectFrom('search_models').select('id').where('active', '=', 1).executeTakeFirstOrThrow()).id;
  const first = await store.db
    .selectFrom('search_vectors')
    .select('vector')
    .where('embedder', '=', embedder)
    .limit(1)
    .executeTakeFirstOrThrow();
  const dims = bytesToVector(first.vector).length;
  const matrix = new Float32Array(N * dims);
  const rowKeys = new Float64Array(N);
  let rows = 0;
  for (let after = 0; ;) {
    const page = await store.db
      .selectFrom('search_vectors')
      .select(['key', 'vector'])
      .where('embedder', '=', embedder)
      .where('key', '>', after)
      .orderBy('key')
      .limit(20_000)
      .execute();
    if (page.length === 0) break;
    for (const row of page) {
      rowKeys[rows] = Number(row.key);
      matrix.set(bytesToVector(row.vector), rows++ * dims);
    }
    after = Number(page[page.length - 1]!.key);
  }
  const { BuiltinEmbedder } = await import('../src/search/embedders/builtin-embedder.js');
  const { deserializeLsa } = await import('../src/search/embedders/lsa-model.js');
  const model = await store.db.selectFrom('search_models').select('data').where('id', '=', embedder).executeTakeFirstOrThrow();
  const queryEmbedder = new BuiltinEmbedder(embedder, deserializeLsa(model.data));
  const bruteForce: Record<string, ReturnType<typeof stats>> = {};
  // Recall@10 of semantic search (HNSW + exact re-ranking) against this exact scan, over the same queries.
  const recallAt10: Record<string, number> = {};
  for (const [name, queries] of [
    ['short_2_4_words', shortQueries],
    ['long_15_25_words', longQueries],
  ] as const) {
    const samples: number[] = [];
    let found = 0;
    let expected = 0;
    for (const q of queries.slice(0, 50)) {
      const t = performance.now();
      const v = await queryEmbedder.embedQuery(q);
      const best = new Float32Array(20).fill(-Infinity);
      const bestRow = new Int32Array(20).fill(-1);
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        const base = r * dims;
        for (let k = 0; k < dims; k++) dot += matrix[base + k]! * v[k]!;
        if (dot > best[19]!) {
          let i = 19;
          while (i > 0 && best[i - 1]! < dot) {
            best[i] = best[i - 1]!;
            bestRow[i] = bestRow[i - 1]!;
            i--;
          }
          best[i] = dot;
          bestRow[i] = r;
        }
      }
      samples.push(performance.now() - t);
      const exactKeys = [...bestRow.slice(0, 10)].filter((r) => r >= 0).map((r) => rowKeys[r]!);
      if (exactKeys.length === 0) continue;
      const exactIds = await store.db.selectFrom('search_vectors').select('paper_id').where('key', 'in', exactKeys).execute();
      const semantic = new Set((await search.search({ q, mode: 'semantic', limit: 10 })).hits.map((h) => h.paper.id));
      found += exactIds.filter((row) => semantic.has(row.paper_id)).length;
      expected += exactIds.length;
    }
    bruteForce[name] = stats(samples);
    recallAt10[name] = expected === 0 ? 1 : Math.round((found / expected) * 1000) / 1000;
  }

  const indexFiles = fs.readdirSync(path.join(dir, 'search')).filter((n) => n.endsWith('.usearch'));
  const indexBytes = indexFiles.reduce((sum, n) => sum + fs.statSync(path.join(dir, 'search', n)).size, 0);
  const result = {
    papers: N,
    embedder,
    dimensions: dims,
    build: commands
      ? commandsBuildReport(commands, embedSeconds, keywordIndex)
      : {
          with: 'in process',
          insert_with_fulltext_seconds: Math.round(insertSeconds * 10) / 10,
          train_and_embed_and_hnsw_seconds: Math.round(embedSeconds * 10) / 10,
          total_seconds: Math.round((insertSeconds + embedSeconds) * 10) / 10,
          papers_per_second_including_embeddings: Math.round(N / (insertSeconds + embedSeconds)),
          vector_phases_seconds: vectorPhases,
          keyword_index_in_memory: keywordIndex,
        },
    size_mib: { database: Math.round((await store.sizeBytes()) / 1048576), hnsw_index: Math.round(indexBytes / 1048576) },
    peak_rss_mib: {
      // With the commands the papers were written by `paperboy import`; this process then only generated them.
      after_insert: BUILD_WITH_COMMANDS ? null : rssAfterInsert,
      sampled_while_indexing: rssWhileIndexing,
      after_indexing: rssAfterIndexing,
      after_queries: rssAfterQueries,
      after_baselines: peakRssMiB(),
    },
    latency_ms: latency,
    api_latency_ms: throughApi.api,
    uncached_search_page_ms: throughApi.uncachedPage,
    serve_ready_seconds: throughApi.readySeconds,
    serve_peak_rss_mib: throughApi.serverPeakRssMiB,
    trend_monthly_2_words_ms: {
      ...trendLatency,
      mean_matching_papers: trends.meanMatchingPapers,
      paper_totals_cold_ms: trends.paperTotalsColdMs,
    },
    baselines_ms: { fts5_bm25_plain: baselineFts, brute_force_vector_scan: bruteForce, trend_sql_group_by_over_fts5_match: trendBaseline },
    semantic_recall_at_10_vs_brute_force: recallAt10,
    ratios: {
      semantic_p95_vs_brute_force_p95_short:
        Math.round((latency.short_2_4_words!.semantic!.p95 / bruteForce.short_2_4_words!.p95) * 1000) / 1000,
      lexical_p95_vs_fts5_plain_p95_long:
        Math.round((latency.long_15_25_words!.lexical!.p95 / baselineFts.long_15_25_words!.p95) * 1000) / 1000,
      trend_p95_vs_sql_group_by_p95: Math.round((trendLatency.p95 / trendBaseline.p95) * 1000) / 1000,
      hybrid_api_p95_vs_in_process_p95: Object.fromEntries(
        kinds.map(([name]) => [name, Math.round((throughApi.api[name]!.hybrid!.p95 / latency[name]!.hybrid!.p95) * 1000) / 1000]),
      ),
    },
    queries_per_kind: QUERIES,
    postgres:
      values.database === undefined
        ? null
        : await benchPostgres(
            values.database,
            kinds,
            latency,
            throughApi,
            trendQueries,
            trendLatency.p95,
            BUILD_WITH_COMMANDS ? snapshot : null,
          ),
    wall_seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  await search.flush();
  await store.close();
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
  console.log(JSON.stringify(result));
}

await main();
