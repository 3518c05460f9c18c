// npm run bench:recommend -- --papers N [--library 50] [--requests 200] [--readers 20] [--subscribers 2000]
//   [--model logistic+nearest|centroid+nearest] [--data ../shared/data] [--keep]
// Generates N synthetic papers (words of real arXiv papers, publication days spread over 2025, as bench:search does),
// indexes them with the default search stack into a fresh SQLite file, starts the real app on 127.0.0.1 and prints
// one JSON object: latency of GET /api/me/recommendations?week=… for a reader with a library of 50 papers, next to
// the baseline measured in the same run — a plain search restricted to the same week (GET /api/papers/search with
// after:/before:) — plus what the caches cost: the first request of a week (the period's features are built), the
// first request of each new reader (their model is trained) and the request after a new rating (retrained).
// Part 2 plans the week's digests for --subscribers readers (each with a few library papers, every tenth following
// an author): For-you digests next to the baseline measured in the same run, trending digests for the same
// subscribers, with the peak RSS sampled while planning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/config.js';
import { addDays, weekPeriod } from '../src/feed/period.js';
import { saveToLibrary } from '../src/library/library.service.js';
import { silentLogger } from '../src/logger.js';
import type { PaperRecord } from '../src/papers/paper.js';
import { paperBatchSize, upsertPapers } from '../src/papers/papers.repository.js';
import { buildDeps, openMigratedStore } from '../src/runtime.js';
import { percentile } from '../src/search/eval/metrics.js';
import { STOPWORDS, words } from '../src/search/text.js';
import { ratePaper } from '../src/signals/signals.service.js';
import { planPeriod } from '../src/digests/planner.js';
import { upsertFeedEntries } from '../src/feed/feed.repository.js';
import type { Store } from '../src/db/database.js';
import type { Period } from '../src/feed/period.js';
import { createApp } from '../src/web/app.js';
import { loadRealPapers, rng, type RealPaper } from './support/real-papers.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    library: { type: 'string', default: '50' },
    requests: { type: 'string', default: '200' },
    readers: { type: 'string', default: '20' },
    subscribers: { type: 'string', default: '2000' },
    week: { type: 'string', default: '2025-W27' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '..', '..', 'shared', 'data') },
    keep: { type: 'boolean', default: false },
    /** PAPERBOY_FORYOU_MODEL of the instance measured. */
    model: { type: 'string', default: 'centroid+nearest' },
  },
});
const N = Number(values.papers);
const LIBRARY = Number(values.library);
const REQUESTS = Number(values.requests);
const READERS = Number(values.readers);
const SUBSCRIBERS = Number(values.subscribers);
const WEEK = weekPeriod(values.week);
if (!Number.isInteger(N) || N < 1_000) throw new Error('--papers must be an integer >= 1000');
if (!WEEK) throw new Error('--week must be an ISO week such as 2025-W27');

const log = (text: string) => process.stderr.write(`${text}\n`);

const random = rng(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** arXiv-style ids, 99,999 a month from 2501 on. */
function syntheticId(i: number): string {
  const month = Math.floor(i / 99_999);
  return `${25 + Math.floor(month / 12)}${String((month % 12) + 1).padStart(2, '0')}.${String((i % 99_999) + 1).padStart(5, '0')}`;
}

/** Words of a topic paper mixed with words from the whole corpus, at the length of another real paper. */
function synthesize(real: readonly RealPaper[], globalWords: readonly string[], i: number): { record: PaperRecord; topic: number } {
  const topic = Math.floor(random() * real.length);
  const source = real[topic]!;
  const shape = pick(real);
  const draw = (from: readonly string[], n: number) =>
    Array.from({ length: n }, () => (random() < 0.7 && from.length > 0 ? pick(from) : pick(globalWords)));
  const topicWords = [...source.titleWords, ...source.abstractWords];
  return {
    topic,
    record: {
      id: syntheticId(i),
      version: 1,
      title: draw(source.titleWords, Math.max(3, shape.titleWords.length)).join(' '),
      abstract: draw(topicWords, Math.max(20, shape.abstractWords.length)).join(' '),
      authors: source.authors.length > 0 ? source.authors : ['Anonymous'],
      categories: source.categories,
      publishedAt: new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000 + (i % 1000) * 1000).toISOString(),
      source: 'bench',
    },
  };
}

