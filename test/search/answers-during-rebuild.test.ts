import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createSearchService } from '../../src/search/search.service.js';
import { paperRecord } from '../helpers/fixtures.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from './fake-embeddings-server.js';

const NEW_PAPERS = [
  paperRecord({
    id: '2504.40001',
    title: 'Galaxy cluster lensing maps of dark matter',
    abstract: 'Weak lensing of background galaxies maps the dark matter inside galaxy clusters.',
    categories: ['astro-ph.CO'],
  }),
  paperRecord({
    id: '2504.40002',
    title: 'Robot grasping from spoken instructions',
    abstract: 'A robot arm grasps household objects following spoken language instructions from people.',
    categories: ['cs.RO'],
  }),
];

describeEachStore('pages and searches while vectors are being built', (get) => {
  let fake: FakeEmbeddingsServer;
  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer();
  });
  afterAll(async () => {
    fake.release();
    await fake.close();
  });

  it('answer from the vectors that exist while the embedder is still holding a batch', async () => {
    const t = get();
    await writePapers(t.store, TOPIC_PAPERS);
    const embedder = `openai:${fake.baseUrl}#tiny-embed`;
    // The earlier papers have vectors; the new ones were imported by a process that did not index them.
    const earlier = await createSearchService({
      store: t.store,
      logger: silentLogger,
      embedder: { kind: 'openai', baseUrl: fake.baseUrl, model: 'tiny-embed' },
      embedderKey: null,
      dataDir: t.dataDir,
      startup: 'await',
    });
    await earlier.flush();
    await writePapers(t.store, NEW_PAPERS);

    fake.holdBatches();
    // What `paperboy serve` runs: the search service catches up in the background.
    const { app, deps } = await testApp(t, { PAPERBOY_EMBEDDER: embedder, PAPERBOY_DEMO: 'off', PAPERBOY_SCHEDULER: 'off' });
    await fake.nextHeld();

    const newPage = await app.request('/papers/2504.40001');
    expect(newPage.status).toBe(200);
    expect(await newPage.text()).toContain('Galaxy cluster lensing maps of dark matter');

    const olderPage = await app.request('/papers/2501.10007');
    expect(olderPage.status).toBe(200);
    const similar = await deps.search.similar('2501.10007', 3);
    expect(similar.length).toBeGreaterThan(0);
    expect(similar.map((listed) => listed.paper.id)).not.toContain('2501.10007');

    const searchPage = await app.request('/search?q=galaxy+dark+matter');
    expect(searchPage.status).toBe(200);
    expect(await searchPage.text()).toContain('href="/papers/2504.40001"');
    const hybrid = await deps.search.search({ q: 'protein folding amino acids' });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.hits[0]?.paper.id).toMatch(/^2501\.1000[12]$/);

    // All of the above was answered while the catch-up's embedding request was still unanswered.
    expect(fake.heldCount()).toBe(1);

    fake.release();
    await deps.search.whenReady();
    const lensing = await deps.search.search({ q: 'lensing galaxy clusters', mode: 'semantic', limit: 3 });
    expect(lensing.hits.map((h) => h.paper.id)).toContain('2504.40001');
    await deps.search.flush();
  });
});
