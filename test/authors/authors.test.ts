import { beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { claimAuthorship, decideAuthorClaim, MAX_PENDING_CLAIMS } from '../../src/authors/author-claims.js';
import {
  approvedClaimantsOfName,
  approvedClaimsOfPaper,
  approvedClaimsOfUser,
  pendingClaims,
} from '../../src/authors/author-claims.repository.js';
import { authorProfile, AUTHOR_PAPERS_PER_PAGE } from '../../src/authors/author-profile.js';
import { PageCache } from '../../src/cache/page-cache.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { authorNameKey } from '../../src/papers/author-names.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import type { WriteEvent } from '../../src/write-events.js';
import { testApp } from '../helpers/app.js';
import { actorAccount, refusalCode } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const STAMP = NOW.toISOString();

describeEachStore('authors: the author index, profiles and authorship claims', { lifetime: 'test' }, (get) => {
  let deps: AppDeps;
  const events: WriteEvent[] = [];

  beforeEach(async () => {
    events.length = 0;
    ({ deps } = await testApp(get(), {}, { now: () => NOW }));
    deps.writes.subscribe((event) => events.push(event));
  });

  async function authorRows(paperId: string) {
    const rows = await deps.store.db
      .selectFrom('paper_authors')
      .select(['position', 'name', 'name_key'])
      .where('paper_id', '=', paperId)
      .orderBy('position')
      .execute();
    return rows.map((r) => [Number(r.position), r.name, r.name_key]);
  }

  it('keeps one paper_authors row per listed name in step with every upsert, and keeps them when a source gives none', async () => {
    const db = deps.store.db;
    await upsertPapers(db, [paperRecord({ id: '2501.10001', authors: ['Jörg Müller', 'Ada Byron'] })], STAMP);
    expect(await authorRows('2501.10001')).toEqual([
      [0, 'Jörg Müller', 'j muller'],
      [1, 'Ada Byron', 'a byron'],
    ]);
    await upsertPapers(db, [paperRecord({ id: '2501.10001', authors: ['Ada Byron', 'Cy Young', 'Dee Diaz'] })], STAMP);
    expect(await authorRows('2501.10001')).toEqual([
      [0, 'Ada Byron', 'a byron'],
      [1, 'Cy Young', 'c young'],
      [2, 'Dee Diaz', 'd diaz'],
    ]);
    await upsertPapers(db, [paperRecord({ id: '2501.10001', authors: [] })], STAMP);
    expect((await authorRows('2501.10001')).map((r) => r[1])).toEqual(['Ada Byron', 'Cy Young', 'Dee Diaz']);
    // The same list again, beside a new paper in the same batch: both papers' rows are right afterwards.
    await upsertPapers(
      db,
      [
        paperRecord({ id: '2501.10001', authors: ['Ada Byron', 'Cy Young', 'Dee Diaz'] }),
        paperRecord({ id: '2501.10002', authors: ['Eve Ng'] }),
      ],
      STAMP,
    );
    expect((await authorRows('2501.10001')).map((r) => r[1])).toEqual(['Ada Byron', 'Cy Young', 'Dee Diaz']);
    expect(await authorRows('2501.10002')).toEqual([[0, 'Eve Ng', 'e ng']]);
  });

  it('removes a deleted paper’s author rows', async () => {
    const db = deps.store.db;
    await upsertPapers(
      db,
      [paperRecord({ id: '2501.10001', authors: ['Ada Byron'] }), paperRecord({ id: '2501.10002', authors: ['Ada Byron'] })],
      STAMP,
    );
    await db.deleteFrom('papers').where('id', '=', '2501.10001').execute();
    expect(await authorRows('2501.10001')).toEqual([]);
    expect(await authorRows('2501.10002')).toEqual([[0, 'Ada Byron', 'a byron']]);
  });

  it('lists the words that set an author apart before the words every paper uses', async () => {
    const db = deps.store.db;
    const others = Array.from({ length: 30 }, (_, i) =>
      paperRecord({ id: `2502.3${String(i).padStart(4, '0')}`, title: `A model of things ${i}`, abstract: 'Our model is a model.' }),
    );
    const own = ['Tokamak plasma model', 'Plasma control model', 'Tokamak stability model'].map((title, i) =>
      paperRecord({ id: `2502.4000${i}`, title, abstract: 'A model.', authors: ['Ida Fusion'] }),
    );
    await upsertPapers(db, [...others, ...own], STAMP);
    const words = (await authorProfile(deps, { name: 'Ida Fusion' })).words;
    const names = words.map((w) => w.name);
    expect(names.slice(0, 2)).toEqual(['plasma', 'tokamak']);
    expect(names.indexOf('model')).toBeGreaterThan(names.indexOf('tokamak'));
    expect(words.find((w) => w.name === 'model')).toEqual({ name: 'model', papers: 3 });
    // Without the keyword index's counts, the most used words come first.
    const plain = (await authorProfile({ store: deps.store, now: deps.now }, { name: 'Ida Fusion' })).words;
    expect(plain[0]).toEqual({ name: 'model', papers: 3 });
  });

  it('keys written variants together without touching the names', () => {
    expect(authorNameKey('Jörg M. Müller')).toBe('j muller');
    expect(authorNameKey('J. Muller')).toBe('j muller');
    expect(authorNameKey('jorg muller')).toBe('j muller');
    expect(authorNameKey('Plato')).toBe('plato');
    expect(authorNameKey('Ada Byron')).not.toBe(authorNameKey('Ada Lovelace'));
  });

  it('profiles a name as written: papers newest first with votes, co-authors, categories, words, months, variants', async () => {
    const db = deps.store.db;
    await upsertPapers(
      db,
      [
        paperRecord({
          id: '2501.20001',
          title: 'Sparse attention for graphs',
          abstract: 'Sparse attention on graph data.',
          authors: ['Ada Byron', 'Bob Stone'],
          categories: ['cs.LG', 'cs.AI'],
          publishedAt: '2025-01-10T00:00:00Z',
        }),
        paperRecord({
          id: '2503.20002',
          title: 'Sparse attention at scale',
          abstract: 'Scaling sparse attention.',
          authors: ['Bob Stone', 'Ada Byron', 'Cy Young'],
          categories: ['cs.LG'],
          publishedAt: '2025-03-05T00:00:00Z',
        }),
        paperRecord({ id: '2503.20003', title: 'Hidden', authors: ['Ada Byron', 'Zed Hidden'], publishedAt: '2025-03-06T00:00:00Z' }),
        paperRecord({ id: '2502.20004', title: 'Lower case', authors: ['ada byron'], publishedAt: '2025-02-01T00:00:00Z' }),
        paperRecord({ id: '2502.20005', title: 'Initial', authors: ['A. Byron', 'Bob Stone'], publishedAt: '2025-02-02T00:00:00Z' }),
      ],
      STAMP,
    );
    await upsertFeedEntries(db, [{ day: '2025-01-11', paperId: '2501.20001', upvotes: 4, comments: 0, source: 'test' }], STAMP);
    await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2503.20003').execute();

    const profile = await authorProfile(deps, { name: 'Ada Byron' });
    expect(profile.paperCount).toBe(2);
    expect(profile.upvotes).toBe(4);
    expect(profile.papers.map((p) => [p.paper.id, p.upvotes])).toEqual([
      ['2503.20002', 0],
      ['2501.20001', 4],
    ]);
    expect(profile.coauthors).toEqual([
      { name: 'Bob Stone', papers: 2 },
      { name: 'Cy Young', papers: 1 },
    ]);
    expect(profile.categories).toEqual([
      { name: 'cs.LG', papers: 2 },
      { name: 'cs.AI', papers: 1 },
    ]);
    expect(profile.words.slice(0, 3).map((w) => w.name)).toEqual(expect.arrayContaining(['sparse', 'attention', 'sparse attention']));
    expect(profile.words.every((w) => w.papers === 2)).toBe(true);
    expect(profile.months).toEqual([
      { period: '2025-01', papers: 1 },
      { period: '2025-02', papers: 0 },
      { period: '2025-03', papers: 1 },
    ]);
    expect(profile.variants).toEqual([
      { name: 'A. Byron', papers: 1 },
      { name: 'ada byron', papers: 1 },
    ]);
    expect((await authorProfile(deps, { name: 'ada byron' })).papers.map((p) => p.paper.id)).toEqual(['2502.20004']);
    expect(await refusalCode(authorProfile(deps, { name: 'Zed Hidden' }))).toBe('not_found');
    expect(await refusalCode(authorProfile(deps, { name: 'Nobody Atall' }))).toBe('not_found');
  });

  it('pages an author’s papers newest first', async () => {
    const count = AUTHOR_PAPERS_PER_PAGE + 3;
    const records = Array.from({ length: count }, (_, i) =>
      paperRecord({
        id: `2504.${String(30_000 + i)}`,
        title: `Paper ${i}`,
        authors: ['Prolific Writer'],
        publishedAt: `2025-04-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`,
      }),
    );
    await upsertPapers(deps.store.db, records, STAMP);
    const first = await authorProfile(deps, { name: 'Prolific Writer' });
    const second = await authorProfile(deps, { name: 'Prolific Writer', page: 2 });
    expect(first.pageCount).toBe(2);
    expect(first.papers).toHaveLength(AUTHOR_PAPERS_PER_PAGE);
    expect(second.papers).toHaveLength(3);
    const ids = [...first.papers, ...second.papers].map((p) => p.paper.id);
    expect(new Set(ids).size).toBe(count);
    const dates = [...first.papers, ...second.papers].map((p) => p.paper.publishedAt!);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('lets a reader claim a name on a paper, refuses what it must, and announces a pending claim as private', async () => {
    await upsertPapers(deps.store.db, [paperRecord({ id: '2505.40001', authors: ['Ada Byron', 'Bob Stone'] })], STAMP);
    const ada = await actorAccount(deps, 'adaclaims');
    const other = await actorAccount(deps, 'otherclaims');
    const banned = await actorAccount(deps, 'bannedclaims', { banned: true });

    const { claimId } = await claimAuthorship(deps, ada, { paperId: '2505.40001', authorName: 'Ada Byron' });
    expect(events).toEqual([{ kind: 'author-claim', paperIds: ['2505.40001'], userIds: [ada.id], public: false }]);
    expect((await pendingClaims(deps.store.db, 10)).map((c) => [c.id, c.username, c.authorName])).toEqual([
      [claimId, 'adaclaims', 'Ada Byron'],
    ]);

    expect(await refusalCode(claimAuthorship(deps, ada, { paperId: '2505.40001', authorName: 'Ada Byron' }))).toBe('conflict');
    expect(await refusalCode(claimAuthorship(deps, other, { paperId: '2505.40001', authorName: 'Ada Byron' }))).toBe('conflict');
    expect(await refusalCode(claimAuthorship(deps, other, { paperId: '2505.40001', authorName: 'ada byron' }))).toBe('invalid');
    expect(await refusalCode(claimAuthorship(deps, other, { paperId: '2505.49999', authorName: 'Ada Byron' }))).toBe('not_found');
    expect(await refusalCode(claimAuthorship(deps, banned, { paperId: '2505.40001', authorName: 'Bob Stone' }))).toBe('forbidden');
    expect(events).toHaveLength(1);
  });

  it('refuses more than the allowed number of pending claims', async () => {
    const records = Array.from({ length: MAX_PENDING_CLAIMS + 1 }, (_, i) =>
      paperRecord({ id: `2506.${String(50_000 + i)}`, authors: ['Busy Claimer'] }),
    );
    await upsertPapers(deps.store.db, records, STAMP);
    const reader = await actorAccount(deps, 'busyclaimer');
    for (const record of records.slice(0, MAX_PENDING_CLAIMS)) {
      await claimAuthorship(deps, reader, { paperId: record.id, authorName: 'Busy Claimer' });
    }
    expect(await refusalCode(claimAuthorship(deps, reader, { paperId: records.at(-1)!.id, authorName: 'Busy Claimer' }))).toBe('conflict');
  });

  it('lets only administrators decide; an approved claim shows on the paper, the name and the profile and clears cached pages', async () => {
    const cache = new PageCache();
    cache.watch(deps.writes);
    await upsertPapers(
      deps.store.db,
      [paperRecord({ id: '2507.60001', title: 'Claimed work', authors: ['Ada Byron', 'Bob Stone'] })],
      STAMP,
    );
    const ada = await actorAccount(deps, 'adadecide');
    const bob = await actorAccount(deps, 'bobdecide');
    const admin = await actorAccount(deps, 'admindecide', { admin: true });
    const adaClaim = await claimAuthorship(deps, ada, { paperId: '2507.60001', authorName: 'Ada Byron' });
    const bobClaim = await claimAuthorship(deps, bob, { paperId: '2507.60001', authorName: 'Bob Stone' });
    cache.set('/papers/2507.60001', '<p>cached</p>');

    expect(await refusalCode(decideAuthorClaim(deps, ada, { claimId: adaClaim.claimId, approve: true }))).toBe('forbidden');
    expect(await refusalCode(decideAuthorClaim(deps, admin, { claimId: 999_999, approve: true }))).toBe('not_found');
    expect(cache.size).toBe(1);

    expect(await decideAuthorClaim(deps, admin, { claimId: adaClaim.claimId, approve: true })).toEqual({
      paperId: '2507.60001',
      authorName: 'Ada Byron',
      username: 'adadecide',
    });
    expect(cache.size).toBe(0);
    await decideAuthorClaim(deps, admin, { claimId: bobClaim.claimId, approve: false });
    expect(await refusalCode(decideAuthorClaim(deps, admin, { claimId: adaClaim.claimId, approve: false }))).toBe('conflict');

    const db = deps.store.db;
    expect([...(await approvedClaimsOfPaper(db, '2507.60001'))]).toEqual([
      ['Ada Byron', { claimId: expect.any(Number), username: 'adadecide' }],
    ]);
    expect(await approvedClaimantsOfName(db, 'Ada Byron')).toEqual([{ username: 'adadecide', papers: 1 }]);
    expect((await approvedClaimsOfUser(db, ada.id, 10)).map((c) => c.paperTitle)).toEqual(['Claimed work']);
    expect(await approvedClaimsOfUser(db, bob.id, 10)).toEqual([]);
    expect(await pendingClaims(db, 10)).toEqual([]);
    expect((await authorProfile(deps, { name: 'Ada Byron' })).claimedBy).toEqual([{ username: 'adadecide', papers: 1 }]);
    // A rejected reader does not claim the same name again; someone else cannot claim an approved one.
    expect(await refusalCode(claimAuthorship(deps, bob, { paperId: '2507.60001', authorName: 'Bob Stone' }))).toBe('conflict');
    expect(await refusalCode(claimAuthorship(deps, bob, { paperId: '2507.60001', authorName: 'Ada Byron' }))).toBe('conflict');
    expect(events.filter((e) => e.kind === 'author-claim' && e.public)).toEqual([
      { kind: 'author-claim', paperIds: ['2507.60001'], userIds: [ada.id], public: true },
    ]);
  });
});
