import type { KyselyPlugin } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { silentLogger } from '../../src/logger.js';
import { buildDeps } from '../../src/runtime.js';
import { createApp } from '../../src/web/app.js';
import { testConfig } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

/** Counts executed statements that read the given table. */
function tableReads(table: string) {
  const state = { queries: 0 };
  const reads = new WeakSet<object>();
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes(`"${table}"`)) reads.add(args.queryId);
      return args.node;
    },
    transformResult: (args) => {
      if (reads.has(args.queryId)) state.queries += 1;
      return Promise.resolve(args.result);
    },
  };
  return { state, plugin };
}

describeEachStore('saved state on listings', (get) => {
  const { state, plugin } = tableReads('library_items');
  let app: ReturnType<typeof createApp>;
  let deps: AppDeps;
  let reader: SignedIn;

  beforeAll(async () => {
    await seedCommunity(get().store);
    const store = { ...get().store, db: get().store.db.withPlugin(plugin) };
    deps = await buildDeps(testConfig(get()), store, silentLogger);
    app = createApp(testConfig(get()), deps);
    reader = await signedInUser(deps);
  });

  async function libraryReadsFor(path: string, cookie?: string): Promise<number> {
    state.queries = 0;
    const res = await app.request(path, { headers: cookie ? { cookie } : {} });
    expect(res.status, path).toBe(200);
    await res.text();
    return state.queries;
  }

  it('loads the signed-in reader’s saved papers in one query per page, whatever its size, and none for visitors', async () => {
    expect(await libraryReadsFor('/papers/date/2025-01-07', reader.cookie)).toBe(1); // 1 paper
    expect(await libraryReadsFor('/papers/date/2025-01-06', reader.cookie)).toBe(1); // 2 papers
    expect(await libraryReadsFor('/papers/month/2025-01', reader.cookie)).toBe(1);
    expect(await libraryReadsFor('/trending', reader.cookie)).toBe(1);
    expect(await libraryReadsFor('/papers/month/2025-01')).toBe(0);
  });
});
