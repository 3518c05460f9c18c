import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createSearchService, type SearchService } from '../../src/search/search.service.js';
import { SemanticUnavailableError } from '../../src/search/semantic-index.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from './fake-embeddings-server.js';

function builtinService(t: TestStore): Promise<SearchService> {
  return createSearchService({
    store: t.store,
    logger: silentLogger,
    embedder: { kind: 'builtin' },
    embedderKey: null,
    dataDir: t.dataDir,
    startup: 'await',
  });
}

const ids = (result: { hits: { paper: { id: string } }[] }) => result.hits.map((h) => h.paper.id);

describeEachStore('search service on an empty database', (get) => {
  it('answers an empty corpus with no hits in every mode', async () => {
    const search = await builtinService(get());
    for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
      const result = await search.search({ q: 'protein folding', mode });
      expect(result.hits).toEqual([]);
      expect(result.total).toBe(0);
    }
    expect(await search.similar('2501.10001')).toEqual([]);
    expect((await search.search({ q: '2501.10001' })).jumpTo).toBeUndefined();
  });
});

/** Every test writes the papers it needs (writing them again changes nothing), so each one runs alone too. */
describeEachStore('search service', (get) => {
  it('trains the builtin model on start and finds papers by keywords and by meaning', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const search = await builtinService(t);
    expect(search.semanticUnavailableReason()).toBeNull();
    const lexical = await search.search({ q: 'egocentric video actions', mode: 'lexical' });
    expect(ids(lexical).slice(0, 2).sort()).toEqual(['2501.10005', '2501.10006']);
    const semantic = await search.search({ q: 'hands objects cameras kitchens', mode: 'semantic' });
    expect(ids(semantic).slice(0, 2).sort()).toEqual(['2501.10005', '2501.10006']);
    const hybrid = await search.search({ q: 'robot language corrections', explain: true });
    expect(hybrid.mode).toBe('hybrid');
    expect(ids(hybrid)[0]).toBe('2501.10003');
    const top = hybrid.hits[0]!;
    expect(top.explain).toMatchObject({ lexicalRank: 1, semanticRank: expect.any(Number), fusedScore: expect.any(Number) });
    expect(top.highlights.title.filter((s) => s.match).map((s) => s.text)).toEqual(['Robots', 'language', 'corrections']);
    expect(top.highlights.title.map((s) => s.text).join('')).toBe(top.paper.title);
  });

  it('finds a paper added after indexing by both keywords and meaning', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const search = await builtinService(t);
    const added = paperRecord({
      id: '2503.30001',
      title: 'Galaxy growth and dark matter halo mergers',
      abstract: 'Simulations of galaxies inside dark matter halos follow gas cooling, star formation and feedback as galaxies grow.',
      categories: ['astro-ph.GA'],
    });
    await writePapers(t.store, [added]);
    await search.indexPapers([added.id]);
    expect(ids(await search.search({ q: 'mergers', mode: 'lexical' }))).toContain(added.id);
    const semantic = ids(await search.search({ q: 'dark matter halos galaxies', mode: 'semantic', limit: 3 }));
    expect(semantic).toContain(added.id);
    // A new service (a restart) sees the vector from the database and the saved index.
    const restarted = await builtinService(t);
    expect(ids(await restarted.search({ q: 'dark matter halos galaxies', mode: 'semantic', limit: 3 }))).toContain(added.id);
  });

  it('embeds papers written without indexing on the next start (crash between import and indexing)', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    await writePapers(t.store, [
      paperRecord({
        id: '2503.30002',
        title: 'Speech recognition with untranscribed audio',
        abstract: 'Pretraining acoustic models for low resource languages.',
      }),
    ]);
    const search = await builtinService(t);
    expect(ids(await search.search({ q: 'speech audio languages', mode: 'semantic', limit: 4 }))).toContain('2503.30002');
  });

  it('applies filters, phrases and exclusions in every mode, and never returns hidden papers', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const search = await builtinService(t);
    for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
      const cv = await search.search({ q: 'video cat:cs.CV', mode });
      expect(ids(cv).every((id) => id === '2501.10005' || id === '2501.10006')).toBe(true);
      const phrase = await search.search({ q: '"egocentric video"', mode });
      expect(ids(phrase)).toEqual(['2501.10005']);
      const excluded = await search.search({ q: 'egocentric video -kitchens', mode });
      expect(ids(excluded)).not.toContain('2501.10006');
      const dated = await search.search({ q: 'galaxy', mode, filters: { after: '2025-03-01' } });
      expect(ids(dated)[0]).toBe('2501.10012');
      expect(dated.hits.every((h) => h.paper.publishedAt! >= '2025-03-01')).toBe(true);
    }
    await t.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2501.10003').execute();
    try {
      for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
        expect(ids(await search.search({ q: 'robot language corrections', mode }))).not.toContain('2501.10003');
      }
      expect((await search.similar('2501.10004')).map((listed) => listed.paper.id)).not.toContain('2501.10003');
      expect((await search.search({ q: 'arxiv.org/abs/2501.10003' })).jumpTo).toBeUndefined();
    } finally {
      await t.store.db.updateTable('papers').set({ hidden: 0 }).where('id', '=', '2501.10003').execute();
    }
  });

  it('jumps to a paper given its id or URL, lists operator-only queries by date, and sorts by votes', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const search = await builtinService(t);
    const jump = await search.search({ q: 'https://arxiv.org/pdf/2501.10007v2' });
    expect(jump.jumpTo).toBe('2501.10007');
    const listing = await search.search({ q: 'cat:astro-ph.GA' });
    expect(ids(listing)[0]).toBe('2501.10012');
    await t.store.db
      .insertInto('feed_entries')
      .values([
        {
          day: '2025-03-01',
          paper_id: '2501.10002',
          imported_upvotes: 50,
          imported_comments: 0,
          submitted_by: null,
          source: 'test',
          created_at: '2025-03-01',
        },
        {
          day: '2025-03-02',
          paper_id: '2501.10002',
          imported_upvotes: 70,
          imported_comments: 0,
          submitted_by: null,
          source: 'test',
          created_at: '2025-03-02',
        },
        {
          day: '2025-03-01',
          paper_id: '2501.10001',
          imported_upvotes: 60,
          imported_comments: 0,
          submitted_by: null,
          source: 'test',
          created_at: '2025-03-01',
        },
      ])
      .execute();
    const byVotes = await search.search({ q: 'protein structure folding', sort: 'votes', mode: 'lexical' });
    expect(ids(byVotes).slice(0, 2)).toEqual(['2501.10002', '2501.10001']);
    // Votes cast here count as well as imported ones, as every listing counts them: 60 + 20 overtakes 70.
    await t.store.db.updateTable('papers').set({ local_upvotes: 20 }).where('id', '=', '2501.10001').execute();
    const withLocalVotes = await search.search({ q: 'protein structure folding', sort: 'votes', mode: 'lexical' });
    expect(ids(withLocalVotes).slice(0, 2)).toEqual(['2501.10001', '2501.10002']);
    await t.store.db.updateTable('papers').set({ local_upvotes: 0 }).where('id', '=', '2501.10001').execute();
    const byDate = await search.search({ q: 'protein structure folding', sort: 'date', mode: 'lexical' });
    expect(ids(byDate).slice(0, 2)).toEqual(['2501.10002', '2501.10001']);
  });

  it('returns similar papers by meaning, never the paper itself', async () => {
    await writePapers(get().store, TOPIC_PAPERS);
    const search = await builtinService(get());
    const similar = (await search.similar('2501.10007', 3)).map((listed) => listed.paper.id);
    expect(similar).not.toContain('2501.10007');
    expect(similar[0]).toBe('2501.10008');
  });
});

