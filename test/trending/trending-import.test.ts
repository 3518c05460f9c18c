import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { dailyFileUnit } from '../../src/ingest/hf-daily.js';
import { snapshotFileUnit } from '../../src/ingest/arxiv-snapshot.js';
import { runImport, scoresToRecompute } from '../../src/ingest/import-runner.js';
import { recomputeAllTrending } from '../../src/trending/trending.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/community.js';
import { dailyEntry, paperRecord, snapshotLine } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const EPOCH = 1_704_067_200;
const TENFOLD = 129_600;

describeEachStore('trending inputs, and old-style ids', (get) => {
  it('computes trending scores on import and moves them and moved again when a later import brings new upvotes and stars', async () => {
    const { store, dataDir } = get();
    const file = path.join(dataDir, 'daily.json');
    const score = async () =>
      Number(
        (await store.db.selectFrom('papers').select('trending_score').where('id', '=', '2502.00042').executeTakeFirstOrThrow())
          .trending_score,
      );
    const day = Date.parse('2025-02-03T00:00:00Z') / 1000;

    fs.writeFileSync(file, JSON.stringify([dailyEntry({ id: '2502.00042', day: '2025-02-03', upvotes: 9, paper: { githubStars: 0 } })]));
    await runImport(store, [dailyFileUnit(file)]);
    expect(await score()).toBeCloseTo(Math.log10(10) + (day - EPOCH) / TENFOLD, 9);

    // Two days later the same feed entry has 19 upvotes and the repository 300 stars.
    fs.writeFileSync(
      file,
      JSON.stringify([
        dailyEntry({
          id: '2502.00042',
          day: '2025-02-03',
          upvotes: 19,
          paper: { githubStars: 300, submittedOnDailyAt: '2025-02-03T00:00:00.000Z' },
        }),
      ]),
    );
    await store.db
      .updateTable('code_repos')
      .set({ stars_counted_at: '2025-02-01T00:00:00.000Z' })
      .where('paper_id', '=', '2502.00042')
      .execute();
    await store.db
      .updateTable('repo_star_counts')
      .set({ counted_at: '2025-01-20T00:00:00.000Z' })
      .where('paper_id', '=', '2502.00042')
      .execute();
    await upsertPapers(
      store.db,
      [
        paperRecord({
          id: '2502.00042',
          title: 'A Study of Things',
          codeRepo: { url: 'https://github.com/example/things', stars: 300, countedAt: '2025-02-05T00:00:00.000Z' },
        }),
      ],
      '2025-02-05T00:00:00Z',
    );
    await runImport(store, [dailyFileUnit(file)]);
    // 19 upvotes + (300 − 0 stars counted before the 7-day window) / 10 = 49 points
    expect(await score()).toBeCloseTo(Math.log10(50) + (day - EPOCH) / TENFOLD, 9);
  });

  it('stores for every imported paper the score a full recomputation gives, including those it did not read back', async () => {
    const { store, dataDir } = get();
    const snapshot = path.join(dataDir, 'snapshot.jsonl');
    const daily = path.join(dataDir, 'daily.json');
    // New papers alone (inserted with their arrival score), one already stored (updated), and daily entries with
    // upvotes and star counts (recomputed).
    await upsertPapers(store.db, [paperRecord({ id: '2502.00003', title: 'Stored before' })], '2025-02-01T00:00:00Z');
    fs.writeFileSync(
      snapshot,
      ['2502.00001', '2502.00002', '2502.00003']
        .map((id) => snapshotLine({ id, title: `Paper ${id}`, update_date: '2025-02-02' }))
        .join('\n'),
    );
    fs.writeFileSync(
      daily,
      JSON.stringify([
        dailyEntry({ id: '2502.00010', day: '2025-02-03', upvotes: 12, paper: { githubStars: 40 } }),
        dailyEntry({ id: '2502.00011', day: '2025-02-04', upvotes: 0 }),
      ]),
    );
    await runImport(store, [snapshotFileUnit(snapshot), dailyFileUnit(daily)]);
    // This test's papers only: the file's other tests share the database.
    const ours = ['2502.00001', '2502.00002', '2502.00003', '2502.00010', '2502.00011'];
    const scores = async () =>
      (await store.db.selectFrom('papers').select(['id', 'trending_score']).where('id', 'in', ours).orderBy('id').execute()).map((r) => [
        r.id,
        Number(r.trending_score),
      ]);
    const imported = await scores();
    expect(imported).toHaveLength(5);
    await recomputeAllTrending(store.db);
    expect(await scores()).toEqual(imported);
    expect(scoresToRecompute([paperRecord({ id: 'a' }), paperRecord({ id: 'b' })], [], ['a', 'b'])).toEqual([]);
  });

  it('serves old-style arXiv ids on pages, the API and votes', async () => {
    const { store } = get();
    await upsertPapers(store.db, [paperRecord({ id: 'hep-th/9901001', title: 'Strings, Old Style' })], '2025-01-01T00:00:00Z');
    const { app, deps } = await testApp(get());
    const page = await app.request('/papers/hep-th/9901001');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Strings, Old Style</h1>');
    expect(await (await app.request('/api/papers/hep-th/9901001')).json()).toMatchObject({ id: 'hep-th/9901001', upvotes: 0 });
    const voter = await signedInUser(deps);
    const vote = await app.request('/api/papers/hep-th/9901001/upvote', {
      method: 'POST',
      headers: { cookie: voter.cookie, 'x-csrf-token': voter.csrf },
    });
    expect(await vote.json()).toMatchObject({ upvotes: 1, upvoted: true });
  });
});