function stats(samples: number[]) {
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: r(percentile(samples, 50)),
    p95: r(percentile(samples, 95)),
    p99: r(percentile(samples, 99)),
    mean: r(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)),
    n: samples.length,
  };
}

async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
  return ms;
}

/** Runs `work`, sampling the process's RSS every 50 ms. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const value = await work();
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds, peakRssMiB: Math.round(peak / 1024 / 1024) };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Accounts with weekly subscriptions, written in batches (no password hashing: they never sign in). Each has five
 * library papers of the reader topics; every tenth follows an author of the week.
 */
async function seedSubscribers(store: Store, count: number, pool: readonly string[], authors: readonly string[]): Promise<void> {
  const now = new Date().toISOString();
  const batch = 2_000;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const index = Array.from({ length: n }, (_, k) => start + k);
    await store.db.transaction().execute(async (trx) => {
      const users = await trx
        .insertInto('users')
        .values(index.map((i) => ({ username: `sub${i}`, email: `sub${i}@example.org`, password_hash: '!', created_at: now })))
        .returning('id')
        .execute();
      const ids = users.map((u) => u.id);
      const library = ids.flatMap((userId, k) => {
        const papers = new Set(Array.from({ length: 5 }, (_, j) => pool[(index[k]! * 11 + j * 17) % pool.length]!));
        return [...papers].map((paperId) => ({ user_id: userId, paper_id: paperId, note: '', created_at: now, updated_at: now }));
      });
      for (let i = 0; i < library.length; i += 5_000)
        await trx
          .insertInto('library_items')
          .values(library.slice(i, i + 5_000))
          .execute();
      const follows = ids
        .filter((_, k) => index[k]! % 10 === 0 && authors.length > 0)
        .map((userId, k) => ({ user_id: userId, kind: 'author', value: authors[(k * 31) % authors.length]!, created_at: now }));
      if (follows.length > 0) await trx.insertInto('follows').values(follows).execute();
      await trx
        .insertInto('subscriptions')
        .values(
          ids.map((userId, k) => ({
            email: `sub${index[k]}@example.org`,
            user_id: userId,
            frequency: 'weekly' as const,
            topics: null,
            status: 'confirmed' as const,
            created_at: now,
            confirmed_at: now,
            updated_at: now,
          })),
        )
        .execute();
    });
  }
}

