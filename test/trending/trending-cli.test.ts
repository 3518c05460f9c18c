import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('paperboy trending recompute', (get) => {
  it('recomputes every score from its inputs', async () => {
    const { store, dataDir, databaseUrl } = get();
    await seedCommunity(store);
    await store.db.updateTable('papers').set({ trending_score: 0 }).execute();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['trending', 'recompute', '--json'],
      { out: (t) => out.push(t), err: (t) => err.push(t) },
      {
        PAPERBOY_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        PAPERBOY_LOG: 'silent',
      },
    );
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ papers: 4 });
    const row = await store.db.selectFrom('papers').select('trending_score').where('id', '=', '2501.00001').executeTakeFirstOrThrow();
    // 5 upvotes + 420 new stars / 10 = 47 points, featured 2025-01-06 (371 days = 32,054,400 s after the epoch)
    expect(Number(row.trending_score)).toBeCloseTo(Math.log10(48) + 32_054_400 / 129_600, 9);
  });
});
