import type { KyselyPlugin } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { buildDeps } from '../../src/runtime.js';
import { createApp } from '../../src/web/app.js';
import { testConfig } from '../helpers/app.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

/** Counts the feed queries the app sends, to show listings do not issue one query per paper. */
function counter() {
  const state = { queries: 0 };
  // transformQuery also sees subqueries; transformResult runs once per executed statement, keyed by its query id.
  const feedReads = new WeakSet<object>();
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      // Only reads of the feed: the search service's background work writes its own tables meanwhile.
      if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes('"feed_entries"')) feedReads.add(args.queryId);
      return args.node;
    },
    transformResult: (args) => {
      if (feedReads.has(args.queryId)) state.queries += 1;
      return Promise.resolve(args.result);
    },
  };
  return { state, plugin };
}

describeEachStore('queries per listing', (get) => {
  const { state, plugin } = counter();
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    await seedCommunity(get().store);
    const store = { ...get().store, db: get().store.db.withPlugin(plugin) };
    const deps = await buildDeps(testConfig(get()), store, silentLogger);
    await deps.search.whenReady();
    app = createApp(testConfig(get()), deps);
  });

  async function queriesFor(path: string): Promise<number> {
    state.queries = 0;
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    await res.text();
    return state.queries;
  }

  it('loads a page of papers in a constant number of queries, whatever its size', async () => {
    const oneDay = await queriesFor('/papers/date/2025-01-07'); // 1 paper
    const twoDay = await queriesFor('/papers/date/2025-01-06'); // 2 papers
    expect(twoDay).toBe(oneDay);
    expect(await queriesFor('/papers/month/2025-01')).toBe(await queriesFor('/papers/month/2024-12'));
  });

  it('builds each RSS/Atom feed from one listing query', async () => {
    // Whatever every request costs (sessions, metrics), measured on a route that reads nothing itself.
    const base = await queriesFor('/api/openapi.json');
    expect(await queriesFor('/feeds/trending.xml')).toBe(base + 1);
    expect(await queriesFor('/feeds/trending.atom')).toBe(base + 1);
    // the latest day, then its listing
    expect(await queriesFor('/feeds/daily.xml')).toBe(base + 2);
  });

  it('answers /api/daily_papers for a given week in one query', async () => {
    const base = await queriesFor('/api/openapi.json');
    expect(await queriesFor('/api/daily_papers?week=2025-W02&sort=trending')).toBe(base + 1);
  });
});
