import { beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

type App = Awaited<ReturnType<typeof testApp>>;

describeEachStore('JSON API', { lifetime: 'test' }, (get) => {
  let t: App;
  let carol: SignedIn;

  beforeEach(async () => {
    await seedCommunity(get().store);
    t = await testApp(get(), {}, { now: () => new Date('2025-01-07T12:00:00Z') });
    carol = await signedInUser(t.deps, { username: 'carol' });
  });

  const json = async (path: string, init?: RequestInit) => {
    const res = await t.app.request(path, init);
    return { res, body: (await res.json()) as unknown };
  };

  describe('GET /api/daily_papers', () => {
    it('returns the latest day in the Hugging Face shape', async () => {
      const { res, body } = await json('/api/daily_papers');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toMatch(/remaining=|r=/);
      expect(res.headers.get('x-total-count')).toBe('1');
      const entries = body as Array<Record<string, unknown> & { paper: Record<string, unknown> }>;
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        publishedAt: '2025-01-07T00:00:00.000Z',
        title: 'Protein Folding with Language Models',
        summary: 'Language models predict protein structure.',
        numComments: 0,
        paper: {
          id: '2501.00003',
          authors: [{ name: 'Ada Lovelace' }],
          upvotes: 1,
          submittedOnDailyAt: '2025-01-07T00:00:00.000Z',
          categories: ['q-bio.BM'],
          githubRepo: null,
        },
      });
    });

    it('selects a date, week or month, sorts and pages', async () => {
      const day = (await json('/api/daily_papers?date=2025-01-06&sort=upvotes')).body as {
        paper: { id: string; upvotes: number; githubStars: number | null };
      }[];
      expect(day.map((e) => e.paper.id)).toEqual(['2501.00002', '2501.00001']);
      expect(day[1]!.paper.githubStars).toBe(420);
      const byDate = (await json('/api/daily_papers?week=2025-W02&sort=publishedAt')).body as { paper: { id: string } }[];
      expect(byDate.map((e) => e.paper.id)).toEqual(['2501.00003', '2501.00002', '2501.00001']);
      const trending = (await json('/api/daily_papers?month=2025-01&sort=trending')).body as {
        paper: { id: string; trendingScore: number };
      }[];
      const scores = trending.map((e) => e.paper.trendingScore);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      const page1 = await json('/api/daily_papers?month=2025-01&limit=2&p=1');
      expect(page1.res.headers.get('x-total-count')).toBe('3');
      expect((page1.body as unknown[]).length).toBe(1);
      const empty = (await json('/api/daily_papers?date=2020-01-01')).body;
      expect(empty).toEqual([]);
    });

    it('answers malformed parameters with a 400 JSON error naming them', async () => {
      for (const [query, word] of [
        ['date=2025-13-01', 'date'],
        ['week=2025-1', 'week'],
        ['month=01-2025', 'month'],
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        ['p=-1', 'p'],
        ['sort=random', 'sort'],
        ['date=2025-01-06&week=2025-W02', 'at most one'],
      ] as const) {
        const { res, body } = await json(`/api/daily_papers?${query}`);
        expect(res.status, query).toBe(400);
        expect(body).toMatchObject({ error: expect.any(String), code: 'bad_request' });
        expect((body as { error: string }).error).toContain(word);
      }
    });
  });

  describe('GET /api/papers/:id', () => {
    it('returns one paper and 404s unknown ids as JSON', async () => {
      const { res, body } = await json('/api/papers/2501.00001');
      expect(res.status).toBe(200);
      expect(body).toMatchObject({
        id: '2501.00001',
        upvotes: 5,
        numComments: 2,
        githubRepo: 'https://github.com/example/sparse-diffusion',
        projectPage: 'https://sparse-diffusion.example.org',
      });
      const missing = await json('/api/papers/2501.77777');
      expect(missing.res.status).toBe(404);
      expect(missing.body).toEqual({ error: 'No paper with id 2501.77777.', code: 'not_found' });
      expect((await json('/api/papers/not-an-id')).res.status).toBe(404);
    });
  });

  describe('upvotes over the API', () => {
    it('needs credentials', async () => {
      const { res, body } = await json('/api/papers/2501.00002/upvote', { method: 'POST' });
      expect(res.status).toBe(401);
      expect(body).toMatchObject({ error: { code: 'unauthorized' } });
    });

    it('needs the CSRF header with a session cookie', async () => {
      const { res, body } = await json('/api/papers/2501.00002/upvote', { method: 'POST', headers: { cookie: carol.cookie } });
      expect(res.status).toBe(403);
      expect(body).toMatchObject({ error: { code: 'csrf_failed' } });
    });

    it('adds and removes one vote per user with cookie + X-CSRF-Token', async () => {
      const headers = { cookie: carol.cookie, 'x-csrf-token': carol.csrf };
      const first = await json('/api/papers/2501.00002/upvote', { method: 'POST', headers });
      expect(first.res.status).toBe(200);
      expect(first.body).toEqual({ id: '2501.00002', upvotes: 21, upvoted: true, changed: true });
      expect(first.res.headers.get('ratelimit-policy')).toBeTruthy();
      const again = await json('/api/papers/2501.00002/upvote', { method: 'POST', headers });
      expect(again.body).toEqual({ id: '2501.00002', upvotes: 21, upvoted: true, changed: false });
      const removed = await json('/api/papers/2501.00002/upvote', { method: 'DELETE', headers });
      expect(removed.body).toEqual({ id: '2501.00002', upvotes: 20, upvoted: false, changed: true });
      expect((await json('/api/papers/2501.77777/upvote', { method: 'POST', headers })).res.status).toBe(404);
    });

    it('accepts a personal API token as Bearer without CSRF', async () => {
      const created = await t.deps.accounts.createApiToken(carol.user.id, 'script');
      if (!created.ok) throw new Error('token');
      const { res, body } = await json('/api/papers/2501.00001/upvote', {
        method: 'POST',
        headers: { authorization: `Bearer ${created.value.token}` },
      });
      expect(res.status).toBe(200);
      expect(body).toMatchObject({ upvotes: 6, upvoted: true });
      const bad = await json('/api/papers/2501.00001/upvote', { method: 'POST', headers: { authorization: 'Bearer pb_nonsense' } });
      expect(bad.res.status).toBe(401);
    });

    it('is enforced by the database: a second vote row cannot exist', async () => {
      const db = get().store.db;
      await json('/api/papers/2501.00001/upvote', { method: 'POST', headers: { cookie: carol.cookie, 'x-csrf-token': carol.csrf } });
      await expect(
        db.insertInto('votes').values({ user_id: carol.user.id, paper_id: '2501.00001', created_at: '2025-01-07T00:00:00Z' }).execute(),
      ).rejects.toThrow(/unique|duplicate|primary/i);
    });

    it('moves the trending score with the vote, in the same transaction', async () => {
      const db = get().store.db;
      const score = async () =>
        Number(
          (await db.selectFrom('papers').select('trending_score').where('id', '=', '2501.00003').executeTakeFirstOrThrow()).trending_score,
        );
      const before = await score();
      // 1 imported upvote + 0 local, featured 2025-01-07: log10(2) + (2025-01-07 − epoch) / 129,600
      expect(before).toBeCloseTo(Math.log10(2) + (Date.parse('2025-01-07T00:00:00Z') / 1000 - 1_704_067_200) / 129_600, 9);
      await json('/api/papers/2501.00003/upvote', { method: 'POST', headers: { cookie: carol.cookie, 'x-csrf-token': carol.csrf } });
      expect(await score()).toBeCloseTo(Math.log10(3) + (Date.parse('2025-01-07T00:00:00Z') / 1000 - 1_704_067_200) / 129_600, 9);
    });
  });

  describe('OpenAPI', () => {
    it('documents every JSON endpoint in OpenAPI 3.1', async () => {
      const { res, body } = await json('/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = body as {
        openapi: string;
        servers: { url: string }[];
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, unknown> };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers[0]!.url).toBe('http://paperboy.test');
      for (const path of [
        '/api/daily_papers',
        '/api/papers/{id}',
        '/api/papers/{id}/upvote',
        '/api/papers/search',
        '/api/papers/{id}/similar',
        '/api/subscriptions',
        '/api/me',
        '/api/openapi.json',
      ]) {
        expect(Object.keys(doc.paths)).toContain(path);
      }
      expect(Object.keys(doc.paths['/api/papers/{id}/upvote']!)).toEqual(['post', 'delete']);
      // Every documented operation is routed.
      for (const [path, operations] of Object.entries(doc.paths)) {
        if (path.includes('{tokenId}')) continue;
        for (const method of Object.keys(operations)) {
          const url = path.replace('{id}', '2501.00001') + (path === '/api/papers/search' ? '?q=diffusion' : '');
          const res = await t.app.request(url, {
            method: method.toUpperCase(),
            headers: { 'content-type': 'application/json' },
            body: method === 'get' ? undefined : '{}',
          });
          // A routed operation may answer 404 for a resource that does not exist (an organisation named "{name}"),
          // never the router's "No such resource.".
          const error = res.status === 404 ? ((await res.json()) as { error: string | { message: string } }).error : null;
          const unrouted = error !== null && (typeof error === 'string' ? error : error.message) === 'No such resource.';
          expect(unrouted, `${method} ${path}`).toBe(false);
          expect(res.status, `${method} ${path}`).toBeLessThan(500);
        }
      }
      // Every $ref resolves.
      const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/(\w+)"/g) ?? [];
      for (const ref of refs) expect(Object.keys(doc.components.schemas)).toContain(ref.slice('"#/components/schemas/'.length, -1));
    });
  });
});
