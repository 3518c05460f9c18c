import { beforeAll, expect, it } from 'vitest';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { saveToLibrary } from '../../src/library/library.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { recomputeTrending } from '../../src/trending/trending.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-12T12:00:00.000Z';
const XSS = '<script>alert("x")</script>';

interface Recommendation {
  readonly paper: { readonly id: string; readonly title: string };
  readonly reason: { readonly text: string; readonly closeTo: { readonly paperId: string } | null; readonly categories: string[] };
  readonly [key: string]: unknown;
}

const PAPERS = [
  {
    id: '2406.00001',
    title: 'Honeybee colonies collapse',
    abstract: 'Pesticides weaken honeybee foragers and colonies collapse.',
    day: '2024-06-10',
  },
  { id: '2406.00002', title: `Robot grasping ${XSS}`, abstract: 'Tactile sensors on robot hands guide grasping.', day: '2024-06-11' },
  {
    id: '2503.00001',
    title: 'Pesticide exposure of honeybee foragers',
    abstract: 'Honeybee foragers exposed to pesticides weaken.',
    day: '2025-03-04',
  },
  {
    id: '2503.00002',
    title: 'Tactile robot grasping',
    abstract: 'Robot hands with tactile sensors grasp fragile objects.',
    day: '2025-03-05',
  },
  {
    id: '2503.00003',
    title: 'Dark matter halos',
    abstract: 'Rotation curves of spiral galaxies suggest dark matter halos.',
    day: '2025-03-06',
  },
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `2503.${String(100 + i).padStart(5, '0')}`,
    title: `Survey ${i} of topic${i}`,
    abstract: `Study ${i} measures quantity${i}.`,
    day: '2025-03-07',
  })),
];

