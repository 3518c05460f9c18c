import { beforeAll, expect, it } from 'vitest';
import { postComment } from '../../src/community/comments.service.js';
import { votePaper } from '../../src/community/voting.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { saveToLibrary, setTagVisibility } from '../../src/library/library.service.js';
import { follow, ratePaper } from '../../src/signals/signals.service.js';
import { addAuthoredPapers } from '../../src/foryou/authored-papers.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-03T12:00:00.000Z';
const DAY = '2025-03-01';
const PAPER = '2502.50001';
const PRIVATE_NOTE = 'alice-private-note-q7';
const PRIVATE_TAG = 'alicesecrettag';
const FOLLOWED_AUTHOR = 'Alicefollowed Secretauthor';
const FOLLOWED_QUERY = 'alicefollowedquerywords';
const PUBLIC_TAG = 'alicepublic';
/** A paper of the week Alice follows the author of, and one she names as hers (published long before). */
const FOLLOWED_PAPER = '2502.50002';
const FORYOU_AUTHOR = 'Foryou Checkauthor';
const AUTHORED_PAPER = '2301.50003';
const AUTHORED_TITLE = 'Alice authored secret-title paper';

/**
 * Every GET route of the app. A test below fails when the app's list differs, so a new route cannot skip the
 * check that it reveals nothing of another reader's library, notes, private tags, tokens, subscriptions or email.
 */
const GET_ROUTES = [
  '/',
  '/account-deleted',
  '/admin',
  '/admin/author-claims',
  '/admin/sources',
  '/api/daily_papers',
  '/api/map',
  '/api/map/points',
  '/api/me',
  '/api/me/export',
  '/api/me/follows',
  '/api/me/library',
  '/api/me/notifications',
  '/api/me/recommendations',
  '/api/me/ratings',
  '/api/me/tokens',
  '/api/openapi.json',
  '/api/authors/:name',
  '/api/orgs/:name',
  '/api/papers',
  '/api/papers/:archive{[a-z][a-z-]*(?:\\.[A-Z]{2})?}/:num{[0-9]{7}(?:v[0-9]+)?}',
  '/api/papers/:archive{[a-z][a-z-]*(?:\\.[A-Z]{2})?}/:num{[0-9]{7}(?:v[0-9]+)?}/similar',
  '/api/papers/:id{[0-9]{4}\\.[0-9]{4,5}(?:v[0-9]+)?}',
  '/api/papers/:id{[0-9]{4}\\.[0-9]{4,5}(?:v[0-9]+)?}/similar',
  '/api/papers/search',
  '/api/trends',
  '/confirm/:token',
  '/feeds/daily.atom',
  '/feeds/daily.xml',
  '/feeds/search.atom',
  '/feeds/search.xml',
  '/feeds/trending.atom',
  '/feeds/trending.xml',
  '/following',
  '/for-you',
  '/forgot',
  '/healthz',
  '/library',
  '/library/export.bib',
  '/library/export.json',
  '/library/import',
  '/login',
  '/map',
  '/metrics',
  '/notifications',
  '/notifications/unsubscribe',
  '/authors/:name',
  '/orgs/:name',
  '/papers/:archive{[a-z][a-z-]*(?:\\.[A-Z]{2})?}/:file{[0-9]{7}(?:v[0-9]+)?\\.md}',
  '/papers/:archive{[a-z][a-z-]*(?:\\.[A-Z]{2})?}/:num{[0-9]{7}(?:v[0-9]+)?}',
  '/papers/:file{[0-9]{4}\\.[0-9]{4,5}(?:v[0-9]+)?\\.md}',
  '/papers/:id{[0-9]{4}\\.[0-9]{4,5}(?:v[0-9]+)?}',
  '/papers/date/:day',
  '/papers/month',
  '/papers/month/:key',
  '/papers/week',
  '/papers/week/:key',
  '/readyz',
  '/reset/:token',
  '/search',
  '/settings',
  '/settings/subscription',
  '/signup',
  '/static/:name',
  '/submit',
  '/trending',
  '/trends',
  '/trends.svg',
  '/u/:username{[A-Za-z0-9_-]{1,40}}',
  '/u/:username{[A-Za-z0-9_-]{1,40}}/c/:tag',
  '/u/:username{[A-Za-z0-9_-]{1,40}}/c/:tag/feed.atom',
  '/u/:username{[A-Za-z0-9_-]{1,40}}/c/:tag/feed.xml',
  '/unsubscribe',
];

