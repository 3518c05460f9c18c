import { beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import { forYouDigestFor, planForYouPeriod } from '../../src/digests/foryou-planner.js';
import { periodContaining } from '../../src/feed/period.js';
import { saveToLibrary } from '../../src/library/library.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { follow, ratePaper } from '../../src/signals/signals.service.js';
import { testApp } from '../helpers/app.js';
import { actorAccount } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const WEEK = periodContaining('weekly', '2025-01-08');
const NOW = new Date('2025-01-13T06:00:00.000Z');
const TOPICS = [
  'honeybee colonies pesticides',
  'robot grasping tactile',
  'dark matter halos',
  'language model reasoning',
  'protein folding',
];

describeEachStore('For-you digests scored on a worker thread', { lifetime: 'test' }, (get) => {
  let deps: AppDeps;

  beforeEach(async () => {
    ({ deps } = await testApp(get(), { PAPERBOY_SCHEDULER: 'off' }, { now: () => NOW }));
    const papers = TOPICS.flatMap((topic, t) => [
      // Each topic's profile paper, published before the week, and six papers of the week on it.
      paperRecord({
        id: `2406.0000${t}`,
        title: `Earlier ${topic}`,
        abstract: `A study of ${topic}.`,
        publishedAt: '2024-06-10T10:00:00.000Z',
      }),
      ...Array.from({ length: 6 }, (_, i) =>
        paperRecord({
          id: `2501.${t}${String(i).padStart(4, '0')}`,
          title: `${topic} ${i}`,
          abstract: `New results on ${topic}, variant ${i}, with ${TOPICS[(t + i) % TOPICS.length]}.`,
          authors: [`Author ${t}-${i % 2}`],
          publishedAt: `2025-01-0${6 + (i % 5)}T10:00:00.000Z`,
        }),
      ),
    ]);
    await upsertPapers(deps.store.db, papers, NOW.toISOString());
    for (let r = 0; r < 9; r++) {
      const actor = await actorAccount(deps, `reader${r}`);
      await saveToLibrary(deps, actor, { paperId: `2406.0000${r % TOPICS.length}` });
      if (r % 3 === 0) await saveToLibrary(deps, actor, { paperId: `2406.0000${(r + 2) % TOPICS.length}` });
      if (r % 4 === 1) await ratePaper(deps, actor, { paperId: `2501.${(r + 1) % TOPICS.length}0001`, value: -1 });
      if (r % 2 === 0) await follow(deps, actor, { kind: 'author', value: `Author ${(r + 1) % TOPICS.length}-1` });
      const now = NOW.toISOString();
      await deps.store.db
        .insertInto('subscriptions')
        .values({
          email: `reader${r}@example.org`,
          user_id: actor.id,
          frequency: 'weekly',
          topics: null,
          status: 'confirmed',
          digest_kinds: 'foryou',
          max_papers: 5,
          created_at: now,
          confirmed_at: now,
          updated_at: now,
        })
        .execute();
    }
  });

  it('plans the same digests, reasons included, as scoring every reader on the main thread', async () => {
    // Plans the week afresh and returns what was planned.
    const plan = async (scoringThread: boolean) => {
      await deps.store.db.deleteFrom('digest_outbox').execute();
      const summary = await planForYouPeriod(deps.store, deps, WEEK, {
        now: NOW,
        messageIdHost: 'paperboy.test',
        scoringThread,
        pageSize: 4,
      });
      expect(summary.planned).toBe(9);
      return deps.store.db.selectFrom('digest_outbox').select(['subscription_id', 'content']).orderBy('subscription_id').execute();
    };
    const onMainRows = await plan(false);
    const onThreadRows = await plan(true);
    expect(onThreadRows).toEqual(onMainRows);
    // The readers did not all get the same digest: each was ranked for their own library.
    const firstPapers = new Set(
      onThreadRows.map((row) => (JSON.parse(row.content!) as { recommended: { id: string }[] }).recommended[0]?.id),
    );
    expect(firstPapers.size).toBeGreaterThanOrEqual(TOPICS.length - 1);
    // Planning reads a page of readers' signals at once; one reader's digest, reading its own, is the same.
    const users = await deps.store.db
      .selectFrom('subscriptions')
      .innerJoin('users', 'users.id', 'subscriptions.user_id')
      .select(['subscriptions.id', 'users.id as userId'])
      .orderBy('subscriptions.id')
      .execute();
    for (const [i, user] of users.entries()) {
      const alone = await forYouDigestFor(deps, { id: user.userId, isAdmin: false, banned: false }, WEEK, 5);
      expect(onThreadRows[i]!.subscription_id).toBe(user.id);
      expect(JSON.parse(onThreadRows[i]!.content!)).toEqual(alone);
    }
  });
});
