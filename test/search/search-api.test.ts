import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { testApp } from '../helpers/app.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';
import { paperRecord } from '../helpers/fixtures.js';

const ANNEALING_PAPERS = [
  paperRecord({
    id: '2502.20001',
    title: 'Quantum annealing schedules for quantum annealing optimisation',
    abstract: 'We tune quantum annealing schedules: quantum annealing pauses where the gap closes.',
    publishedAt: '2025-02-03T00:00:00.000Z',
  }),
  paperRecord({
    id: '2502.20002',
    title: 'Benchmarks of quantum annealing hardware',
    abstract:
      'We benchmark devices of several makers against classical solvers on spin glasses, on random and structured instances, and find quantum annealing competitive on some.',
    publishedAt: '2025-02-04T00:00:00.000Z',
  }),
];

describeEachStore('search API', (get) => {
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  let deps: Awaited<ReturnType<typeof testApp>>['deps'];

  beforeAll(async () => {
    const t = get();
    await writePapers(t.store, [...TOPIC_PAPERS, ...ANNEALING_PAPERS]);
    // The less relevant of the two annealing papers is the much upvoted one.
    await t.store.db.updateTable('papers').set({ local_upvotes: 400 }).where('id', '=', '2502.20002').execute();
    await t.store.db
      .insertInto('feed_entries')
      .values({
        day: '2025-02-01',
        paper_id: '2501.10007',
        imported_upvotes: 31,
        imported_comments: 2,
        submitted_by: null,
        source: 'test',
        created_at: '2025-02-01',
      })
      .execute();
    await t.store.db
      .insertInto('code_repos')
      .values({ paper_id: '2501.10007', url: 'https://github.com/example/mpnn', stars: 120, stars_counted_at: '2025-02-01' })
      .execute();
    const built = await testApp(t);
    await built.deps.search.whenReady();
    app = built.app;
    deps = built.deps;
  });

  it('lifts a much upvoted paper among the hits of a short query, and keeps relevance order for longer ones', async () => {
    const order = async (q: string) => {
      const res = await app.request(`/api/papers/search?q=${encodeURIComponent(q)}&limit=20`);
      const ids = ((await res.json()) as { paper: { id: string } }[]).map((hit) => hit.paper.id);
      return ids.filter((id) => id.startsWith('2502.2000'));
    };
    expect(await order('quantum annealing schedules pauses optimisation')).toEqual(['2502.20001', '2502.20002']);
    // By relevance alone the short query puts the scheduling paper first too; the prior lifts the upvoted one.
    const relevance = await deps.search.search({ q: 'quantum annealing', limit: 20 });
    expect(relevance.hits.map((hit) => hit.paper.id).filter((id) => id.startsWith('2502.2000'))).toEqual(['2502.20001', '2502.20002']);
    expect(await order('quantum annealing')).toEqual(['2502.20002', '2502.20001']);
    // A page shorter than the prior's candidates still gets the reordered best.
    const res = await app.request('/api/papers/search?q=quantum%20annealing&limit=1');
    expect(((await res.json()) as { paper: { id: string } }[]).map((hit) => hit.paper.id)).toEqual(['2502.20002']);
  });

  it('highlights every hit of a short query reordered by popularity, and only those returned', async () => {
    const res = await app.request('/api/papers/search?q=graph%20neural&limit=3');
    const body = (await res.json()) as { title: string; highlightedTitle: { text: string; match: boolean }[] }[];
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThanOrEqual(3);
    for (const hit of body) expect(hit.highlightedTitle.map((s) => s.text).join('')).toBe(hit.title);
    expect(body[0]!.highlightedTitle.some((s) => s.match)).toBe(true);
  });

  it('returns hits in the Hugging Face papers search shape with highlight segments', async () => {
    const res = await app.request('/api/papers/search?q=graph%20neural%20networks%20molecules&limit=5');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Record<string, unknown>[];
    expect(Array.isArray(body)).toBe(true);
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThanOrEqual(5);
    const first = body[0] as {
      paper: Record<string, unknown>;
      title: string;
      summary: string;
      highlightedTitle: { text: string; match: boolean }[];
      highlightedSummary: { text: string; match: boolean }[];
    };
    expect(first.paper).toMatchObject({
      id: '2501.10007',
      title: 'Graph neural networks for molecular property prediction',
      summary: expect.stringContaining('message passing'),
      authors: [{ name: 'Yann LeCun' }],
      publishedAt: '2025-01-25T00:00:00.000Z',
      upvotes: 31,
      githubRepo: 'https://github.com/example/mpnn',
      githubStars: 120,
    });
    expect(first.title).toBe(first.paper.title);
    expect(first.highlightedTitle.map((s) => s.text).join('')).toBe(first.title);
    expect(first.highlightedTitle.filter((s) => s.match).map((s) => s.text)).toEqual(['Graph', 'neural', 'networks']);
    expect(first.highlightedSummary.some((s) => s.match)).toBe(true);
    expect(first).not.toHaveProperty('explain');
    expect(res.headers.get('x-search-mode')).toBe('hybrid');
  });

  it('gives a hit the same counts on the search page as in the API (imported and local, comments too)', async () => {
    await get().store.db.updateTable('papers').set({ local_upvotes: 4, local_comments: 1 }).where('id', '=', '2501.10007').execute();
    const api = (await (await app.request('/api/papers/search?q=graph%20neural%20networks%20molecules&limit=1')).json()) as {
      paper: { id: string; upvotes: number };
      numComments: number;
    }[];
    expect(api[0]).toMatchObject({ paper: { id: '2501.10007', upvotes: 35 }, numComments: 3 });
    const page = await (await app.request('/search?q=graph+neural+networks+molecules')).text();
    const card = page.slice(page.indexOf('next=%2Fpapers%2F2501.10007'));
    const item = card.slice(0, card.indexOf('</article>'));
    expect(item).toContain('data-vote-count="true">35<');
    expect(item).toContain('>3 comments<');
    await get().store.db.updateTable('papers').set({ local_upvotes: 0, local_comments: 0 }).where('id', '=', '2501.10007').execute();
  });

  it('explains scores with explain=1 and honours mode', async () => {
    const res = await app.request('/api/papers/search?q=galaxy&mode=lexical&explain=1');
    const body = (await res.json()) as { explain: Record<string, unknown> }[];
    expect(body[0]!.explain).toMatchObject({
      lexicalRank: 1,
      lexicalScore: expect.any(Number),
      semanticRank: null,
      semanticScore: null,
      fusedScore: expect.any(Number),
    });
    const semantic = (await (await app.request('/api/papers/search?q=galaxy&mode=semantic&explain=1')).json()) as {
      explain: Record<string, unknown>;
    }[];
    expect(semantic[0]!.explain).toMatchObject({ lexicalRank: null, semanticRank: 1 });
  });

  it('rejects bad parameters with a JSON error and never leaks markup', async () => {
    for (const url of [
      // Without q it lists trending papers (test/hf/hf-routes.test.ts); its parameters are still validated.
      '/api/papers/search?limit=0',
      '/api/papers/search?q=x&limit=0',
      '/api/papers/search?q=x&limit=abc',
      '/api/papers/search?q=x&mode=fuzzy',
      `/api/papers/search?q=${'a'.repeat(501)}`,
    ]) {
      const res = await app.request(url);
      expect(res.status, url).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.any(String), code: 'bad_request' });
    }
    const res = await app.request('/api/papers/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%20%22unclosed');
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('<script>');
  });

  it('marks arXiv id queries with the paper to jump to', async () => {
    const res = await app.request('/api/papers/search?q=https%3A%2F%2Farxiv.org%2Fabs%2F2501.10005v1');
    expect(res.headers.get('x-jump-to')).toBe('2501.10005');
    expect(((await res.json()) as { paper: { id: string } }[]).map((h) => h.paper.id)).toEqual(['2501.10005']);
  });

  it('lists similar papers, excluding the paper itself and hidden ones', async () => {
    const res = await app.request('/api/papers/2501.10007/similar?limit=3');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; title: string; authors: { name: string }[] }[];
    expect(body.length).toBe(3);
    expect(body[0]!.id).toBe('2501.10008');
    expect(body.map((p) => p.id)).not.toContain('2501.10007');
    expect(body[0]!.authors).toEqual([{ name: 'Max Welling' }]);
    await get().store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2501.10008').execute();
    const after = (await (await app.request('/api/papers/2501.10007/similar?limit=3')).json()) as { id: string }[];
    expect(after.map((p) => p.id)).not.toContain('2501.10008');
    expect((await app.request('/api/papers/2501.10008/similar')).status).toBe(404);
    expect((await app.request('/api/papers/2599.99999/similar')).status).toBe(404);
    await get().store.db.updateTable('papers').set({ hidden: 0 }).where('id', '=', '2501.10008').execute();
  });
});
