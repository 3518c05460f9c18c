import { afterAll, beforeAll, expect, it } from 'vitest';
import { planPeriod } from '../../src/digests/planner.js';
import { periodContaining } from '../../src/feed/period.js';
import { searchTopicMatcher } from '../../src/digests/topic-search.js';
import { silentLogger } from '../../src/logger.js';
import type { PaperRecord } from '../../src/papers/paper.js';
import { paperBatchSize, upsertPapers } from '../../src/papers/papers.repository.js';
import { documentText, dot, l2Normalize } from '../../src/search/embedders/embedder.js';
import { OpenAiEmbedder } from '../../src/search/embedders/openai-embedder.js';
import { NO_FILTERS } from '../../src/search/paper-filters.js';
import { createSearchService, type SearchService } from '../../src/search/search.service.js';
import { replaceVectors, resolveCandidates, vectorsOfPapers } from '../../src/search/vectors.repository.js';
import { confirmedSubscriber, seedFeed } from '../digests/fixtures.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { fakeEmbedding, startFakeEmbeddingsServer, type FakeEmbeddingsServer } from './fake-embeddings-server.js';

/** More vectors than SQLite lets one statement bind variables (32,766). */
const PAPERS = 33_000;
const WORDS = ['graph', 'neural', 'robot', 'protein', 'galaxy', 'language', 'vision', 'sparse', 'quantum', 'energy', 'market', 'speech'];
const DAY = '2026-03-02';

function syntheticPaper(i: number): PaperRecord {
  const title = `${WORDS[i % 12]} ${WORDS[Math.floor(i / 12) % 12]} ${WORDS[Math.floor(i / 144) % 12]} study`;
  return paperRecord({
    id: `2601.${String(i).padStart(5, '0')}`,
    title,
    abstract: `We examine ${title} with careful measurements.`,
    authors: ['Common Author'],
    categories: ['cs.LG'],
    publishedAt: '2024-06-01T00:00:00.000Z',
  });
}

/** Papers a selective filter picks out: a rare author, a rare category and a day of their own. */
const RARE = [
  { id: '2603.00001', title: 'Graph neural networks for molecules', category: 'q-fin.TR' },
  { id: '2603.00002', title: 'Sparse graph neural message passing', category: 'q-fin.TR' },
  { id: '2603.00003', title: 'Robot language grounding in kitchens', category: 'q-fin.TR' },
];

