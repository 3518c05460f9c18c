import { beforeAll, expect, it } from 'vitest';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-06-01T00:00:00.000Z';
const TRICKY = `Zoë "Q" <O'Hara> & Sons`;

/** The link to an author page as the HTML writes it (an apostrophe in an attribute is escaped too). */
function authorHref(name: string): string {
  return `href="/authors/${encodeURIComponent(name).replace(/'/g, '&#39;')}"`;
}

interface AuthorBody {
  name: string;
  numPapers: number;
  papers: { id: string }[];
  coauthors: { name: string; papers: number }[];
  counts: { period: string; count: number }[];
  variants: { name: string }[];
  claimedBy: { username: string; papers: number }[];
}

describeEachStore('author pages, the author API and authorship claims over HTTP', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let reader: SignedIn;
  let admin: SignedIn;

  beforeAll(async () => {
    await upsertPapers(
      get().store.db,
      [
        paperRecord({ id: '2508.70001', title: 'Tricky names', authors: [TRICKY, 'Ada Byron'], publishedAt: '2025-05-02T00:00:00Z' }),
        paperRecord({
          id: '2508.70002',
          title: 'Second work',
          authors: ['Ada Byron', 'Claimable Person'],
          publishedAt: '2025-05-20T00:00:00Z',
        }),
        paperRecord({ id: '2508.70003', title: 'Variant', authors: ['ada byron'], publishedAt: '2025-04-20T00:00:00Z' }),
      ],
      NOW,
    );
    t = await testApp(get());
    reader = await signedInUser(t.deps);
    admin = await signedInUser(t.deps, { admin: true });
  });

  it('answers the API for a name as written, and 404 through the error handler for an unknown one', async () => {
    const res = await t.app.request(`/api/authors/${encodeURIComponent('Ada Byron')}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AuthorBody;
    expect(body.name).toBe('Ada Byron');
    expect(body.numPapers).toBe(2);
    expect(body.papers.map((p) => p.id)).toEqual(['2508.70002', '2508.70001']);
    expect(body.coauthors.map((c) => c.name).sort()).toEqual(['Claimable Person', TRICKY].sort());
    expect(body.counts).toEqual([{ period: '2025-05', count: 2 }]);
    expect(body.variants.map((v) => v.name)).toEqual(['ada byron']);

    const missing = await t.app.request('/api/authors/Nobody%20Here');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const page = await t.app.request('/authors/Nobody%20Here');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('renders the author page with escaped names, the chart, variants as links and the follow button for readers', async () => {
    const anonymous = await (await t.app.request(`/authors/${encodeURIComponent('Ada Byron')}`)).text();
    expect(anonymous).toContain('papers listed under this name');
    expect(anonymous).toContain('<svg class="trend-chart"');
    expect(anonymous).toContain(`href="/authors/${encodeURIComponent('ada byron')}"`);
    expect(anonymous).toContain(authorHref(TRICKY));
    expect(anonymous).toContain('Zoë &quot;Q&quot; &lt;O&#39;Hara&gt; &amp; Sons');
    expect(anonymous).not.toContain("<O'Hara>");
    expect(anonymous).not.toContain('action="/following/add"');
    const signedIn = await (
      await t.app.request(`/authors/${encodeURIComponent('Ada Byron')}`, { headers: { cookie: reader.cookie } })
    ).text();
    expect(signedIn).toContain('action="/following/add"');

    const tricky = await t.app.request(`/authors/${encodeURIComponent(TRICKY)}`);
    expect(tricky.status).toBe(200);
    const trickyPage = await tricky.text();
    expect(trickyPage).toContain('<h1>Zoë &quot;Q&quot; &lt;O&#39;Hara&gt; &amp; Sons</h1>');
  });

  it('links authors from the paper page and from cards to their pages', async () => {
    const paper = await (await t.app.request('/papers/2508.70001')).text();
    expect(paper).toContain(authorHref(TRICKY));
    expect(paper).not.toContain('/search?q=author');
    const feed = await (await t.app.request(`/authors/${encodeURIComponent('Claimable Person')}`)).text();
    expect(feed).toContain(`href="/authors/${encodeURIComponent('Ada Byron')}"`);
  });

  it('takes a claim only with a session and a CSRF token, lets only an administrator approve, then shows the reader as the author', async () => {
    const path = '/papers/2508.70002/claim-author';
    const anonymous = await t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'author=Claimable+Person',
    });
    expect([302, 303, 401, 403]).toContain(anonymous.status);
    const noCsrf = await t.app.request(path, {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'author=Claimable+Person',
    });
    expect(noCsrf.status).toBe(403);
    const notAuthor = await t.app.request(path, reader.form({ author: 'Someone Else' }));
    expect(notAuthor.status).toBe(400);

    const paperBefore = await (await t.app.request('/papers/2508.70002', { headers: { cookie: reader.cookie } })).text();
    expect(paperBefore).toContain('aria-label="Claim authorship: I am Claimable Person"');
    const claimed = await t.app.request(path, reader.form({ author: 'Claimable Person' }));
    expect(claimed.status).toBe(303);
    expect(claimed.headers.get('location')).toBe('/papers/2508.70002');
    const again = await t.app.request(path, reader.form({ author: 'Claimable Person' }));
    expect(again.status).toBe(409);
    const pending = await (await t.app.request('/papers/2508.70002', { headers: { cookie: reader.cookie } })).text();
    expect(pending).toContain('your claim awaits review');

    expect((await t.app.request('/admin/author-claims', { headers: { cookie: reader.cookie } })).status).toBe(403);
    const adminPage = await (await t.app.request('/admin/author-claims', { headers: { cookie: admin.cookie } })).text();
    const claimId = /action="\/admin\/author-claims\/(\d+)"/.exec(adminPage)?.[1];
    expect(claimId).toBeDefined();
    expect(adminPage).toContain(reader.user.username);

    const byReader = await t.app.request(`/admin/author-claims/${claimId}`, reader.form({ decision: 'approve' }));
    expect(byReader.status).toBe(403);
    const adminNoCsrf = await t.app.request(`/admin/author-claims/${claimId}`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(adminNoCsrf.status).toBe(403);
    const anonymousPaper = await (await t.app.request('/papers/2508.70002')).text();
    expect(anonymousPaper).not.toContain('claimed-author');

    const approved = await t.app.request(`/admin/author-claims/${claimId}`, admin.form({ decision: 'approve' }));
    expect(approved.status).toBe(303);
    // The anonymous page was cached above; the approval clears it.
    const after = await (await t.app.request('/papers/2508.70002')).text();
    expect(after).toContain(`class="claimed-author" href="/u/${reader.user.username}"`);
    const profile = await (await t.app.request(`/u/${reader.user.username}`)).text();
    expect(profile).toContain('Papers they wrote');
    expect(profile).toContain('href="/papers/2508.70002"');
    const api = (await (await t.app.request(`/api/authors/${encodeURIComponent('Claimable Person')}`)).json()) as AuthorBody;
    expect(api.claimedBy).toEqual([{ username: reader.user.username, papers: 1 }]);
  });

  it('lets a reader withdraw their own claim, pending or approved, and an administrator revoke one; nobody else', async () => {
    const other = await signedInUser(t.deps, {});
    const claimPath = '/papers/2508.70001/claim-author';
    const withdrawLink = (html: string) => /action="\/author-claims\/(\d+)\/withdraw"/.exec(html)?.[1];

    expect((await t.app.request(claimPath, reader.form({ author: 'Ada Byron' }))).status).toBe(303);
    const pending = await (await t.app.request('/papers/2508.70001', { headers: { cookie: reader.cookie } })).text();
    const claimId = withdrawLink(pending);
    expect(claimId).toBeDefined();
    // Someone else's claim is no claim at all to another reader, and a withdrawal needs the CSRF token.
    expect((await t.app.request(`/author-claims/${claimId}/withdraw`, other.form({}))).status).toBe(404);
    const noCsrf = await t.app.request(`/author-claims/${claimId}/withdraw`, { method: 'POST', headers: { cookie: reader.cookie } });
    expect(noCsrf.status).toBe(403);
    const withdrawn = await t.app.request(`/author-claims/${claimId}/withdraw`, reader.form({}));
    expect(withdrawn.status).toBe(303);
    expect(withdrawn.headers.get('location')).toBe('/papers/2508.70001');
    expect((await t.app.request(`/author-claims/${claimId}/withdraw`, reader.form({}))).status).toBe(404);
    const admin_page = await (await t.app.request('/admin/author-claims', { headers: { cookie: admin.cookie } })).text();
    expect(admin_page).not.toContain(`action="/admin/author-claims/${claimId}"`);

    // Claimed again and approved: the reader withdraws it from the paper page, and the paper no longer names them.
    expect((await t.app.request(claimPath, reader.form({ author: 'Ada Byron' }))).status).toBe(303);
    const again = withdrawLink(await (await t.app.request('/papers/2508.70001', { headers: { cookie: reader.cookie } })).text());
    expect((await t.app.request(`/admin/author-claims/${again}`, admin.form({ decision: 'approve' }))).status).toBe(303);
    const approvedPage = await (await t.app.request('/papers/2508.70001', { headers: { cookie: reader.cookie } })).text();
    expect(approvedPage).toContain('Withdraw my claim');
    expect(await (await t.app.request('/papers/2508.70001', { headers: { cookie: other.cookie } })).text()).not.toContain(
      `/author-claims/${again}/withdraw`,
    );
    expect((await t.app.request(`/author-claims/${again}/withdraw`, reader.form({}))).status).toBe(303);
    expect(await (await t.app.request('/papers/2508.70001')).text()).not.toContain('title="Confirmed as this author');

    // An administrator revokes another approved claim.
    expect((await t.app.request(claimPath, other.form({ author: 'Ada Byron' }))).status).toBe(303);
    const third = withdrawLink(await (await t.app.request('/papers/2508.70001', { headers: { cookie: other.cookie } })).text());
    expect((await t.app.request(`/admin/author-claims/${third}`, admin.form({ decision: 'approve' }))).status).toBe(303);
    expect(await (await t.app.request('/papers/2508.70001', { headers: { cookie: admin.cookie } })).text()).toContain('Revoke claim');
    expect((await t.app.request(`/author-claims/${third}/withdraw`, admin.form({}))).status).toBe(303);
    const api = (await (await t.app.request(`/api/authors/${encodeURIComponent('Ada Byron')}`)).json()) as AuthorBody;
    expect(api.claimedBy).toEqual([]);
  });
});
