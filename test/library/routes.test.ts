import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { parseBibtex } from '../../src/library/bibtex-parse.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { BIBTEX_IMPORT_BODY_LIMIT_BYTES, DEFAULT_BODY_LIMIT_BYTES } from '../../src/security/request-limits.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { startFakeArxiv } from '../helpers/fake-arxiv.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-03T12:00:00.000Z';
const DAY = '2025-03-01';
const XSS = '<script>alert("x")</script>';

describeEachStore('library routes', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  let counter = 0;

  async function paper(title = 'A paper'): Promise<string> {
    counter += 1;
    const id = `2502.${String(30_000 + counter)}`;
    const db = get().store.db;
    await upsertPapers(db, [paperRecord({ id, title: `${title} ${id}` })], NOW);
    await upsertFeedEntries(db, [{ day: DAY, paperId: id, upvotes: 1, comments: 0, source: 'test' }], NOW);
    return id;
  }

  const request = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const as = (user: SignedIn, path: string) => request(path, { headers: { cookie: user.cookie } });
  const save = (user: SignedIn, fields: Record<string, string>) => request('/library/save', user.form(fields));
  const json = (user: SignedIn, method: string, path: string, body?: unknown) =>
    request(path, {
      method,
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    arxiv = await startFakeArxiv([
      {
        id: '2504.01234',
        title: 'Imported from arXiv',
        abstract: 'Only arXiv had it.',
        authors: ['Grace Hopper'],
        categories: ['cs.PL'],
        published: '2025-04-01T00:00:00Z',
      },
    ]);
    t = await testApp(get(), { PAPERBOY_ARXIV_API_URL: arxiv.url });
  });

  afterAll(async () => {
    await arxiv.close();
  });

  it('shows the save button only to signed-in readers, saves through a CSRF-checked form, and shows the saved state', async () => {
    const id = await paper();
    const reader = await signedInUser(t.deps);
    expect(await (await request(`/papers/${id}`)).text()).not.toContain('action="/library/save"');
    expect((await request('/library/save', { method: 'POST' })).status).toBe(403);

    const before = await (await as(reader, `/papers/${id}`)).text();
    expect(before).toContain('action="/library/save"');
    expect(before).toContain('☆ Save');

    const forged = await request('/library/save', {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ paper: id }).toString(),
    });
    expect(forged.status).toBe(403);

    const saved = await save(reader, { paper: id, next: `/papers/${id}` });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/papers/${id}`);
    const after = await (await as(reader, `/papers/${id}`)).text();
    expect(after).toContain('action="/library/remove"');
    expect(after).toContain('★ Saved');

    // The daily page's card shows it too, and other cards stay unsaved.
    const other = await paper();
    const daily = await (await as(reader, `/papers/date/${DAY}`)).text();
    const card = (paperId: string) => daily.slice(daily.indexOf(`value="${paperId}"`) - 200, daily.indexOf(`value="${paperId}"`) + 400);
    expect(card(id)).toContain('★ Saved');
    expect(card(other)).toContain('☆ Save');

    expect((await save(reader, { paper: 'not-an-id' })).status).toBe(400);
    expect((await save(reader, { paper: '2502.99999' })).status).toBe(404);
  });

  it('lists the library with tags and notes escaped, filters by tag and searches within it', async () => {
    const reader = await signedInUser(t.deps);
    const first = await paper('Diffusion models');
    const second = await paper('Graph networks');
    await save(reader, { paper: first, tags: 'generative, to-read', note: `note ${XSS}` });
    await save(reader, { paper: second, tags: 'to-read' });

    const page = await (await as(reader, '/library')).text();
    expect(page).not.toContain(XSS);
    expect(page).toContain('note &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('generative (1)');
    expect(page).toContain('to-read (2)');

    const tagged = await (await as(reader, '/library?tag=generative')).text();
    expect(tagged).toContain(`Diffusion models ${first}`);
    expect(tagged).not.toContain(`Graph networks ${second}`);
    const searched = await (await as(reader, `/library?q=${encodeURIComponent('graph -diffusion')}`)).text();
    expect(searched).toContain(`Graph networks ${second}`);
    expect(searched).not.toContain(`Diffusion models ${first}`);
    expect((await as(reader, `/library?q=${'x'.repeat(501)}`)).status).toBe(400);
    expect((await request('/library')).status).toBe(303);
  });

  it('exports the whole library or one tag as BibTeX and CSL-JSON', async () => {
    const reader = await signedInUser(t.deps);
    const first = await paper('Exported');
    const second = await paper('Also exported');
    await save(reader, { paper: first, tags: 'thesis' });
    await save(reader, { paper: second });

    const bib = await as(reader, '/library/export.bib');
    expect(bib.headers.get('content-type')).toContain('application/x-bibtex');
    expect(bib.headers.get('content-disposition')).toContain('attachment');
    const parsed = parseBibtex(await bib.text());
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => e.fields.eprint).sort()).toEqual([first, second].sort());

    const csl = await as(reader, '/library/export.json?tag=thesis');
    expect(csl.headers.get('content-type')).toContain('application/vnd.citationstyles.csl+json');
    const items = (await csl.json()) as { id: string; type: string; URL: string }[];
    expect(items).toEqual([expect.objectContaining({ id: `arXiv:${first}`, type: 'article', URL: `https://arxiv.org/abs/${first}` })]);
    expect((await request('/library/export.bib')).status).toBe(303);
  });

  it('imports an uploaded BibTeX file, fetching unknown papers from arXiv, and reports skipped entries', async () => {
    const reader = await signedInUser(t.deps);
    const known = await paper();
    // Bigger than the default body limit, well under the import's.
    const padding = `% ${'x'.repeat(DEFAULT_BODY_LIMIT_BYTES)}\n`;
    const text = `${padding}@misc{known, eprint = {${known}}}\n@misc{fetched, url = {https://arxiv.org/abs/2504.01234}}\n@book{nothing, title = {No id}}\n@misc{bad title = {x}}\n`;
    const form = new FormData();
    form.set('_csrf', reader.csrf);
    form.set('file', new File([text], 'refs.bib', { type: 'text/x-bibtex' }));
    form.set('tag', 'imported');
    const response = await request('/library/import', { method: 'POST', headers: { cookie: reader.cookie }, body: form });
    expect(response.status).toBe(200);
    const report = await response.text();
    expect(report).toContain('2 imported · 0 already saved · 1 fetched from arXiv · 2 skipped');
    expect(report).toContain('(nothing): no arXiv id in eprint, url or doi');
    expect(report).toContain('malformed entry');
    const library = await (await as(reader, '/library?tag=imported')).text();
    expect(library).toContain('Imported from arXiv');

    // A pasted textarea works too, and reports what was already saved.
    const again = await request('/library/import', reader.form({ bibtex: `@misc{known, eprint = {${known}}}` }));
    expect(await again.text()).toContain('0 imported · 1 already saved');

    const tooBig = new FormData();
    tooBig.set('_csrf', reader.csrf);
    tooBig.set('bibtex', 'x'.repeat(BIBTEX_IMPORT_BODY_LIMIT_BYTES + 1));
    expect((await request('/library/import', { method: 'POST', headers: { cookie: reader.cookie }, body: tooBig })).status).toBe(413);
  });

  it('publishes a tag at /u/<name>/c/<tag> with RSS and Atom, never its notes, and 404s while it is private', async () => {
    const owner = await signedInUser(t.deps);
    const stranger = await signedInUser(t.deps);
    const id = await paper('Collected');
    await save(owner, { paper: id, tags: 'favourites', note: 'secret note' });
    const path = `/u/${owner.user.username}/c/favourites`;
    for (const suffix of ['', '/feed.xml', '/feed.atom']) {
      expect((await request(`${path}${suffix}`)).status, `private ${suffix}`).toBe(404);
      expect((await as(stranger, `${path}${suffix}`)).status, `private ${suffix} for another reader`).toBe(404);
    }
    expect((await request(`/u/${owner.user.username}/c/no-such-tag`)).status).toBe(404);

    const made = await request('/library/tags/visibility', owner.form({ tag: 'favourites', public: '1' }));
    expect(made.status).toBe(303);
    const page = await (await request(path)).text();
    expect(page).toContain(`Collected ${id}`);
    expect(page).not.toContain('secret note');
    const rss = await request(`${path}/feed.xml`);
    expect(rss.headers.get('content-type')).toContain('application/rss+xml');
    const rssText = await rss.text();
    expect(rssText).toContain(`<link>http://paperboy.test/papers/${id}</link>`);
    expect(rssText).not.toContain('secret note');
    const atom = await (await request(`${path}/feed.atom`)).text();
    expect(atom).toContain(`href="http://paperboy.test/papers/${id}"`);

    // Saving another paper under the public tag shows on the (cached) anonymous page at once.
    const later = await paper('Added later');
    await save(owner, { paper: later, tags: 'favourites' });
    expect(await (await request(path)).text()).toContain(`Added later ${later}`);

    await request('/library/tags/visibility', owner.form({ tag: 'favourites', public: '0' }));
    expect((await request(path)).status).toBe(404);
  });

  it("never lets another reader read or change someone's library", async () => {
    const alice = await signedInUser(t.deps);
    const bob = await signedInUser(t.deps);
    const id = await paper();
    await save(alice, { paper: id, tags: 'alice-only', note: 'alice private note' });

    const bobsList = (await (await json(bob, 'GET', '/api/me/library')).json()) as unknown[];
    expect(bobsList).toEqual([]);
    for (const path of ['/library', '/library?tag=alice-only', '/library/export.bib', '/library/export.json']) {
      expect(await (await as(bob, path)).text(), path).not.toContain('alice private note');
    }
    expect(await (await as(bob, '/library/export.json')).json()).toEqual([]);
    expect(await (await json(bob, 'DELETE', `/api/me/library/${id}`)).json()).toEqual({ id, removed: false });
    await request('/library/remove', bob.form({ paper: id }));
    expect((await request('/library/tags/visibility', bob.form({ tag: 'alice-only', public: '1' }))).status).toBe(404);
    expect((await request(`/u/${alice.user.username}/c/alice-only`)).status).toBe(404);

    const alicesList = (await (await json(alice, 'GET', '/api/me/library')).json()) as { id: string; note: string }[];
    expect(alicesList).toEqual([expect.objectContaining({ id, note: 'alice private note', tags: ['alice-only'] })]);
    expect((await request('/api/me/library')).status).toBe(401);
  });

  it('saves, lists and removes through the JSON API with a session and CSRF header', async () => {
    const reader = await signedInUser(t.deps);
    const id = await paper();
    const saved = await json(reader, 'POST', '/api/me/library', { paperId: `https://arxiv.org/abs/${id}v2`, tags: ['api'], note: 'n' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ id, tags: ['api'], note: 'n', created: true });
    const noCsrf = await request('/api/me/library', {
      method: 'POST',
      headers: { cookie: reader.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ paperId: id }),
    });
    expect(noCsrf.status).toBe(403);
    expect((await json(reader, 'POST', '/api/me/library', { paperId: 'nope' })).status).toBe(400);
    const listed = (await (await json(reader, 'GET', '/api/me/library?tag=api')).json()) as { id: string }[];
    expect(listed.map((i) => i.id)).toEqual([id]);
    expect(await (await json(reader, 'DELETE', `/api/me/library/${id}`)).json()).toEqual({ id, removed: true });
    expect(await (await json(reader, 'GET', '/api/me/library')).json()).toEqual([]);
  });

  it('acts with a personal API token: a read token lists, only a write token saves', async () => {
    const reader = await signedInUser(t.deps);
    const id = await paper();
    const tokenOf = async (scopes: ('read' | 'write')[]) => {
      const outcome = await t.deps.accounts.createApiToken(reader.user.id, `token ${scopes.join(' ')}`, scopes);
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
      return outcome.value.token;
    };
    const [readToken, writeToken] = [await tokenOf(['read']), await tokenOf(['read', 'write'])];
    const post = (token: string) =>
      request('/api/me/library', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ paperId: id }),
      });
    expect((await post(readToken)).status).toBe(403);
    expect((await post(writeToken)).status).toBe(200);
    const listed = await request('/api/me/library', { headers: { authorization: `Bearer ${readToken}` } });
    expect(((await listed.json()) as { id: string }[]).map((i) => i.id)).toEqual([id]);
  });
});
