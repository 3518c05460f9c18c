import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_API_RATE_PER_MINUTE, loadConfig } from '../../src/config.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { isHeadQuery, withPopularityPrior } from '../../src/search/popularity-prior.js';
import { testApp } from '../helpers/app.js';
import { seedCommunity, XSS_ABSTRACT, XSS_TITLE } from '../helpers/community-seed.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { projectRoot } from '../../src/project-root.js';

type App = Awaited<ReturnType<typeof testApp>>;

const ENTRY_TEX_TITLE = 'Most $\\mathbf{up}$voted <i>[really]</i>';

describeEachStore('Hugging Face-shaped routes', (get) => {
  let t: App;

  beforeAll(async () => {
    await seedCommunity(get().store);
    // Three papers on one day with equal upvotes: HF breaks the tie by arXiv time, newest first.
    const day = '2025-02-03';
    const tied = ['2502.00011', '2502.00012', '2502.00013'].map((id, i) =>
      paperRecord({ id, title: `Tied paper ${i}`, publishedAt: `2025-01-3${i}T0${i}:00:00.000Z` }),
    );
    await upsertPapers(
      get().store.db,
      [...tied, paperRecord({ id: '2502.00014', title: 'Most upvoted', publishedAt: '2025-01-29T00:00:00.000Z' })],
      '2025-02-03T00:00:00Z',
    );
    await upsertFeedEntries(
      get().store.db,
      [
        ...tied.map((p) => ({ day, paperId: p.id, upvotes: 7, comments: 0, source: 'test' })),
        // The entry's own title, in TeX, as HF writes it over the paper's arXiv title.
        { day, paperId: '2502.00014', upvotes: 9, comments: 0, source: 'test', title: ENTRY_TEX_TITLE },
      ],
      '2025-02-03T00:00:00Z',
    );
    t = await testApp(get());
  });

  const json = async (url: string) => {
    const res = await t.app.request(url);
    return { res, body: (await res.json()) as unknown };
  };

  it('orders a day by upvotes, ties by arXiv publication time, newest first', async () => {
    const { body } = await json('/api/daily_papers?date=2025-02-03');
    expect((body as { paper: { id: string } }[]).map((e) => e.paper.id)).toEqual(['2502.00014', '2502.00013', '2502.00012', '2502.00011']);
  });

  it('walks every featured paper with the cursor of the Link header, without repeats', async () => {
    const seen: string[] = [];
    let url: string | null = '/api/papers?limit=2';
    while (url) {
      const res: Response = await t.app.request(url);
      expect(res.status).toBe(200);
      seen.push(...((await res.json()) as { id: string }[]).map((p) => p.id));
      const link = res.headers.get('link');
      url = link ? new URL(/<([^>]+)>; rel="next"/.exec(link)![1]!).pathname + new URL(/<([^>]+)>/.exec(link)![1]!).search : null;
    }
    expect(seen).toHaveLength(new Set(seen).size);
    expect(seen).toHaveLength(8);
    // Newest feed day first.
    expect(seen.slice(0, 4).sort()).toEqual(['2502.00011', '2502.00012', '2502.00013', '2502.00014']);
  });

  it('answers HF-shaped routes with {error, code} and the others with {error: {code, message}}', async () => {
    expect((await json('/api/daily_papers?limit=0')).body).toMatchObject({ error: expect.stringContaining('limit'), code: 'bad_request' });
    expect((await json('/api/papers/2599.99999')).body).toEqual({ error: 'No paper with id 2599.99999.', code: 'not_found' });
    const markdown = await t.app.request('/papers/2599.99999.md');
    expect(markdown.status).toBe(404);
    expect(await markdown.json()).toEqual({ error: 'No paper with id 2599.99999.', code: 'not_found' });
    expect((await json('/api/papers/2599.99999/similar')).body).toEqual({
      error: { code: 'not_found', message: 'No paper with id 2599.99999.' },
    });
    expect((await json('/api/subscriptions')).body).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('renders a paper as Markdown without letting its text become markup', async () => {
    const res = await t.app.request('/papers/2501.00002.md');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const text = await res.text();
    expect(text).toContain(`# ${XSS_TITLE.replaceAll('<', '\\<')}`);
    expect(text).toContain(XSS_ABSTRACT.replaceAll('<', '\\<'));
    expect(text).not.toMatch(/(^|[^\\])<script/);
    expect(text).toContain('(https://arxiv.org/abs/2501.00002)');
    const linked = await (await t.app.request('/papers/2501.00001v2.md')).text();
    expect(linked).toContain('[Code](https://github.com/example/sparse-diffusion) (420 stars)');
    expect(linked).toContain('[Project page](https://sparse-diffusion.example.org)');
  });

  it('answers a search without q with the most trending featured papers, like HF, and still validates q', async () => {
    type Hit = {
      paper: { id: string; trendingScore: number; numComments: number };
      title: string;
      numComments: number;
      highlightedTitle: { text: string; match: boolean }[];
      score: number;
    };
    const featured = (await json('/api/papers?limit=100')).body as { id: string }[];
    for (const url of ['/api/papers/search', '/api/papers/search?q=', '/api/papers/search?q=%20%20']) {
      const { res, body } = await json(url);
      expect(res.status, url).toBe(200);
      const hits = body as Hit[];
      expect(hits.length, url).toBe(Math.min(20, featured.length));
      expect(res.headers.get('x-total-count')).toBe(String(featured.length));
      expect(hits.map((h) => h.paper.id).every((id) => featured.some((p) => p.id === id))).toBe(true);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const hit of hits) {
        const paper = (await json(`/api/papers/${hit.paper.id}`)).body as { title: string; trendingScore: number; numComments: number };
        expect(hit.score).toBe(paper.trendingScore);
        expect(hit.paper.trendingScore).toBe(paper.trendingScore);
        expect(hit.numComments).toBe(paper.numComments);
        expect(hit.title).toBe(paper.title);
        expect(hit.highlightedTitle).toEqual([{ text: paper.title, match: false }]);
      }
    }
    expect(((await json('/api/papers/search?limit=3')).body as Hit[]).length).toBe(3);
    expect(((await json('/api/papers/search?limit=120')).body as Hit[]).length).toBe(featured.length);
    expect((await json('/api/papers/search?limit=121')).res.status).toBe(400);
    const tooLong = await json(`/api/papers/search?q=${'a'.repeat(501)}`);
    expect(tooLong.res.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: expect.stringContaining('at most') });
  });

  it("heads a paper's Markdown with its feed entry's title, TeX as written and markup escaped", async () => {
    const text = await (await t.app.request('/papers/2502.00014.md')).text();
    expect(text.split('\n')[0]).toBe('# Most $\\mathbf{up}$voted \\<i>\\[really\\]\\</i>');
    // The paper keeps its own title in the paper API.
    expect(((await json('/api/papers/2502.00014')).body as { title: string }).title).toBe('Most upvoted');
  });

  it('gives search hits the trending score and counts of the paper endpoint', async () => {
    const hits = (await json('/api/papers/search?q=diffusion&limit=120')).body as { paper: { id: string; trendingScore: number } }[];
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      const paper = (await json(`/api/papers/${hit.paper.id}`)).body as { trendingScore: number };
      expect(hit.paper.trendingScore).toBe(paper.trendingScore);
    }
  });
});

