import { beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { knownPapers, MAX_PROFILE_PAPERS_PER_KIND, readerSignals } from '../../src/foryou/reader-signals.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { testApp } from '../helpers/app.js';
import { actorAccount } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = '2025-03-12T12:00:00.000Z';
const paperId = (i: number) => `2501.${String(i).padStart(5, '0')}`;

describeEachStore('papers a reader knows', { lifetime: 'test' }, (get) => {
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
    for (let i = 0; i < rows.length; i += 200) await deps.store.db.insertInto('votes').values(rows.slice(i, i + 200)).execute();
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
});
