import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import type { PaperRecord } from '../../src/papers/paper.js';
import { createLexicalIndex } from '../../src/search/lexical/create-lexical-index.js';
import type { LexicalIndex } from '../../src/search/lexical/lexical-index.js';
import { filtersFromQuery } from '../../src/search/paper-filters.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { PaperDayTotals } from '../../src/trends/paper-day-totals.js';
import { queryTrends, type Trend } from '../../src/trends/trends.service.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';

/** A corpus small enough to count by hand: five visible dated papers, one hidden, one undated. */
const CORPUS: PaperRecord[] = [
  paperRecord({
    id: '2501.30001',
    title: 'Diffusion models for images',
    abstract: 'We denoise pictures.',
    categories: ['cs.CV'],
    publishedAt: '2025-01-05T10:00:00Z',
  }),
  paperRecord({
    id: '2501.30002',
    title: 'Diffusion of heat',
    abstract: 'Simple models of heat in metals.',
    categories: ['physics.gen-ph'],
    publishedAt: '2025-01-20T00:00:00Z',
  }),
  paperRecord({
    id: '2502.30003',
    title: 'Language models',
    abstract: 'Predicting the next word.',
    categories: ['cs.CL'],
    publishedAt: '2025-02-03T00:00:00Z',
  }),
  paperRecord({
    id: '2502.30004',
    title: 'Diffusion models in language',
    abstract: 'Denoising text.',
    categories: ['cs.CL'],
    publishedAt: '2025-02-10T00:00:00Z',
  }),
  paperRecord({
    id: '2503.30005',
    title: 'Graph networks',
    abstract: 'Message passing.',
    categories: ['cs.LG'],
    publishedAt: '2025-03-01T00:00:00Z',
  }),
  paperRecord({
    id: '2503.30006',
    title: 'Diffusion models hidden away',
    abstract: 'Withdrawn.',
    categories: ['cs.LG'],
    publishedAt: '2025-03-02T00:00:00Z',
  }),
  paperRecord({
    id: '2503.30007',
    title: 'Diffusion models without a date',
    abstract: 'Undated.',
    categories: ['cs.LG'],
    publishedAt: null,
  }),
];

const NOW = new Date('2025-06-15T12:00:00Z');

describeEachStore('trend counts', (get) => {
  beforeAll(async () => {
    await writeCorpus(get());
  });
  for (const inMemory of [false, true])
    describe(inMemory ? 'from the in-memory index where the engine keeps one' : 'from the database index', () => countSuite(get, inMemory));
});

async function writeCorpus(t: TestStore): Promise<void> {
  await t.store.db.transaction().execute((trx) => upsertPapers(trx, CORPUS, NOW.toISOString()));
  await t.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2503.30006').execute();
}

