import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import type { Store } from '../../src/db/database.js';
import type { Frequency } from '../../src/digests/digests.table.js';
import { recomputeTrending } from '../../src/trending/trending.repository.js';
import { paperRecord } from '../helpers/fixtures.js';

export interface SeedPaper {
  readonly id: string;
  readonly day: string;
  readonly upvotes: number;
  readonly title?: string;
  readonly abstract?: string;
  readonly publishedAt?: string;
  readonly code?: string;
}

/** Papers featured on feed days, with trending scores computed by the real formula. */
export async function seedFeed(store: Store, papers: readonly SeedPaper[]): Promise<void> {
  const now = '2025-01-01T00:00:00.000Z';
  await upsertPapers(
    store.db,
    papers.map((p) =>
      paperRecord({
        id: p.id,
        title: p.title ?? `Paper ${p.id}`,
        abstract: p.abstract ?? `An abstract about the findings of paper ${p.id}.`,
        authors: ['Ada Lovelace', 'Alan Turing'],
        categories: ['cs.LG'],
        publishedAt: p.publishedAt ?? `${p.day}T00:00:00.000Z`,
        codeRepo: p.code ? { url: p.code, stars: 42, countedAt: `${p.day}T00:00:00.000Z` } : null,
      }),
    ),
    now,
  );
  await upsertFeedEntries(
    store.db,
    papers.map((p) => ({ day: p.day, paperId: p.id, upvotes: p.upvotes, comments: 0, source: 'test' })),
    now,
  );
  await recomputeTrending(
    store.db,
    papers.map((p) => p.id),
  );
}

/** A confirmed subscription written directly (the double opt-in flow has its own tests). */
export async function confirmedSubscriber(
  store: Store,
  email: string,
  options: { frequency?: Frequency; topics?: string | null; maxPapers?: number; status?: 'confirmed' | 'pending' | 'paused' } = {},
): Promise<number> {
  const now = '2025-01-01T00:00:00.000Z';
  const row = await store.db
    .insertInto('subscriptions')
    .values({
      email,
      user_id: null,
      frequency: options.frequency ?? 'daily',
      topics: options.topics ?? null,
      max_papers: options.maxPapers ?? 10,
      status: options.status ?? 'confirmed',
      confirm_token_hash: null,
      confirm_sent_at: null,
      created_at: now,
      confirmed_at: options.status === 'pending' ? null : now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A clock tests move by hand. */
export function manualClock(start: string) {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (iso: string) => {
      current = new Date(iso);
    },
    advance: (ms: number) => {
      current = new Date(current.getTime() + ms);
    },
  };
}