/** Concrete paths for a route pattern: every parameter filled with a value that reaches Alice's data where one can. */
function concretePaths(pattern: string, alice: string): string[] {
  const values: Record<string, string[]> = {
    id: [PAPER],
    file: [`${PAPER}.md`],
    archive: ['hep-th'],
    num: ['9901001'],
    day: [DAY],
    key: ['2025-W09', '2025-03'],
    token: ['not-a-token'],
    name: ['style.css'],
    username: [alice],
    tag: [PRIVATE_TAG, PUBLIC_TAG],
  };
  let paths = [''];
  for (const segment of pattern.split('/').slice(1)) {
    const param = /^:([a-z]+)/i.exec(segment);
    if (!param) {
      paths = paths.map((p) => `${p}/${segment}`);
      continue;
    }
    const name = param[1]!;
    const choices = values[name];
    if (!choices) throw new Error(`no test value for the route parameter :${name} of ${pattern}`);
    const suffix = segment.includes('}') ? segment.slice(segment.lastIndexOf('}') + 1) : '';
    paths = paths.flatMap((p) => choices.map((v) => `${p}/${v}${suffix}`));
  }
  return [...new Set(paths)];
}

describeEachStore('no route reveals another reader’s private data', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let alice: SignedIn;
  let bob: SignedIn;
  let bobToken: string;

  beforeAll(async () => {
    t = await testApp(get());
    const db = get().store.db;
    await upsertPapers(
      db,
      [
        paperRecord({ id: PAPER, title: 'A shared paper' }),
        paperRecord({
          id: FOLLOWED_PAPER,
          title: 'A paper by an author Alice follows',
          authors: [FORYOU_AUTHOR],
          publishedAt: `${DAY}T08:00:00.000Z`,
        }),
        paperRecord({ id: AUTHORED_PAPER, title: AUTHORED_TITLE, publishedAt: '2023-01-10T08:00:00.000Z' }),
      ],
      NOW,
    );
    await upsertFeedEntries(db, [{ day: DAY, paperId: PAPER, upvotes: 1, comments: 0, source: 'test' }], NOW);
    alice = await signedInUser(t.deps);
    bob = await signedInUser(t.deps);
    const deps = { ...t.deps, now: () => new Date(NOW) };
    await saveToLibrary(deps, alice.user, { paperId: PAPER, tags: [PRIVATE_TAG, PUBLIC_TAG], note: PRIVATE_NOTE });
    await setTagVisibility(deps, alice.user, { tag: PUBLIC_TAG, public: true });
    await votePaper(deps, alice.user, { paperId: PAPER, action: 'add' });
    await follow(deps, alice.user, { kind: 'author', value: FOLLOWED_AUTHOR });
    await follow(deps, alice.user, { kind: 'query', value: FOLLOWED_QUERY });
    await ratePaper(deps, alice.user, { paperId: PAPER, value: -1 });
    await follow(deps, alice.user, { kind: 'author', value: FORYOU_AUTHOR });
    await addAuthoredPapers(deps, alice.user, { ids: [AUTHORED_PAPER] });
    await postComment(deps, alice.user, { paperId: PAPER, parentId: null, body: 'a public comment' });
    await t.deps.accounts.createApiToken(alice.user.id, 'alice-token-name', ['read']);
    const token = await t.deps.accounts.createApiToken(bob.user.id, 'bob', ['read']);
    if (!token.ok) throw new Error('token');
    bobToken = token.value.token;
  });

  it('tests the app’s every GET route', () => {
    const actual = [...new Set(t.app.routes.filter((r) => r.method === 'GET').map((r) => r.path))].sort();
    expect(actual).toEqual([...GET_ROUTES].sort());
  });

  it.each(GET_ROUTES)('GET %s shows Bob and anonymous visitors nothing private of Alice', async (pattern) => {
    // The authored paper is public (its title may rank among similar papers anywhere); that Alice wrote it is not.
    const authoredByAlice = `your paper “${AUTHORED_TITLE}”`;
    const secrets = [PRIVATE_NOTE, PRIVATE_TAG, alice.user.email, 'alice-token-name', FOLLOWED_AUTHOR, FOLLOWED_QUERY, authoredByAlice];
    const viewers: Record<string, Record<string, string>> = {
      anonymous: {},
      bob: { cookie: bob.cookie },
      'bob’s token': { authorization: `Bearer ${bobToken}` },
    };
    for (const path of concretePaths(pattern, alice.user.username)) {
      for (const [viewer, headers] of Object.entries(viewers)) {
        const response = await t.app.request(path, { headers });
        const body = await response.text();
        for (const secret of secrets) {
          expect({ path, viewer, revealed: body.includes(secret) ? secret : null }).toEqual({ path, viewer, revealed: null });
        }
        // Bob never sees Alice's saved state on a shared paper.
        expect({ path, viewer, saved: body.includes('★ Saved') }).toEqual({ path, viewer, saved: false });
      }
    }
  });

  it('shows Alice her own note and private tag, so the checks above look at pages that would show them', async () => {
    const library = await (await t.app.request('/library', { headers: { cookie: alice.cookie } })).text();
    expect(library).toContain(PRIVATE_NOTE);
    expect(library).toContain(PRIVATE_TAG);
    const publicTag = await t.app.request(`/u/${alice.user.username}/c/${PUBLIC_TAG}`);
    expect(publicTag.status).toBe(200);
    expect(await publicTag.text()).toContain('A shared paper');
    expect((await t.app.request(`/u/${alice.user.username}/c/${PRIVATE_TAG}`)).status).toBe(404);
    const following = await (await t.app.request('/following', { headers: { cookie: alice.cookie } })).text();
    expect(following).toContain(FOLLOWED_AUTHOR);
    expect(following).toContain(FOLLOWED_QUERY);
  });

  it('shows Alice her For you with her reasons and papers, and Bob his own without them', async () => {
    type Item = { paper: { id: string }; reason: { authors: string[] } };
    const page = async (headers: Record<string, string>) => (await t.app.request(`/for-you?date=${DAY}`, { headers })).text();
    const api = async (headers: Record<string, string>) =>
      (await (await t.app.request(`/api/me/recommendations?date=${DAY}`, { headers })).json()) as Item[];
    const mine = await page({ cookie: alice.cookie });
    expect(mine).toContain(`By ${FORYOU_AUTHOR}, an author you follow; close to your paper`);
    expect(mine).toContain(AUTHORED_TITLE);
    const aliceItems = await api({ cookie: alice.cookie });
    expect(aliceItems.map((i) => [i.paper.id, i.reason.authors])).toEqual([[FOLLOWED_PAPER, [FORYOU_AUTHOR]]]);
    const bobs: Record<string, string>[] = [{ cookie: bob.cookie }, { authorization: `Bearer ${bobToken}` }];
    for (const headers of bobs) {
      const items = await api(headers);
      expect(items.map((i) => i.paper.id).sort()).toEqual([PAPER, FOLLOWED_PAPER].sort());
      expect(items.every((i) => i.reason.authors.length === 0)).toBe(true);
    }
    const his = await page({ cookie: bob.cookie });
    expect(his).not.toContain('an author you follow');
    expect(his).not.toContain(AUTHORED_TITLE);
  });
});
