/**
 * Known-item search quality of the HF-shaped search route (`/api/papers/search`), which blends a popularity prior
 * into short head-term queries. Runs the dev queries of a BEIR-style known-item set against an instance whose data
 * dir holds the set's corpus (the shared arXiv snapshot plus the HF days, imported) and prints one JSON object:
 * MRR@10 of the search service alone (relevance, the route's old order), of the route, and of the prior applied
 * to every query (what the gating avoids), plus the head-query ranks of a few known popular papers.
 *
 *   node --import tsx bench/hf-search-prior.ts <data dir> ../shared/eval/hf-known-item-dev [--queries N]
 */
import { loadConfig } from '../src/config.js';
import { getListedPapers } from '../src/feed/paper-listing.js';
import { silentLogger } from '../src/logger.js';
import { buildDeps, openMigratedStore } from '../src/runtime.js';
import { readBeirQueries } from '../src/search/eval/beir.js';
import { mean, mrrAt } from '../src/search/eval/metrics.js';
import { PRIOR_CANDIDATES, withPopularityPrior } from '../src/search/popularity-prior.js';
import { createApp } from '../src/web/app.js';
import { MAX_QUERY_LENGTH } from '../src/web/request-params.js';

const [dataDir, evalDir] = process.argv.slice(2);
if (!dataDir || !evalDir) throw new Error('usage: hf-search-prior.ts <data dir> <known-item dir> [--queries N]');
const limitArg = process.argv.indexOf('--queries');
const maxQueries = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;

const config = loadConfig({
  PAPERBOY_DATA_DIR: dataDir,
  PAPERBOY_LOG: 'silent',
  PAPERBOY_DEMO: 'false',
  PAPERBOY_API_RATE_PER_MINUTE: '1000000',
});
const store = await openMigratedStore(config);
const deps = await buildDeps(config, store, silentLogger);
await deps.search.whenReady();
const app = createApp(config, deps);

const dataset = await readBeirQueries(evalDir, 'dev');
const queries = dataset.queries.slice(0, maxQueries);
const relevance: number[] = [];
const route: number[] = [];
const priorEverywhere: number[] = [];
let changed = 0;
const started = performance.now();
for (const query of queries) {
  const judgements = dataset.qrels.get(query.id)!;
  // The route takes at most MAX_QUERY_LENGTH characters; every variant sees the same text.
  const text = query.text.slice(0, MAX_QUERY_LENGTH);
  const result = await deps.search.search({ q: text, limit: PRIOR_CANDIDATES, mode: 'hybrid', highlight: false });
  const relevanceIds = result.hits.map((h) => h.paper.id);
  relevance.push(mrrAt(relevanceIds, judgements, 10));
  const res = await app.request(`/api/papers/search?${new URLSearchParams({ q: text, limit: '10' })}`);
  if (!res.ok) throw new Error(`${query.id}: HTTP ${res.status} ${await res.text()}`);
  const routeIds = ((await res.json()) as { paper: { id: string } }[]).map((h) => h.paper.id);
  route.push(mrrAt(routeIds, judgements, 10));
  if (routeIds.join() !== relevanceIds.slice(0, 10).join()) changed += 1;
  const listed = await getListedPapers(store.db, relevanceIds);
  const blended = withPopularityPrior(
    result.hits.map((h) => ({ id: h.paper.id, score: h.score, upvotes: listed.get(h.paper.id)?.upvotes ?? 0 })),
  );
  priorEverywhere.push(
    mrrAt(
      blended.map((b) => b.id),
      judgements,
      10,
    ),
  );
}

const headRanks: Record<string, { before: number; after: number }> = {};
for (const [q, id] of [
  ['llama', '2407.21783'],
  ['llama 3', '2407.21783'],
] as const) {
  const before = (await deps.search.search({ q, limit: PRIOR_CANDIDATES, mode: 'hybrid', highlight: false })).hits.findIndex(
    (h) => h.paper.id === id,
  );
  const res = await app.request(`/api/papers/search?${new URLSearchParams({ q, limit: '100' })}`);
  const after = ((await res.json()) as { paper: { id: string } }[]).findIndex((h) => h.paper.id === id);
  headRanks[`${q} → ${id}`] = { before: before + 1, after: after + 1 };
}

console.log(
  JSON.stringify(
    {
      queries: queries.length,
      'mrr@10': { relevanceOnly: mean(relevance), route: mean(route), priorOnEveryQuery: mean(priorEverywhere) },
      queriesWhoseTop10Changed: changed,
      headRanks,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
    null,
    2,
  ),
);
await deps.search.flush();
await store.close();
