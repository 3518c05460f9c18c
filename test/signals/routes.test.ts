import { beforeAll, expect, it } from 'vitest';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { MAX_FOLLOWED_QUERY_LENGTH } from '../../src/signals/signal-limits.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-03T12:00:00.000Z';
const XSS = '<script>alert("x")</script>';
const ESCAPED_XSS = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

describeEachStore('ratings and follows routes', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let counter = 0;

  async function paper(authors = ['Ada Lovelace']): Promise<string> {
    counter += 1;
    const id = `2502.${String(50_000 + counter)}`;
    await upsertPapers(get().store.db, [paperRecord({ id, title: `Rated paper ${id}`, authors })], NOW);
    return id;
  }

  const request = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const as = (user: SignedIn, path: string) => request(path, { headers: { cookie: user.cookie } });
  const json = (user: SignedIn, method: string, path: string, body?: unknown) =>
    request(path, {
      method,
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokenOf = async (user: SignedIn, scopes: ('read' | 'write')[]) => {
    const outcome = await t.deps.accounts.createApiToken(user.user.id, `token ${scopes.join(' ')}`, scopes);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return outcome.value.token;
  };
  const withToken = (token: string, method: string, path: string, body?: unknown) =>
    request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await testApp(get());
  });

  it('shows rating buttons to signed-in readers only, rates through a CSRF-checked form and shows the state', async () => {
    const id = await paper();
    const reader = await signedInUser(t.deps);
    const anonymous = await (await request(`/papers/${id}`)).text();
    expect(anonymous).not.toContain('action="/ratings"');
    expect(anonymous).not.toContain('action="/following/add"');
    expect((await request('/ratings', { method: 'POST' })).status).toBe(403);

    const before = await (await as(reader, `/papers/${id}`)).text();
    expect(before).toContain('action="/ratings"');
    expect(before).toMatch(/aria-pressed="false"[^>]*>More like this</);

    const forged = await request('/ratings', {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ paper: id, value: '1' }).toString(),
    });
    expect(forged.status).toBe(403);

    const rated = await request('/ratings', reader.form({ paper: id, value: '1', next: `/papers/${id}` }));
    expect(rated.status).toBe(303);
    expect(rated.headers.get('location')).toBe(`/papers/${id}`);
    const after = await (await as(reader, `/papers/${id}`)).text();
    expect(after).toMatch(/aria-pressed="true"[^>]*>✓ More like this</);
    // Pressing the chosen button again sends 0, which clears the rating.
    expect(after).toMatch(/name="value" value="0"/);
    await request('/ratings', reader.form({ paper: id, value: '0' }));
    expect(await (await json(reader, 'GET', '/api/me/ratings')).json()).toEqual([]);

    expect((await request('/ratings', reader.form({ paper: id, value: '5' }))).status).toBe(400);
    expect((await request('/ratings', reader.form({ paper: '2502.99999', value: '1' }))).status).toBe(404);
  });

  it('follows an author from the paper page, lists follows on /following with names escaped, and unfollows', async () => {
    const id = await paper([XSS, 'Grace Hopper']);
    const reader = await signedInUser(t.deps);
    const page = await (await as(reader, `/papers/${id}`)).text();
    expect(page).toContain('action="/following/add"');
    expect(page).not.toContain(XSS);
    expect(page).toContain(`name="value" value="${ESCAPED_XSS}"`);

    const followed = await request('/following/add', reader.form({ kind: 'author', value: XSS, next: `/papers/${id}` }));
    expect(followed.status).toBe(303);
    expect(followed.headers.get('location')).toBe(`/papers/${id}`);
    const again = await (await as(reader, `/papers/${id}`)).text();
    expect(again).toContain('✓ Following');
    expect(again).toContain('action="/following/remove"');

    await request('/following/add', reader.form({ kind: 'query', value: `diffusion ${XSS}` }));
    const list = await (await as(reader, '/following')).text();
    expect(list).not.toContain(XSS);
    expect(list).toContain(ESCAPED_XSS);
    expect(list).toContain(`diffusion ${ESCAPED_XSS}`);
    expect(list).toContain(`/search?q=${encodeURIComponent(`author:"${XSS}"`)}`.replace(/&/g, '&amp;'));

    const removed = await request('/following/remove', reader.form({ kind: 'author', value: XSS }));
    expect(removed.headers.get('location')).toBe('/following');
    const follows = (await (await json(reader, 'GET', '/api/me/follows')).json()) as { kind: string; value: string }[];
    expect(follows.map((f) => [f.kind, f.value])).toEqual([['query', `diffusion ${XSS}`]]);
    expect((await request('/following')).status).toBe(303);
    expect((await request('/following/add', reader.form({ kind: 'planet', value: 'Mars' }))).status).toBe(400);
  });

  it('offers to follow the categories and the query of a search, with their state', async () => {
    const reader = await signedInUser(t.deps);
    await paper();
    const q = 'lovelace cat:cs.cv';
    const path = `/search?q=${encodeURIComponent(q)}&category=math.AG`;
    expect(await (await request(path)).text()).not.toContain('Follow this search');
    const page = await (await as(reader, path)).text();
    expect(page).toContain('Follow cat:cs.CV');
    expect(page).toContain('Follow cat:math.AG');
    expect(page).toContain('Follow this search');
    await request('/following/add', reader.form({ kind: 'category', value: 'cs.CV' }));
    await request('/following/add', reader.form({ kind: 'query', value: q }));
    const after = await (await as(reader, path)).text();
    expect(after).not.toContain('Follow cat:cs.CV');
    expect(after).not.toContain('Follow this search');
    expect(after).toContain('Follow cat:math.AG');
    expect(after.match(/✓ Following/g)).toHaveLength(2);
  });

  it('rates, lists and clears through the JSON API with a session and CSRF', async () => {
    const reader = await signedInUser(t.deps);
    const id = await paper();
    const noCsrf = await request('/api/me/ratings', {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ paperId: id, value: 1 }),
    });
    expect(noCsrf.status).toBe(403);
    expect(await (await json(reader, 'POST', '/api/me/ratings', { paperId: id, value: -1 })).json()).toEqual({ paperId: id, value: -1 });
    const listed = (await (await json(reader, 'GET', '/api/me/ratings')).json()) as { paperId: string; value: number }[];
    expect(listed.map((r) => [r.paperId, r.value])).toEqual([[id, -1]]);
    expect((await json(reader, 'POST', '/api/me/ratings', { paperId: id, value: 2 })).status).toBe(400);
    expect((await json(reader, 'POST', '/api/me/ratings', { paperId: 'nope', value: 1 })).status).toBe(400);
    expect((await json(reader, 'POST', '/api/me/ratings', { paperId: '2502.99999', value: 1 })).status).toBe(404);
    expect(await (await json(reader, 'DELETE', `/api/me/ratings/${id}`)).json()).toEqual({ paperId: id, cleared: true });
    expect(await (await json(reader, 'DELETE', `/api/me/ratings/${id}`)).json()).toEqual({ paperId: id, cleared: false });
    await json(reader, 'POST', '/api/me/ratings', { paperId: id, value: 1 });
    expect(await (await json(reader, 'POST', '/api/me/ratings', { paperId: id, value: 0 })).json()).toEqual({ paperId: id, value: 0 });
    expect(await (await json(reader, 'GET', '/api/me/ratings')).json()).toEqual([]);
    expect((await request('/api/me/ratings')).status).toBe(401);
  });

  it('follows, lists and unfollows through the JSON API, enforcing the limits', async () => {
    const reader = await signedInUser(t.deps);
    const created = await json(reader, 'POST', '/api/me/follows', { kind: 'category', value: 'CS.lg' });
    expect(await created.json()).toEqual({ kind: 'category', value: 'cs.LG', created: true });
    expect((await json(reader, 'POST', '/api/me/follows', { kind: 'category', value: 'cs LG' })).status).toBe(400);
    expect((await json(reader, 'POST', '/api/me/follows', { kind: 'venue', value: 'NeurIPS' })).status).toBe(400);
    const tooLong = 'q'.repeat(MAX_FOLLOWED_QUERY_LENGTH + 1);
    expect((await json(reader, 'POST', '/api/me/follows', { kind: 'query', value: tooLong })).status).toBe(400);
    expect((await json(reader, 'POST', '/api/me/follows', { kind: 'author', value: 'x'.repeat(201) })).status).toBe(400);
    const listed = (await (await json(reader, 'GET', '/api/me/follows')).json()) as { kind: string; value: string }[];
    expect(listed.map((f) => [f.kind, f.value])).toEqual([['category', 'cs.LG']]);
    const removed = await json(reader, 'DELETE', '/api/me/follows', { kind: 'category', value: 'cs.LG' });
    expect(await removed.json()).toEqual({ kind: 'category', value: 'cs.LG', removed: true });
    expect(await (await json(reader, 'GET', '/api/me/follows')).json()).toEqual([]);
    expect((await request('/api/me/follows')).status).toBe(401);
  });

  it('acts with personal API tokens: a read token lists, only a write token rates and follows', async () => {
    const reader = await signedInUser(t.deps);
    const id = await paper();
    const [readToken, writeToken] = [await tokenOf(reader, ['read']), await tokenOf(reader, ['read', 'write'])];
    const rating = { paperId: id, value: 1 };
    const followed = { kind: 'author', value: 'Ada Lovelace' };
    expect((await withToken(readToken, 'POST', '/api/me/ratings', rating)).status).toBe(403);
    expect((await withToken(readToken, 'POST', '/api/me/follows', followed)).status).toBe(403);
    expect((await withToken(writeToken, 'POST', '/api/me/ratings', rating)).status).toBe(200);
    expect((await withToken(writeToken, 'POST', '/api/me/follows', followed)).status).toBe(200);
    expect((await withToken(readToken, 'DELETE', `/api/me/ratings/${id}`)).status).toBe(403);
    expect((await withToken(readToken, 'DELETE', '/api/me/follows', followed)).status).toBe(403);
    const ratings = (await (await withToken(readToken, 'GET', '/api/me/ratings')).json()) as { paperId: string }[];
    expect(ratings.map((r) => r.paperId)).toEqual([id]);
    const follows = (await (await withToken(readToken, 'GET', '/api/me/follows')).json()) as { value: string }[];
    expect(follows.map((f) => f.value)).toEqual(['Ada Lovelace']);
  });

  it("never reveals or changes another reader's ratings and follows, on any route", async () => {
    const owner = await signedInUser(t.deps);
    const stranger = await signedInUser(t.deps);
    const id = await paper(['Secret Author']);
    await json(owner, 'POST', '/api/me/ratings', { paperId: id, value: 1 });
    await json(owner, 'POST', '/api/me/follows', { kind: 'author', value: 'Secret Author' });
    await json(owner, 'POST', '/api/me/follows', { kind: 'query', value: 'private hobby horse' });
    const strangerToken = await tokenOf(stranger, ['read', 'write']);

    // Reads: every listing is the caller's own, with no parameter naming another reader.
    expect(await (await json(stranger, 'GET', '/api/me/ratings')).json()).toEqual([]);
    expect(await (await json(stranger, 'GET', `/api/me/ratings?userId=${owner.user.id}`)).json()).toEqual([]);
    expect(await (await withToken(strangerToken, 'GET', '/api/me/ratings')).json()).toEqual([]);
    expect(await (await json(stranger, 'GET', '/api/me/follows')).json()).toEqual([]);
    expect(await (await json(stranger, 'GET', `/api/me/follows?userId=${owner.user.id}`)).json()).toEqual([]);
    expect(await (await withToken(strangerToken, 'GET', '/api/me/follows')).json()).toEqual([]);
    const strangerFollowing = await (await as(stranger, '/following')).text();
    expect(strangerFollowing).not.toContain('private hobby horse');
    expect(strangerFollowing).not.toContain('Secret Author');
    const strangerPaper = await (await as(stranger, `/papers/${id}`)).text();
    expect(strangerPaper).not.toContain('✓ More like this');
    expect(strangerPaper).not.toContain('✓ Following');
    const strangerSearch = await (await as(stranger, `/search?q=${encodeURIComponent('private hobby horse')}`)).text();
    expect(strangerSearch).not.toContain('✓ Following');
    // The owner's public profile says nothing of their signals.
    const profile = await (await request(`/u/${owner.user.username}`)).text();
    expect(profile).not.toContain('private hobby horse');
    expect(profile).not.toContain('Secret Author');

    // Writes act on the caller's own rows only.
    await json(stranger, 'DELETE', `/api/me/ratings/${id}`);
    await json(stranger, 'POST', '/api/me/ratings', { paperId: id, value: 0 });
    await request('/ratings', stranger.form({ paper: id, value: '0' }));
    await json(stranger, 'DELETE', '/api/me/follows', { kind: 'author', value: 'Secret Author' });
    await request('/following/remove', stranger.form({ kind: 'query', value: 'private hobby horse' }));
    const ratings = (await (await json(owner, 'GET', '/api/me/ratings')).json()) as { paperId: string; value: number }[];
    expect(ratings.map((r) => [r.paperId, r.value])).toEqual([[id, 1]]);
    const follows = (await (await json(owner, 'GET', '/api/me/follows')).json()) as { value: string }[];
    expect(follows.map((f) => f.value).sort()).toEqual(['Secret Author', 'private hobby horse']);
  });
});
