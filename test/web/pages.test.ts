import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { SEED_PAPERS, seedCommunity } from '../helpers/community-seed.js';
import { startFakeArxiv } from '../helpers/fake-arxiv.js';
import { describeEachStore } from '../helpers/stores.js';

type App = Awaited<ReturnType<typeof testApp>>;

function order(html: string, ...needles: string[]): number[] {
  return needles.map((n) => html.indexOf(n));
}

describeEachStore('community pages', (get) => {
  let t: App;
  let clock = new Date('2025-01-07T12:00:00Z');
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;

  beforeAll(async () => {
    arxiv = await startFakeArxiv([
      {
        id: '2501.09999',
        title: 'A Freshly Submitted Paper',
        abstract: 'Fetched from the arXiv API on submission.',
        authors: ['Rosalind Franklin'],
        categories: ['cs.AI'],
        published: '2025-01-07T10:00:00Z',
      },
      {
        id: '2501.09998',
        title: 'A Paper Submitted Twice',
        abstract: 'Fetched from the arXiv API on its first submission.',
        authors: ['Lise Meitner'],
        categories: ['cs.AI'],
        published: '2025-01-07T09:00:00Z',
      },
    ]);
    await seedCommunity(get().store);
    t = await testApp(get(), { PAPERBOY_ARXIV_API_URL: arxiv.url }, { now: () => clock });
    await t.deps.search.indexPapers(SEED_PAPERS.map((p) => p.id));
    alice = await signedInUser(t.deps, { username: 'alice' });
    bob = await signedInUser(t.deps, { username: 'bob' });
    admin = await signedInUser(t.deps, { username: 'moderator1', admin: true });
  });
  afterAll(async () => {
    await arxiv.close();
  });

  const get_ = async (path: string, who?: SignedIn) => {
    const res = await t.app.request(path, who ? { headers: { cookie: who.cookie } } : {});
    return { res, html: await res.text() };
  };

  describe('feeds by day, week and month', () => {
    it('shows the latest day on / with a link to the previous day', async () => {
      const { res, html } = await get_('/');
      expect(res.status).toBe(200);
      expect(html).toContain('Protein Folding with Language Models');
      expect(html).not.toContain('Sparse Diffusion Transformers');
      expect(html).toContain('href="/papers/date/2025-01-06"');
      expect(html).toContain('Get trending papers in your email inbox');
      expect(html).toMatch(/<form method="post" action="\/subscribe"[^>]*><input type="hidden" name="_csrf" value="[\w-]{20,}"/);
    });

    it('serves cached pages to anonymous visitors with their own CSRF token', async () => {
      const token = (html: string) => /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
      const first = token((await get_('/papers/date/2025-01-06')).html);
      const second = token((await get_('/papers/date/2025-01-06')).html);
      expect(first).toMatch(/^[\w-]{20,}$/);
      expect(second).toMatch(/^[\w-]{20,}$/);
      expect(first).not.toBe(second);
      expect(first).not.toContain('slot');
    });

    it('lists a day most upvoted first, with counts, code stars and categories', async () => {
      const { res, html } = await get_('/papers/date/2025-01-06');
      expect(res.status).toBe(200);
      const [xss, sparse] = order(html, 'href="/papers/2501.00002"', 'href="/papers/2501.00001"');
      expect(xss).toBeGreaterThan(0);
      expect(xss).toBeLessThan(sparse!);
      expect(html).toContain('★ 420');
      expect(html).toContain('href="/search?category=cs.CV"');
      expect(html).toContain(
        '<a href="/authors/Ada%20Lovelace">Ada Lovelace</a>, <a href="/authors/Alan%20Turing">Alan Turing</a>, ' +
          '<a href="/authors/Grace%20Hopper">Grace Hopper</a>, <a href="/authors/Edsger%20Dijkstra">Edsger Dijkstra</a> et al. (+1)',
      );
      expect(html).toContain('href="/papers/date/2025-01-07"');
    });

    it('escapes titles, abstracts and authors from imports', async () => {
      for (const path of ['/papers/date/2025-01-06', '/papers/2501.00002', '/trending', '/papers/week/2025-W02']) {
        const { html } = await get_(path);
        expect(html).not.toContain('<script>alert');
        expect(html).not.toContain('<img src=x');
        expect(html).not.toContain('<b>Evil</b>');
        expect(html).toContain('Attention &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; is all you need');
      }
    });

    it('aggregates a week and a month, and redirects the bare period paths', async () => {
      const week = await get_('/papers/week/2025-W02');
      expect(week.res.status).toBe(200);
      for (const id of ['2501.00001', '2501.00002', '2501.00003']) expect(week.html).toContain(`href="/papers/${id}"`);
      expect(week.html).not.toContain('href="/papers/2412.00004"');
      expect(week.html).toContain('href="/papers/week/2025-W01"');
      const month = await get_('/papers/month/2024-12');
      expect(month.html).toContain('href="/papers/2412.00004"');
      expect(month.html).toContain('Monthly papers — December 2024');
      const bare = await t.app.request('/papers/week');
      expect(bare.status).toBe(302);
      expect(bare.headers.get('location')).toBe('/papers/week/2025-W02');
      expect((await t.app.request('/papers/month')).headers.get('location')).toBe('/papers/month/2025-01');
    });

    it('answers 404 for impossible periods and 400 for a bad page number', async () => {
      expect((await t.app.request('/papers/date/2025-02-30')).status).toBe(404);
      expect((await t.app.request('/papers/week/2025-W60')).status).toBe(404);
      expect((await t.app.request('/papers/month/2025-13')).status).toBe(404);
      const bad = await get_('/papers/date/2025-01-06?p=abc');
      expect(bad.res.status).toBe(400);
      expect(bad.html).toContain('p must be a page number');
    });

    it('ranks /trending by the stored trending score', async () => {
      const rows = await get()
        .store.db.selectFrom('papers')
        .select(['id', 'trending_score'])
        .where(
          'id',
          'in',
          SEED_PAPERS.map((p) => p.id),
        )
        .orderBy('trending_score', 'desc')
        .execute();
      const { res, html } = await get_('/trending');
      expect(res.status).toBe(200);
      const positions = rows.map((r) => html.indexOf(`<h2><a href="/papers/${r.id}"`));
      expect(positions.every((p) => p > 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });
  });

  describe('paper page', () => {
    it('shows every detail of a paper', async () => {
      const { res, html } = await get_('/papers/2501.00001');
      expect(res.status).toBe(200);
      expect(html).toContain('<h1>Sparse Diffusion Transformers</h1>');
      for (const author of SEED_PAPERS[0]!.authors) expect(html).toContain(author);
      expect(html).toContain('Diffusion models with sparse attention generate images faster.');
      expect(html).toContain('href="https://arxiv.org/abs/2501.00001"');
      expect(html).toContain('href="https://arxiv.org/pdf/2501.00001"');
      expect(html).toContain('href="https://github.com/example/sparse-diffusion"');
      expect(html).toContain('href="https://sparse-diffusion.example.org/"');
      expect(html).toContain('datetime="2025-01-06"');
      expect(html).toContain('Similar papers');
      expect(html).toContain('id="comments"');
    });

    it('redirects a versioned id and 404s an unknown one', async () => {
      const versioned = await t.app.request('/papers/2501.00001v3');
      expect(versioned.status).toBe(301);
      expect(versioned.headers.get('location')).toBe('/papers/2501.00001');
      expect((await t.app.request('/papers/2501.77777')).status).toBe(404);
    });
  });

  describe('votes', () => {
    it('sends anonymous voters to log in', async () => {
      const { html } = await get_('/papers/2501.00003');
      expect(html).toContain('href="/login?next=%2Fpapers%2F2501.00003"');
      const res = await t.app.request('/papers/2501.00003/upvote', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=add',
      });
      expect([303, 403]).toContain(res.status);
    });

    it('refuses a form vote without the CSRF token', async () => {
      const res = await t.app.request('/papers/2501.00003/upvote', {
        method: 'POST',
        headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=add',
      });
      expect(res.status).toBe(403);
    });

    it('counts one vote per user and lets them withdraw it', async () => {
      const before = await get_('/papers/2501.00003', alice);
      expect(before.html).toContain('aria-pressed="false"');
      const first = await t.app.request('/papers/2501.00003/upvote', alice.form({ action: 'add', next: '/papers/date/2025-01-07' }));
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe('/papers/date/2025-01-07');
      await t.app.request('/papers/2501.00003/upvote', alice.form({ action: 'add' }));
      await t.app.request('/papers/2501.00003/upvote', bob.form({ action: 'add' }));
      const after = await get_('/papers/2501.00003', alice);
      expect(after.html).toContain('aria-pressed="true"');
      expect(after.html).toContain('3 upvotes · 2 voters here');
      const anonymous = await get_('/papers/date/2025-01-07');
      expect(anonymous.html).toContain('<span class="count" data-vote-count="true">3</span>');
      await t.app.request('/papers/2501.00003/upvote', alice.form({ action: 'remove' }));
      expect((await get_('/papers/2501.00003')).html).toContain('2 upvotes · 1 voter here');
    });

    it('refuses an open redirect after voting', async () => {
      const res = await t.app.request('/papers/2501.00003/upvote', bob.form({ action: 'add', next: '//evil.example/' }));
      expect(res.headers.get('location')).toBe('/papers/2501.00003');
    });
  });

  describe('comments', () => {
    it('posts Markdown comments and threaded replies', async () => {
      const posted = await t.app.request(
        '/papers/2501.00001/comments',
        alice.form({ body: 'Great **results**, see [code](https://github.com/x/y) <script>x</script>' }),
      );
      expect(posted.status).toBe(303);
      const commentId = /#comment-(\d+)$/.exec(posted.headers.get('location') ?? '')?.[1];
      expect(commentId).toBeDefined();
      const reply = await t.app.request('/papers/2501.00001/comments', bob.form({ body: 'Agreed.', parent_id: commentId! }));
      expect(reply.status).toBe(303);
      const { html } = await get_('/papers/2501.00001');
      expect(html).toContain('<strong>results</strong>');
      expect(html).toContain('<a href="https://github.com/x/y" rel="nofollow ugc noopener">code</a>');
      expect(html).not.toContain('<script>x');
      expect(html).toMatch(
        new RegExp(
          `id="comment-${commentId}">.*<ol class="replies"><li class="comment" id="comment-\\d+"><article aria-label="Comment by bob">`,
          's',
        ),
      );
      expect(html).toContain('Comments <span class="muted">(2)</span>');
      expect(html).toContain('2 more comments on');
    });

    it("rejects empty comments and replies to another paper's comment", async () => {
      const empty = await t.app.request('/papers/2501.00001/comments', alice.form({ body: '   ' }));
      expect(empty.status).toBe(400);
      const parent = await t.app.request('/papers/2501.00002/comments', alice.form({ body: 'A comment on another paper' }));
      const parentId = /#comment-(\d+)$/.exec(parent.headers.get('location') ?? '')![1]!;
      const wrongParent = await t.app.request('/papers/2501.00003/comments', alice.form({ body: 'hi', parent_id: parentId }));
      expect(wrongParent.status).toBe(400);
    });

    it('lets only the author edit or delete, and only within the edit window', async () => {
      const posted = await t.app.request('/papers/2501.00003/comments', alice.form({ body: 'First version' }));
      const id = /#comment-(\d+)$/.exec(posted.headers.get('location') ?? '')![1]!;
      expect((await get_('/papers/2501.00003', alice)).html).toContain(`action="/comments/${id}/edit"`);
      expect((await get_('/papers/2501.00003', bob)).html).not.toContain(`action="/comments/${id}/edit"`);
      expect((await t.app.request(`/comments/${id}/edit`, bob.form({ body: 'hijacked' }))).status).toBe(403);
      expect((await t.app.request(`/comments/${id}/edit`, alice.form({ body: 'Second version' }))).status).toBe(303);
      expect((await get_('/papers/2501.00003')).html).toContain('Second version');
      clock = new Date(clock.getTime() + 31 * 60_000);
      try {
        const late = await t.app.request(`/comments/${id}/edit`, alice.form({ body: 'Too late' }));
        expect(late.status).toBe(403);
        expect(await late.text()).toContain('30 minutes after posting');
        expect((await t.app.request(`/comments/${id}/delete`, alice.form({}))).status).toBe(403);
      } finally {
        clock = new Date(clock.getTime() - 31 * 60_000);
      }
      expect((await t.app.request(`/comments/${id}/delete`, bob.form({}))).status).toBe(403);
      expect((await t.app.request(`/comments/${id}/delete`, alice.form({}))).status).toBe(303);
      expect((await get_('/papers/2501.00003')).html).not.toContain('Second version');
    });
  });

  describe('moderation', () => {
    it('forbids the admin page to non-admins', async () => {
      const res = await t.app.request('/admin', { headers: { cookie: alice.cookie } });
      expect(res.status).toBe(403);
      expect((await get_('/admin', admin)).res.status).toBe(200);
    });

    it('lets admins hide comments and papers', async () => {
      const posted = await t.app.request('/papers/2412.00004/comments', bob.form({ body: 'Buy cheap watches' }));
      const id = /#comment-(\d+)$/.exec(posted.headers.get('location') ?? '')![1]!;
      expect((await t.app.request(`/comments/${id}/hide`, alice.form({ hidden: '1' }))).status).toBe(403);
      expect((await t.app.request(`/comments/${id}/hide`, admin.form({ hidden: '1' }))).status).toBe(303);
      expect((await get_('/papers/2412.00004')).html).not.toContain('Buy cheap watches');
      expect((await get_('/papers/2412.00004', admin)).html).toContain('Buy cheap watches');

      expect((await t.app.request('/papers/2412.00004/hide', admin.form({ hidden: '1' }))).status).toBe(303);
      expect((await t.app.request('/papers/2412.00004')).status).toBe(404);
      expect((await get_('/papers/month/2024-12')).html).not.toContain('href="/papers/2412.00004"');
      expect((await get_('/papers/2412.00004', admin)).html).toContain('This paper is hidden from listings by a moderator.');
      expect((await get_('/admin', admin)).html).toContain('Graph Networks for Weather');
      expect((await t.app.request('/papers/2412.00004/hide', admin.form({ hidden: '0' }))).status).toBe(303);
      expect((await t.app.request('/papers/2412.00004')).status).toBe(200);
    });

    it('lets admins ban a user, which ends their session and stops their votes', async () => {
      const mallory = await signedInUser(t.deps, { username: 'mallory' });
      const res = await t.app.request('/admin/users/mallory/ban', admin.form({ banned: '1' }));
      expect(res.status).toBe(303);
      expect((await get_('/u/mallory')).html).toContain('banned');
      const vote = await t.app.request('/api/papers/2501.00001/upvote', {
        method: 'POST',
        headers: { cookie: mallory.cookie, 'x-csrf-token': mallory.csrf },
      });
      expect([401, 403]).toContain(vote.status);
      expect((await t.app.request('/admin/users/moderator1/ban', admin.form({ banned: '1' }))).status).toBe(400);
    });
  });

  describe('submissions', () => {
    it('requires a signed-in user', async () => {
      const res = await t.app.request('/submit');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/login?next=%2Fsubmit');
      expect((await get_('/submit', alice)).html).toContain('arXiv id or URL');
    });

    it("fetches a new paper from arXiv and puts it on today's feed", async () => {
      const res = await t.app.request('/submit', alice.form({ paper: 'https://arxiv.org/abs/2501.09999v1' }));
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(html).toContain('A Freshly Submitted Paper');
      expect(arxiv.requests.some((q) => q.includes('2501.09999'))).toBe(true);
      const today = await get_('/papers/date/2025-01-07');
      expect(today.html).toContain('href="/papers/2501.09999"');
      expect(today.html).toContain('submitted by <a href="/u/alice">alice</a>');
      const profile = await get_('/u/alice');
      expect(profile.html).toContain('href="/papers/2501.09999"');
    });

    it('refuses duplicates, unknown papers and bad input politely', async () => {
      expect((await t.app.request('/submit', bob.form({ paper: '2501.09998' }))).status).toBe(200);
      const dup = await t.app.request('/submit', bob.form({ paper: '2501.09998' }));
      expect(dup.status).toBe(409);
      expect(await dup.text()).toContain('already on the feed');
      const featured = await t.app.request('/submit', bob.form({ paper: '2501.00001' }));
      expect(featured.status).toBe(409);
      const missing = await t.app.request('/submit', bob.form({ paper: '2501.55555' }));
      expect(missing.status).toBe(400);
      expect(await missing.text()).toContain('arXiv has no paper with id 2501.55555');
      const bad = await t.app.request('/submit', bob.form({ paper: 'not an id' }));
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('Give an arXiv id');
    });
  });

  describe('profiles', () => {
    it("shows a user's upvotes and 404s unknown users", async () => {
      await t.app.request('/papers/2501.00003/upvote', bob.form({ action: 'add' }));
      const { html } = await get_('/u/bob');
      expect(html).toContain('<h1>bob</h1>');
      expect(html).toContain('href="/papers/2501.00003"');
      expect((await t.app.request('/u/nobody-here')).status).toBe(404);
    });

    it('shows the user menu to signed-in users', async () => {
      const { html } = await get_('/', alice);
      expect(html).toContain('href="/u/alice"');
      expect(html).toContain('action="/logout"');
      expect(html).toContain(`value="${alice.csrf}"`);
      // Without JavaScript a vote comes back to the page it was cast on.
      expect((await get_('/papers/date/2025-01-06', alice)).html).toContain(
        '<input type="hidden" name="next" value="/papers/date/2025-01-06"/>',
      );
    });
  });

  describe('search page', () => {
    it('renders the form without a query', async () => {
      const { res, html } = await get_('/search');
      expect(res.status).toBe(200);
      expect(html).toContain('id="search-q"');
    });

    it('highlights matches, filters by category and date, and sorts', async () => {
      await t.deps.search.whenReady();
      const { res, html } = await get_('/search?q=diffusion');
      expect(res.status).toBe(200);
      expect(html).toMatch(/<mark>[Dd]iffusion<\/mark>/);
      expect(html).toContain('href="/papers/2501.00001"');
      const filtered = await get_('/search?q=diffusion&category=cs.CL');
      expect(filtered.html).not.toContain('href="/papers/2501.00001"');
      expect(filtered.html).toContain('href="/papers/2501.00002"');
      expect(filtered.html).not.toContain('<img src=x');
      const dated = await get_('/search?q=diffusion&before=2025-01-01');
      expect(dated.html).not.toContain('<h2><a href="/papers/2501.00001"');
      const sorted = await get_('/search?q=diffusion&sort=votes');
      expect(sorted.res.status).toBe(200);
    });

    it('jumps to a paper given its id and rejects bad filters', async () => {
      const jump = await t.app.request('/search?q=2501.00003');
      expect(jump.status).toBe(302);
      expect(jump.headers.get('location')).toBe('/papers/2501.00003');
      expect((await t.app.request('/search?q=x&after=yesterday')).status).toBe(400);
      expect((await t.app.request('/search?q=x&sort=random')).status).toBe(400);
    });
  });
});
