import { beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { knownPapers, MAX_PROFILE_PAPERS_PER_KIND, readerSignals, readerSignalsOf } from '../../src/foryou/reader-signals.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { actorAccount } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-12T12:00:00.000Z';
const paperId = (i: number) => `2501.${String(i).padStart(5, '0')}`;

describeEachStore('reader signals and the papers a reader knows', { lifetime: 'test' }, (get) => {
  let deps: AppDeps;

  beforeEach(async () => {
    ({ deps } = await testApp(get(), {}));
    const papers = Array.from({ length: MAX_PROFILE_PAPERS_PER_KIND + 10 }, (_, i) =>
      paperRecord({ id: paperId(i), title: `Paper ${i}`, abstract: `Abstract ${i}.` }),
    );
    await upsertPapers(deps.store.db, papers, NOW);
  });

  async function upvoted(count: number): Promise<number> {
    const actor = await actorAccount(deps, `voter${count}`);
    const rows = Array.from({ length: count }, (_, i) => ({
      user_id: actor.id,
      paper_id: paperId(i),
      // Newest last, so the oldest upvotes are the ones past the signals' limit.
      created_at: new Date(Date.parse(NOW) + i * 1000).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 200)
      await deps.store.db
        .insertInto('votes')
        .values(rows.slice(i, i + 200))
        .execute();
    return actor.id;
  }

  it('takes the known papers from the signals when no list reached its limit', async () => {
    const userId = await upvoted(3);
    const signals = await readerSignals(deps.store.db, userId);
    expect([...(await knownPapers(deps.store.db, userId, signals))].sort()).toEqual([paperId(0), paperId(1), paperId(2)]);
  });

  it('reads every known paper, past the signals’ limit, for a reader with more upvotes than that', async () => {
    const userId = await upvoted(MAX_PROFILE_PAPERS_PER_KIND + 5);
    const signals = await readerSignals(deps.store.db, userId);
    expect(signals.upvoted).toHaveLength(MAX_PROFILE_PAPERS_PER_KIND);
    expect(signals.upvoted).not.toContain(paperId(0));
    const known = await knownPapers(deps.store.db, userId, signals);
    expect(known.size).toBe(MAX_PROFILE_PAPERS_PER_KIND + 5);
    expect(known.has(paperId(0))).toBe(true);
  });

  it("reads many readers' signals at once exactly as it reads each one: same papers, same order, same limits", async () => {
    const db = deps.store.db;
    const heavy = await upvoted(MAX_PROFILE_PAPERS_PER_KIND + 5);
    const readers = [heavy];
    for (let r = 0; r < 3; r++) {
      const actor = await actorAccount(deps, `signals${r}`);
      readers.push(actor.id);
      // Saved at the same instant: the order must still be the same both ways.
      await db
        .insertInto('library_items')
        .values([3, 1, 2].map((i) => ({ user_id: actor.id, paper_id: paperId(i + r), note: '', created_at: NOW, updated_at: NOW })))
        .execute();
      await db
        .insertInto('paper_ratings')
        .values([
          { user_id: actor.id, paper_id: paperId(10 + r), value: 1, created_at: NOW, updated_at: NOW },
          { user_id: actor.id, paper_id: paperId(20 + r), value: -1, created_at: NOW, updated_at: NOW },
        ])
        .execute();
      await db
        .insertInto('authored_papers')
        .values({ user_id: actor.id, paper_id: paperId(30 + r), created_at: NOW })
        .execute();
      await db
        .insertInto('follows')
        .values([
          { user_id: actor.id, kind: 'author', value: `Author ${r}`, created_at: NOW },
          { user_id: actor.id, kind: 'category', value: 'cs.CL', created_at: NOW },
          { user_id: actor.id, kind: 'query', value: `query ${r}`, created_at: NOW },
        ])
        .execute();
    }
    const nobody = (await actorAccount(deps, 'nobody')).id;
    const batch = await readerSignalsOf(db, [...readers, nobody]);
    for (const userId of [...readers, nobody]) expect(batch.get(userId)).toEqual(await readerSignals(db, userId));
    expect(batch.get(heavy)!.upvoted).toHaveLength(MAX_PROFILE_PAPERS_PER_KIND);
    expect(batch.get(readers[1]!)!.saved).toEqual([paperId(1), paperId(2), paperId(3)]);
    expect(batch.get(readers[1]!)!.disliked).toEqual([paperId(20)]);
    expect(batch.get(nobody)!.saved).toEqual([]);
  });
});