describeEachStore('For you pages and API', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;

  const request = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const as = (user: SignedIn, path: string) => request(path, { headers: { cookie: user.cookie } });
  const tokenOf = async (user: SignedIn) => {
    const outcome = await t.deps.accounts.createApiToken(user.user.id, 'reader', ['read']);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return outcome.value.token;
  };

  beforeAll(async () => {
    t = await testApp(get(), {}, { now: () => new Date(NOW) });
    const db = get().store.db;
    await upsertPapers(
      db,
      PAPERS.map((p) =>
        paperRecord({ id: p.id, title: p.title, abstract: p.abstract, publishedAt: `${p.day}T09:00:00.000Z`, authors: ['Ada Lovelace'] }),
      ),
      NOW,
    );
    await upsertFeedEntries(db, [{ day: '2025-03-07', paperId: '2503.00003', upvotes: 9, comments: 0, source: 'test' }], NOW);
    await recomputeTrending(db, ['2503.00003']);
  });

  it('answers 401 without a session or token, and sends visitors of the page to log in', async () => {
    const api = await request('/api/me/recommendations?week=2025-W10');
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const page = await request('/for-you');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/login\?next=%2Ffor-you/);
  });

  it('answers HF-shaped daily-papers items plus a reason, with a session or a personal token', async () => {
    const reader = await signedInUser(t.deps);
    await saveToLibrary({ ...t.deps, now: () => new Date(NOW) }, reader.user, { paperId: '2406.00001' });
    const bySession = await as(reader, '/api/me/recommendations?week=2025-W10&limit=2');
    expect(bySession.status).toBe(200);
    expect(bySession.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const items = (await bySession.json()) as Recommendation[];
    expect(items).toHaveLength(2);
    const first = items[0]!;
    expect(Object.keys(first).sort()).toEqual([
      'numComments',
      'paper',
      'publishedAt',
      'reason',
      'submittedBy',
      'summary',
      'thumbnail',
      'title',
    ]);
    expect(first.paper).toMatchObject({
      id: '2503.00001',
      title: 'Pesticide exposure of honeybee foragers',
      authors: [{ name: 'Ada Lovelace' }],
    });
    expect(first.reason).toMatchObject({
      closeTo: { paperId: '2406.00001', title: 'Honeybee colonies collapse', source: 'library' },
      authors: [],
      categories: [],
      searches: [],
      popular: false,
    });
    expect(first.reason.text).toMatch(/^Close to “Honeybee colonies collapse” in your library; words that weighed most: /);

    const token = await tokenOf(reader);
    const byToken = await request('/api/me/recommendations?week=2025-W10&limit=2', { headers: { authorization: `Bearer ${token}` } });
    expect(byToken.status).toBe(200);
    expect(await byToken.json()).toEqual(items);
  });

  it('refuses malformed periods and limits', async () => {
    const reader = await signedInUser(t.deps);
    for (const query of ['week=2025-W99', 'date=2025-02-30', 'month=2025-13', 'week=2025-W10&month=2025-03', 'limit=0', 'limit=101']) {
      const response = await as(reader, `/api/me/recommendations?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
  });

  it('renders cards with their reasons, rating and save buttons, escaped, with day/week/month navigation', async () => {
    const reader = await signedInUser(t.deps);
    await saveToLibrary({ ...t.deps, now: () => new Date(NOW) }, reader.user, { paperId: '2406.00002' });
    const page = await (await as(reader, '/for-you?week=2025-W10')).text();
    expect(page).toContain('For you — Week 10 of 2025');
    expect(page).toMatch(/<a href="\/for-you\?date=2025-03-03">Day<\/a>/);
    expect(page).toContain('href="/for-you?month=2025-03"');
    expect(page).toContain('href="/for-you?week=2025-W09"');
    expect(page).toContain('href="/for-you?week=2025-W11"');
    const firstCard = page.slice(page.indexOf('class="for-you-item"'));
    expect(firstCard).toMatch(
      /^[^]*?Tactile robot grasping[^]*?class="reason"[^]*?Close to “<a href="\/papers\/2406.00002">Robot grasping &lt;script&gt;/,
    );
    expect(firstCard).toContain('action="/ratings"');
    expect(firstCard).toContain('action="/library/save"');
    expect(page).not.toContain(XSS);
    expect(page).toContain('<a href="/for-you">For you</a>');
    expect(page).toContain('<summary>Tune For you</summary>');
  });

  it('walks a new reader through the cold start: categories, their papers, then personal recommendations', async () => {
    const reader = await signedInUser(t.deps);
    const start = await (await as(reader, '/for-you?week=2025-W10')).text();
    expect(start).toContain('Get started: tell For you what you read');
    expect(start).toContain('Popular papers: ');
    // The featured paper with upvotes is the most popular of the week.
    expect(start.indexOf('Dark matter halos')).toBeLessThan(start.indexOf('Tactile robot grasping'));
    expect(start).toContain('name="category[]" value="cs.LG"');

    const forged = await request('/for-you/categories', {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'category[]': 'cs.LG' }).toString(),
    });
    expect(forged.status).toBe(403);
    const picked = await request('/for-you/categories', reader.form({ 'category[]': 'cs.LG', next: '/for-you?week=2025-W10' }));
    expect(picked.status).toBe(303);
    expect(picked.headers.get('location')).toBe('/for-you?week=2025-W10');
    expect(await (await as(reader, '/api/me/follows')).json()).toEqual([
      { kind: 'category', value: 'cs.LG', followedAt: expect.any(String) },
    ]);

    const found = await (await as(reader, '/for-you?week=2025-W10&author=Ada+Lovelace')).text();
    expect(found).toContain('name="paper[]" value="2406.00001"');

    const mine = await request(
      '/for-you/papers',
      reader.form({ ids: 'https://arxiv.org/abs/2406.00001v2, not-an-id 2999.99999', next: '/for-you?week=2025-W10&author=Ada+Lovelace' }),
    );
    expect(mine.status).toBe(303);
    expect(mine.headers.get('location')).toBe('/for-you?week=2025-W10&added=1&skipped=2');
    const after = await (await as(reader, mine.headers.get('location')!)).text();
    expect(after).toContain('Added 1 paper as yours; 2 skipped');
    expect(after).toMatch(/Your papers[^]*Honeybee colonies collapse/);
    expect(after).toContain('<summary>Tune For you</summary>');

    const items = (await (await as(reader, '/api/me/recommendations?week=2025-W10&limit=1')).json()) as Recommendation[];
    expect(items[0]!.paper.id).toBe('2503.00001');
    expect(items[0]!.reason.closeTo).toMatchObject({ paperId: '2406.00001', source: 'authored' });
    expect(items[0]!.reason.categories).toEqual(['cs.LG']);
    expect(items[0]!.reason.text).toMatch(/^Close to your paper “Honeybee colonies collapse”; in cs\.LG, which you follow; words/);

    const removed = await request('/for-you/papers/remove', reader.form({ paper: '2406.00001', next: '/for-you?week=2025-W10' }));
    expect(removed.status).toBe(303);
    const again = (await (await as(reader, '/api/me/recommendations?week=2025-W10&limit=1')).json()) as Recommendation[];
    expect(again[0]!.reason.closeTo).toBeNull();
  });
});