async function main() {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-recommend-'));
  const config = loadConfig({
    PAPERBOY_DATA_DIR: dir,
    DATABASE_URL: `sqlite:${path.join(dir, 'paperboy.db')}`,
    PAPERBOY_DEMO: 'false',
    PAPERBOY_LOG: 'silent',
    PAPERBOY_FEED_SOURCES: 'none',
    PAPERBOY_SCHEDULER: 'off',
    PAPERBOY_API_RATE_PER_MINUTE: '1000000',
    PAPERBOY_FORYOU_MODEL: values.model,
  });
  const store = await openMigratedStore(config);

  log(`reading real papers from ${values.data}`);
  const real = await loadRealPapers(values.data, 40_000);
  if (real.length === 0) throw new Error(`no papers under ${values.data}/arxiv-snapshot`);
  const globalWords = real.flatMap((p) => p.abstractWords.filter((_, i) => i % 7 === 0));
  log(`writing ${N} synthetic papers`);
  const insertStarted = performance.now();
  const batchSize = paperBatchSize(store.capabilities.maxParameters);
  const now = new Date().toISOString();
  // The reader's library: papers of three topics, published across the year (they are their interests).
  const readerTopics = new Set([0, 1, 2]);
  const topicPapers: string[] = [];
  for (let written = 0; written < N;) {
    const batch: PaperRecord[] = [];
    for (let i = 0; i < Math.min(batchSize * 10, N - written); i++) {
      const { record, topic } = synthesize(real, globalWords, written + i);
      if (readerTopics.has(topic % 1000)) topicPapers.push(record.id);
      batch.push(record);
    }
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.length; i += batchSize) await upsertPapers(trx, batch.slice(i, i + batchSize), now);
    });
    written += batch.length;
    if (written % 100_000 < batch.length) log(`  ${written} papers`);
  }
  const insertSeconds = (performance.now() - insertStarted) / 1000;

  log('building the search indexes (builtin model, vectors, HNSW, keyword index)');
  const indexStarted = performance.now();
  const deps = await buildDeps(config, store, silentLogger);
  await deps.search.indexPapers([]);
  await deps.search.whenReady();
  const indexSeconds = (performance.now() - indexStarted) / 1000;

  const app = createApp(config, deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  const base = `http://127.0.0.1:${address.port}`;

  async function readerWithLibrary(name: string, offset: number): Promise<{ id: number; headers: Record<string, string> }> {
    const outcome = await deps.accounts.signUp({ username: name, email: `${name}@example.org`, password: 'correct horse battery staple' });
    if (!outcome.ok) throw new Error(`sign-up failed: ${JSON.stringify(outcome.errors)}`);
    const user = outcome.value;
    const actor = { id: user.id, isAdmin: false, banned: false };
    const pool = topicPapers.length >= LIBRARY ? topicPapers : Array.from({ length: N }, (_, i) => syntheticId(i));
    for (let k = 0; k < LIBRARY; k++) await saveToLibrary(deps, actor, { paperId: pool[(offset * LIBRARY + k * 7) % pool.length]! });
    const token = await deps.accounts.createApiToken(user.id, 'bench', ['read']);
    if (!token.ok) throw new Error('token');
    return { id: user.id, headers: { authorization: `Bearer ${token.value.token}` } };
  }

  const week = WEEK!;
  const forYouUrl = `${base}/api/me/recommendations?week=${week.key}&limit=20`;
  const reader = await readerWithLibrary('benchreader', 0);
  log(`For you for week ${week.key}`);
  // The first request of the week builds the period's features (every candidate's hashed TF-IDF vector).
  const firstOfWeek = await timed(forYouUrl, reader.headers);
  const space = await deps.forYou.spaces.get({ from: week.from, to: week.to });

  // Baseline: a plain search restricted to the same week, with 2–4 words of the week's own papers.
  const weekPapers = await store.db
    .selectFrom('papers')
    .select(['title', 'abstract'])
    .where('published_at', '>=', week.from)
    .where('published_at', '<', addDays(week.to, 1))
    .limit(REQUESTS)
    .execute();
  const queries = weekPapers.map((p) => {
    const pool = words(`${p.title} ${p.abstract}`).filter((w) => w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
    const n = 2 + Math.floor(random() * 3);
    return Array.from({ length: n }, () => pick(pool)).join(' ');
  });
  const searchUrl = (q: string) =>
    `${base}/api/papers/search?limit=20&q=${encodeURIComponent(`${q} after:${week.from} before:${addDays(week.to, 1)}`)}`;

  // Interleaved, so both see the same machine load.
  const forYou: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    forYou.push(await timed(forYouUrl, reader.headers));
    baseline.push(await timed(searchUrl(queries[i % queries.length]!), {}));
  }

  // A new rating drops the reader's model: the next request retrains it (the week's features stay).
  const retrain: number[] = [];
  for (let k = 0; k < 10; k++) {
    await ratePaper(
      deps,
      { id: reader.id, isAdmin: false, banned: false },
      { paperId: topicPapers[(k * 13 + 5) % topicPapers.length]!, value: 1 },
    );
    retrain.push(await timed(forYouUrl, reader.headers));
  }
  // Other readers' first requests: each trains their model on the cached week.
  const newReaders: number[] = [];
  for (let r = 1; r <= READERS; r++) {
    const other = await readerWithLibrary(`benchreader${r}`, r);
    newReaders.push(await timed(forYouUrl, other.headers));
  }

  log(`  For you: ${JSON.stringify(stats(forYou))}; a plain search of the week: ${JSON.stringify(stats(baseline))}`);

  // Part 2: the week's digests for many subscribers, For you against trending for the same people.
  log(`planning weekly digests for ${SUBSCRIBERS} subscribers`);
  const weekAuthors = [...new Set(space.candidates.flatMap((c) => c.authors))];
  // The trending baseline plans from the feed: the week's papers are featured on it, on their publication day.
  await upsertFeedEntries(
    store.db,
    space.candidates.map((c, i) => ({
      day: addDays(week.from, i % 7),
      paperId: c.id,
      upvotes: (i * 37) % 100,
      comments: 0,
      source: 'bench',
    })),
    new Date().toISOString(),
  );
  await seedSubscribers(store, SUBSCRIBERS, topicPapers.length > 0 ? topicPapers : [syntheticId(0)], weekAuthors);
  const digestPeriod: Period = { frequency: 'weekly', key: week.key, from: week.from, to: week.to };
  const planOptions = { now: new Date(), messageIdHost: 'bench.invalid', topicMatcher: null };
  const trendingPlan = await measured(() => planPeriod(store, digestPeriod, { ...planOptions, forYou: null }));
  await store.db.updateTable('subscriptions').set({ digest_kinds: 'foryou' }).where('email', 'like', 'sub%').execute();
  const forYouPlan = await measured(() => planPeriod(store, digestPeriod, { ...planOptions, forYou: deps }));
  const forYouRows = await store.db
    .selectFrom('digest_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'foryou')
    .executeTakeFirstOrThrow();
  const digestPlanning = {
    subscribers: SUBSCRIBERS,
    forYou: {
      seconds: forYouPlan.seconds,
      planned: forYouPlan.value.forYou?.planned ?? 0,
      outboxRows: Number(forYouRows.n),
      msPerSubscriber: Math.round((forYouPlan.seconds * 1000 * 1000) / SUBSCRIBERS) / 1000,
      peakRssMiB: forYouPlan.peakRssMiB,
    },
    baselineTrending: {
      seconds: trendingPlan.seconds,
      planned: trendingPlan.value.planned,
      msPerSubscriber: Math.round((trendingPlan.seconds * 1000 * 1000) / SUBSCRIBERS) / 1000,
      peakRssMiB: trendingPlan.peakRssMiB,
    },
    ratio: Math.round((forYouPlan.seconds / Math.max(0.001, trendingPlan.seconds)) * 100) / 100,
    /** The For-you time extrapolated linearly to 100,000 subscribers. */
    projectedSecondsFor100k: Math.round((forYouPlan.seconds / SUBSCRIBERS) * 100_000),
    modelTrainings: deps.forYou.models.trainings,
  };

  const result = {
    papers: N,
    forYouModel: config.forYouModel,
    week: week.key,
    weekCandidates: space.candidates.length,
    libraryPapers: LIBRARY,
    requests: REQUESTS,
    forYou: stats(forYou),
    baselineSearch: stats(baseline),
    ratioP95: Math.round((percentile(forYou, 95) / percentile(baseline, 95)) * 1000) / 1000,
    ratioP50: Math.round((percentile(forYou, 50) / percentile(baseline, 50)) * 1000) / 1000,
    firstRequestOfWeekMs: Math.round(firstOfWeek),
    afterNewRatingMs: stats(retrain),
    newReaderFirstRequestMs: stats(newReaders),
    digestPlanning,
    insertSeconds: Math.round(insertSeconds * 10) / 10,
    indexSeconds: Math.round(indexSeconds * 10) / 10,
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  console.log(JSON.stringify(result));
  server.close();
  await deps.search.flush();
  await store.close();
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
}

await main();