describe('PAPERBOY_API_RATE_PER_MINUTE', () => {
  it('is validated and named in errors', () => {
    expect(loadConfig({}).apiRatePerMinute).toBe(DEFAULT_API_RATE_PER_MINUTE);
    expect(loadConfig({ PAPERBOY_API_RATE_PER_MINUTE: '50' }).apiRatePerMinute).toBe(50);
    for (const bad of ['0', '-1', 'many', '1.5']) {
      expect(() => loadConfig({ PAPERBOY_API_RATE_PER_MINUTE: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ PAPERBOY_API_RATE_PER_MINUTE: bad })).toThrow(/PAPERBOY_API_RATE_PER_MINUTE/);
    }
  });
});

describeEachStore('the default API rate', (get) => {
  it('lets one client walk every shared HF day in a minute', async () => {
    const daysDir = path.join(projectRoot(), '..', 'shared', 'data', 'hf-daily-papers');
    const days = fs.existsSync(daysDir) ? fs.readdirSync(daysDir).map((f) => f.slice(0, 10)) : [];
    const walk =
      days.length >= 580 ? days : Array.from({ length: 580 }, (_, i) => new Date(Date.UTC(2024, 4, 27 + i)).toISOString().slice(0, 10));
    const { app } = await testApp(get());
    for (const day of walk) {
      const res = await app.request(`/api/daily_papers?date=${day}`);
      expect(res.status, day).toBe(200);
    }
  }, 120_000);
});

describe('the popularity prior', () => {
  it('applies to short plain queries only', () => {
    expect(isHeadQuery(parseQuery('llama'))).toBe(true);
    expect(isHeadQuery(parseQuery('diffusion language models'))).toBe(true);
    expect(isHeadQuery(parseQuery('a method that detects unstable regions in training'))).toBe(false);
    expect(isHeadQuery(parseQuery('"llama 3"'))).toBe(false);
    expect(isHeadQuery(parseQuery('2407.21783'))).toBe(false);
  });

  it('lifts a much upvoted, nearly as relevant paper and keeps relevance order otherwise', () => {
    const hits = [
      { id: 'a', score: 10, upvotes: 0 },
      { id: 'b', score: 9, upvotes: 2 },
      { id: 'c', score: 8, upvotes: 500 },
      { id: 'd', score: 2, upvotes: 900 },
    ];
    expect(withPopularityPrior(hits).map((h) => h.id)).toEqual(['c', 'a', 'b', 'd']);
    const unvoted = hits.map((h) => ({ ...h, upvotes: 0 }));
    expect(withPopularityPrior(unvoted).map((h) => h.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