function countSuite(get: () => TestStore, inMemory: boolean): void {
  let index: LexicalIndex;
  const trends = async (queries: string[], interval: 'week' | 'month' = 'month'): Promise<Trend[]> =>
    queryTrends(
      {
        search: { countMatchesByDay: (query) => index.countByDay(query, filtersFromQuery(query)) },
        paperDayTotals: new PaperDayTotals(get().store),
        now: () => NOW,
      },
      { queries, interval },
    );
  const monthly = async (q: string) => (await trends([q]))[0]!.series.filter((p) => p.period <= '2025-03');

  beforeAll(async () => {
    index = createLexicalIndex(get().store, { inMemory });
    await index.start();
  });

  it('counts papers holding every word, with their share of all papers of the month', async () => {
    expect(await monthly('diffusion models')).toEqual([
      { period: '2025-01', count: 2, share: 1 },
      { period: '2025-02', count: 1, share: 0.5 },
      { period: '2025-03', count: 0, share: 0 },
    ]);
  });

  it('spans the months from the first to the last dated paper, so compared queries line up', async () => {
    const [a, b] = await trends(['diffusion models', 'graph']);
    expect(a!.series.map((p) => p.period)).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(b!.series).toEqual([
      { period: '2025-01', count: 0, share: 0 },
      { period: '2025-02', count: 0, share: 0 },
      { period: '2025-03', count: 1, share: 1 },
    ]);
  });

  it('understands phrases, exclusions and category filters', async () => {
    expect((await monthly('"diffusion models"')).map((p) => p.count)).toEqual([1, 1, 0]);
    expect((await monthly('models -language')).map((p) => p.count)).toEqual([2, 0, 0]);
    expect((await monthly('diffusion models cat:cs.CL')).map((p) => [p.count, p.share])).toEqual([
      [0, 0],
      [1, 0.5],
      [0, 0],
    ]);
    expect((await monthly('cat:cs.CL')).map((p) => p.count)).toEqual([0, 2, 0]);
  });

  it('counts by ISO week', async () => {
    const [trend] = await trends(['diffusion models'], 'week');
    expect(trend!.series.map((p) => p.period)).toEqual([
      '2025-W01',
      '2025-W02',
      '2025-W03',
      '2025-W04',
      '2025-W05',
      '2025-W06',
      '2025-W07',
      '2025-W08',
      '2025-W09',
    ]);
    expect(trend!.series.filter((p) => p.count > 0)).toEqual([
      { period: '2025-W01', count: 1, share: 1 },
      { period: '2025-W04', count: 1, share: 1 },
      { period: '2025-W07', count: 1, share: 1 },
    ]);
  });

  it('counts nothing for a word no paper holds or a query of stop words alone', async () => {
    expect((await monthly('diffusion zzyzx')).map((p) => p.count)).toEqual([0, 0, 0]);
    expect((await monthly('the of')).map((p) => p.count)).toEqual([0, 0, 0]);
  });

  it('refuses no query, an empty one and more than three', async () => {
    await expect(trends([])).rejects.toMatchObject({ code: 'invalid' });
    await expect(trends(['  '])).rejects.toMatchObject({ code: 'invalid' });
    await expect(trends(['a', 'b', 'c', 'd'])).rejects.toMatchObject({ code: 'invalid' });
  });
}

describeEachStore('trend counts after a paper changes', { lifetime: 'test' }, (get) => {
  /** Writes the corpus behind a started in-memory index; counts a query's matching papers by day. */
  async function countsOverCorpus(): Promise<(q: string) => Promise<Record<string, number>>> {
    const index = createLexicalIndex(get().store, { inMemory: true });
    await index.start();
    await writeCorpus(get());
    return async (q) => {
      const parsed = parseQuery(q);
      return Object.fromEntries(await index.countByDay(parsed, filtersFromQuery(parsed)));
    };
  }

  it('follows a changed publication date and a paper hidden later', async () => {
    const count = await countsOverCorpus();
    expect(await count('heat')).toEqual({ '2025-01-20': 1 });
    await sql`UPDATE papers SET published_at = ${'2025-02-07T00:00:00Z'} WHERE id = ${'2501.30002'}`.execute(get().store.db);
    expect(await count('heat')).toEqual({ '2025-02-07': 1 });
    await get().store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2501.30002').execute();
    expect(await count('heat')).toEqual({});
  });

  it('counts far-future days as well as near ones, and each count starts from zero', async () => {
    const count = await countsOverCorpus();
    const before = await count('diffusion models');
    await sql`UPDATE papers SET published_at = ${'9999-12-01T00:00:00Z'} WHERE id = ${'2501.30002'}`.execute(get().store.db);
    expect(await count('heat')).toEqual({ '9999-12-01': 1 });
    expect(await count('heat')).toEqual({ '9999-12-01': 1 });
    const after = await count('diffusion models');
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(after['9999-12-01']).toBe(1);
    expect(total(after)).toBe(total(before));
    expect(await count('diffusion models')).toEqual(after);
  });

  it('knows the days of papers when the in-memory index comes back from its saved file', async () => {
    await writeCorpus(get());
    const first = createLexicalIndex(get().store, { inMemory: true, dataDir: get().dataDir });
    expect((await first.start())?.source).toBe('database');
    await first.flush();
    const second = createLexicalIndex(get().store, { inMemory: true, dataDir: get().dataDir });
    expect((await second.start())?.source).toBe('file');
    const parsed = parseQuery('diffusion models');
    expect(Object.fromEntries(await second.countByDay(parsed, filtersFromQuery(parsed)))).toEqual({
      '2025-01-05': 1,
      '2025-01-20': 1,
      '2025-02-10': 1,
    });
  });
});
