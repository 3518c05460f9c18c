import type { Store } from '../../src/db/database.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import type { PaperRecord } from '../../src/papers/paper.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { recomputeAllTrending } from '../../src/trending/trending.repository.js';
import { paperRecord } from './fixtures.js';

export const XSS_TITLE = 'Attention <script>alert("title")</script> is all you need';
export const XSS_ABSTRACT = 'We show <img src=x onerror=alert(1)> that diffusion models & transformers scale.';

/** Four featured papers over two weeks and two months, one with hostile markup in its imported text. */
export const SEED_PAPERS: readonly (PaperRecord & { day: string; upvotes: number; numComments: number })[] = [
  {
    ...paperRecord({
      id: '2501.00001',
      title: 'Sparse Diffusion Transformers',
      abstract: 'Diffusion models with sparse attention generate images faster.',
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'],
      categories: ['cs.CV', 'cs.LG'],
      publishedAt: '2025-01-02T00:00:00.000Z',
      projectPage: 'https://sparse-diffusion.example.org',
      codeRepo: { url: 'https://github.com/example/sparse-diffusion', stars: 420, countedAt: '2025-01-06T00:00:00.000Z' },
    }),
    day: '2025-01-06',
    upvotes: 5,
    numComments: 2,
  },
  {
    ...paperRecord({
      id: '2501.00002',
      title: XSS_TITLE,
      abstract: XSS_ABSTRACT,
      authors: ['Mallory <b>Evil</b>'],
      categories: ['cs.CL'],
      publishedAt: '2025-01-03T00:00:00.000Z',
    }),
    day: '2025-01-06',
    upvotes: 20,
    numComments: 0,
  },
  {
    ...paperRecord({
      id: '2501.00003',
      title: 'Protein Folding with Language Models',
      abstract: 'Language models predict protein structure.',
      categories: ['q-bio.BM'],
      publishedAt: '2025-01-05T00:00:00.000Z',
    }),
    day: '2025-01-07',
    upvotes: 1,
    numComments: 0,
  },
  {
    ...paperRecord({
      id: '2412.00004',
      title: 'Graph Networks for Weather',
      abstract: 'Graph neural networks forecast weather.',
      categories: ['cs.LG'],
      publishedAt: '2024-12-18T00:00:00.000Z',
    }),
    day: '2024-12-20',
    upvotes: 9,
    numComments: 1,
  },
];

export async function seedCommunity(store: Store): Promise<void> {
  const stamp = '2025-01-07T00:00:00.000Z';
  await upsertPapers(
    store.db,
    SEED_PAPERS.map(({ day: _day, upvotes: _upvotes, numComments: _n, ...paper }) => paper),
    stamp,
  );
  await upsertFeedEntries(
    store.db,
    SEED_PAPERS.map((p) => ({ day: p.day, paperId: p.id, upvotes: p.upvotes, comments: p.numComments, source: 'test' })),
    stamp,
  );
  await recomputeAllTrending(store.db);
}
