import { beforeAll, expect, it } from 'vitest';
import { saveToLibrary, setTagVisibility } from '../../src/library/library.service.js';
import { rebuildMap } from '../../src/map/map-rebuild.js';
import { readLayout } from '../../src/map/map.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { MAP_EMBEDDER, seedMapCorpus, topicPaperId } from '../helpers/map-corpus.js';
import { describeEachStore } from '../helpers/stores.js';

interface PointsBody {
  version: string;
  zoom: number;
  complete: boolean;
  count: number;
  ids: string[];
  xy: number[];
}

describeEachStore('the map before it is built', { lifetime: 'test' }, (get) => {
  it('says how to build it, on the page and in the API', async () => {
    const { app } = await testApp(get());
    const page = await app.request('/map');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('The map has not been built yet; run <code>paperboy map rebuild</code>.');
    for (const path of ['/api/map', '/api/map/points?bbox=0,0,1,1&zoom=0']) {
      const response = await app.request(path);
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({
        error: { code: 'conflict', message: 'The map has not been built yet; run paperboy map rebuild.' },
      });
    }
  });
});

describeEachStore('the map API and page', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let ids: string[];
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await testApp(get());
    ids = await seedMapCorpus(get().store, 20);
    await rebuildMap(get().store, { embedder: MAP_EMBEDDER, seed: 1, epochs: 60 });
    alice = await signedInUser(t.deps);
    bob = await signedInUser(t.deps);
    await saveToLibrary(t.deps, alice.user, { paperId: topicPaperId(1, 0), tags: ['privatething', 'sharedthing'], note: '' });
    await saveToLibrary(t.deps, alice.user, { paperId: topicPaperId(1, 1), tags: ['privatething'], note: '' });
    await setTagVisibility(t.deps, alice.user, { tag: 'sharedthing', public: true });
  });

  async function points(query: string, headers: Record<string, string> = {}) {
    const response = await t.app.request(`/api/map/points?${query}`, { headers });
    return { response, body: (await response.json()) as PointsBody };
  }

  it('returns every paper of the whole square once the zoom is at full detail, with a version ETag', async () => {
    const { response, body } = await points('bbox=0,0,1,1&zoom=0');
    expect(response.status).toBe(200);
    const layout = (await readLayout(get().store.db))!;
    expect(body.version).toBe(`${layout.version}.${layout.revision}`);
    expect(body).toMatchObject({ zoom: 0, complete: true, count: ids.length });
    expect([...body.ids].sort()).toEqual([...ids].sort());
    expect(body.xy).toHaveLength(2 * ids.length);
    for (const v of body.xy) expect(v >= 0 && v <= 1).toBe(true);
    const etag = response.headers.get('etag');
    expect(etag).toContain(layout.version);
    const again = await t.app.request('/api/map/points?bbox=0,0,1,1&zoom=0', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('returns only the papers inside the box, and splits the square into tiles without losing or repeating any', async () => {
    const whole = (await points('bbox=0,0,1,1&zoom=2')).body;
    expect(whole.count).toBe(ids.length);
    const seen: string[] = [];
    const halves = [
      [0, 0.5],
      [0.5, 1],
    ] as const;
    for (const [x0, x1] of halves) {
      for (const [y0, y1] of halves) {
        const { body } = await points(`bbox=${x0},${y0},${x1},${y1}&zoom=1`);
        body.ids.forEach((id, i) => {
          const [x, y] = [body.xy[2 * i]!, body.xy[2 * i + 1]!];
          expect(x >= x0 && x <= x1 && y >= y0 && y <= y1).toBe(true);
          seen.push(id);
        });
      }
    }
    expect(seen.sort()).toEqual([...whole.ids].sort());
  });

  it('refuses malformed boxes and zooms, and boxes covering too many tiles', async () => {
    for (const [query, message] of [
      ['zoom=1', 'bbox'],
      ['bbox=0,0,1&zoom=1', 'bbox must be four numbers'],
      ['bbox=0,0,1,x&zoom=1', 'bbox must be four numbers'],
      ['bbox=0.5,0,0.2,1&zoom=1', 'x0 < x1'],
      ['bbox=2,2,3,3&zoom=1', 'overlap'],
      ['bbox=0,0,1,1&zoom=16', 'zoom must be an integer between 0 and 15'],
      ['bbox=0,0,1,1&zoom=-1', 'zoom must be an integer'],
      ['bbox=0,0,1,1&zoom=1.5', 'zoom must be an integer'],
      ['bbox=0,0,1,1&zoom=3', 'at most 16'],
    ] as const) {
      const response = await t.app.request(`/api/map/points?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain(message);
    }
  });

  it('describes the layout and its labels', async () => {
    const response = await t.app.request('/api/map');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { papers: number; embedder: string; labels: { level: number; words: string }[] };
    expect(body).toMatchObject({ papers: ids.length, embedder: MAP_EMBEDDER });
    expect(body.labels.length).toBeGreaterThan(0);
  });

  it('lights up a search on the page', async () => {
    const html = await (await t.app.request('/map?q=treebank')).text();
    expect(html).toMatch(/papers of the search “treebank” lit up/);
    expect(html).toContain(`href="/papers/${topicPaperId(2, 0)}"`);
    expect(html).not.toContain(`href="/papers/${topicPaperId(0, 0)}"`);
  });

  it('lights up the reader’s own tag, someone’s public tag, and never someone’s private tag', async () => {
    const own = await (await t.app.request('/map?tag=privatething', { headers: { cookie: alice.cookie } })).text();
    expect(own).toMatch(/2 papers of the tag “privatething” lit up/);
    const shared = await (await t.app.request(`/map?tag=${alice.user.username}/sharedthing`)).text();
    expect(shared).toMatch(/1 paper of the tag/);
    for (const headers of [{}, { cookie: bob.cookie }] as Record<string, string>[]) {
      const other = await (await t.app.request(`/map?tag=${alice.user.username}/privatething`, { headers })).text();
      expect(other).not.toContain('lit up');
      expect(other).toContain('No tag');
    }
    const anonymousOwn = await (await t.app.request('/map?tag=privatething')).text();
    expect(anonymousOwn).toContain('Log in to show one of your tags');
  });

  it('shows a small map of its neighbourhood on a paper page', async () => {
    const html = await (await t.app.request(`/papers/${topicPaperId(0, 3)}`)).text();
    expect(html).toContain('<svg');
    expect(html).toMatch(/class="map-neighbourhood"/);
    expect(html).toContain(`href="/papers/${topicPaperId(0, 4)}"`);
  });
});