describeEachStore('semantic search over more vectors than one statement can bind', (get) => {
  let fake: FakeEmbeddingsServer;
  let search: SearchService;
  let embedder: OpenAiEmbedder;

  beforeAll(async () => {
    const t = get();
    fake = await startFakeEmbeddingsServer();
    embedder = new OpenAiEmbedder({ baseUrl: fake.baseUrl, model: 'tiny-embed', apiKey: null });
    const now = '2026-03-03T00:00:00.000Z';
    const perInsert = paperBatchSize(t.store.capabilities.maxParameters);
    for (let start = 0; start < PAPERS; start += perInsert) {
      const papers = Array.from({ length: Math.min(perInsert, PAPERS - start) }, (_, i) => syntheticPaper(start + i));
      await t.store.db.transaction().execute(async (trx) => {
        await upsertPapers(trx, papers, now);
        const rows = papers.map((p) => ({ paperId: p.id, vector: l2Normalize(Float32Array.from(fakeEmbedding(documentText(p)))) }));
        await replaceVectors(trx, embedder.id, rows, now);
      });
    }
    await seedFeed(
      t.store,
      RARE.map((p, i) => ({ id: p.id, day: DAY, upvotes: 10 - i, title: p.title, abstract: `${p.title} explained.` })),
    );
    await t.store.db
      .updateTable('papers')
      .set({ authors: JSON.stringify(['Rare Scholar']), categories: JSON.stringify(['q-fin.TR']) })
      .where(
        'id',
        'in',
        RARE.map((p) => p.id),
      )
      .execute();
    // The rare papers get their vectors through the service's own catch-up (papers without a vector).
    search = await createSearchService({
      store: t.store,
      logger: silentLogger,
      embedder: { kind: 'openai', baseUrl: fake.baseUrl, model: 'tiny-embed' },
      embedderKey: null,
      dataDir: t.dataDir,
      startup: 'await',
      lexicalInMemory: false,
    });
    await embedder.probe();
  }, 120_000);
  afterAll(async () => {
    await search?.flush();
    await fake?.close();
  });

  async function exactRanking(query: string, ids: readonly string[]): Promise<string[]> {
    const t = get();
    const vector = await embedder.embedQuery(query);
    const stored = await vectorsOfPapers(t.store.db, embedder.id, ids, t.store.capabilities.maxParameters);
    expect(stored.size).toBe(ids.length);
    return [...stored]
      .map(([id, v]) => ({ id, score: dot(vector, v) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .map((e) => e.id);
  }

  const ids = (result: { hits: { paper: { id: string } }[] }) => result.hits.map((h) => h.paper.id);

  it('holds more vectors than one statement may bind', async () => {
    const t = get();
    const row = await t.store.db
      .selectFrom('search_vectors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(PAPERS + RARE.length);
  });

  it('combines free text with author:, cat: and date filters in semantic and hybrid mode', async () => {
    const rare = RARE.map((p) => p.id);
    const expected = await exactRanking('graph neural', rare);
    for (const q of ['graph neural author:"Rare Scholar"', 'graph neural cat:q-fin.TR', `graph neural after:${DAY}`]) {
      const semantic = await search.search({ q, mode: 'semantic', limit: 10 });
      expect(ids(semantic)).toEqual(expected);
      const hybrid = await search.search({ q, mode: 'hybrid', limit: 10 });
      expect(hybrid.mode).toBe('hybrid');
      expect(ids(hybrid).every((id) => rare.includes(id))).toBe(true);
      expect(ids(hybrid)).toContain('2603.00001');
    }
    const windowed = await search.search({
      q: 'graph neural',
      mode: 'semantic',
      limit: 10,
      filters: { categories: ['q-fin.TR'], after: DAY, before: '2026-03-03' },
    });
    expect(ids(windowed)).toEqual(expected);
  });

  it('answers a filter that matches most papers from the approximate index', async () => {
    const result = await search.search({ q: 'quantum energy cat:cs.LG', mode: 'semantic', limit: 20 });
    expect(result.hits).toHaveLength(20);
    expect(result.hits.every((h) => h.paper.categories.includes('cs.LG'))).toBe(true);
  });

  it('resolves every key of the index in one call, in statements under the parameter limit', async () => {
    const t = get();
    const keys = (await t.store.db.selectFrom('search_vectors').select('key').execute()).map((r) => Number(r.key));
    expect(keys.length).toBeGreaterThan(32_766);
    const filters = { ...NO_FILTERS, authors: ['Rare Scholar'] };
    const found = await resolveCandidates(t.store.db, embedder.id, keys, filters, t.store.capabilities.maxParameters);
    expect([...found.values()].map((c) => c.paperId).sort()).toEqual(RARE.map((p) => p.id));
  });

  it('plans a topic digest over a period among all those vectors', async () => {
    const t = get();
    await confirmedSubscriber(t.store, 'topic@example.org', { topics: 'graph neural' });
    const plan = await planPeriod(t.store, periodContaining('daily', DAY), {
      now: new Date('2026-03-03T12:00:00.000Z'),
      messageIdHost: 'paperboy.test',
      topicMatcher: searchTopicMatcher(search),
      dryRun: true,
    });
    expect(plan.failures).toEqual([]);
    const digest = plan.digests.find((d) => d.email === 'topic@example.org');
    expect(digest?.paperIds.slice(0, 2).sort()).toEqual(['2603.00001', '2603.00002']);
  });
});