describeEachStore('search service after a change of embedder', (get) => {
  let fake: FakeEmbeddingsServer;
  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer();
  });
  afterAll(() => fake.close());

  it('detects a change of embedder, degrades to keywords, and re-indexes on rebuild', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    await (await builtinService(t)).flush();
    const openai = await createSearchService({
      store: t.store,
      logger: silentLogger,
      embedder: { kind: 'openai', baseUrl: fake.baseUrl, model: 'tiny-embed' },
      embedderKey: 'k',
      dataDir: t.dataDir,
      startup: 'await',
    });
    expect(openai.semanticUnavailableReason()).toMatch(/builtin:lsa-.*paperboy index rebuild/);
    await expect(openai.search({ q: 'galaxy', mode: 'semantic' })).rejects.toBeInstanceOf(SemanticUnavailableError);
    const degraded = await openai.search({ q: 'galaxy' });
    expect(degraded.mode).toBe('lexical');
    expect(degraded.notices.join(' ')).toMatch(/index rebuild/);
    expect(degraded.hits.length).toBeGreaterThan(0);

    const report = await openai.rebuild();
    expect(report.embedder).toBe(`openai:${fake.baseUrl}#tiny-embed`);
    expect(report.papers).toBeGreaterThanOrEqual(TOPIC_PAPERS.length);
    expect(openai.semanticUnavailableReason()).toBeNull();
    expect(ids(await openai.search({ q: 'galaxies dark matter halos', mode: 'semantic', limit: 3 }))).toContain('2501.10012');
    const vectors = await t.store.db.selectFrom('search_vectors').select('embedder').distinct().execute();
    expect(vectors.map((v) => v.embedder)).toEqual([report.embedder]);

    // Switching back is detected the same way: the vectors belong to the other embedder now.
    const builtin = await builtinService(t);
    expect(builtin.semanticUnavailableReason()).toMatch(/openai:.*paperboy index rebuild/);
    await builtin.rebuild();
    expect(builtin.semanticUnavailableReason()).toBeNull();
    expect(ids(await builtin.search({ q: 'galaxies dark matter halos', mode: 'semantic', limit: 3 }))).toContain('2501.10012');
  });
});

describeEachStore('search service with a capped training sample', (get) => {
  it('does not retrain a builtin model whose training sample was capped', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const search = await createSearchService({
      store: t.store,
      logger: silentLogger,
      embedder: { kind: 'builtin' },
      embedderKey: null,
      dataDir: t.dataDir,
      startup: 'await',
      maxTrainingPapers: 6,
    });
    await search.rebuild();
    const maxKey = async () =>
      Number(
        (
          await t.store.db
            .selectFrom('search_vectors')
            .select((eb) => eb.fn.max('key').as('k'))
            .executeTakeFirstOrThrow()
        ).k,
      );
    const before = await maxKey();
    await search.refresh();
    expect(await maxKey()).toBe(before);
  });
});
