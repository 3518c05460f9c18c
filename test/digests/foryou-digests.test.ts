import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Actor } from '../../src/community/community-deps.js';
import { updateSubscriptionSettings } from '../../src/digests/subscriptions.service.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { periodContaining } from '../../src/feed/period.js';
import { saveToLibrary } from '../../src/library/library.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { follow, ratePaper } from '../../src/signals/signals.service.js';
import { recomputeTrending } from '../../src/trending/trending.repository.js';
import { testApp } from '../helpers/app.js';
import { actorAccount } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { manualClock } from './fixtures.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const MONDAY = '2025-01-06';
const PERIOD = periodContaining('daily', MONDAY);
const at = (day: string) => `${day}T10:00:00.000Z`;

/** Outside the period: what the reader saves. */
const PROFILE = {
  id: '2406.00001',
  title: 'Honeybee colonies collapse',
  abstract: 'Pesticides weaken honeybee foragers and whole colonies collapse.',
};
/** Published on Monday. */
const MONDAY_PAPERS = [
  {
    id: '2501.00001',
    title: 'Pesticide exposure of <honeybee> foragers',
    abstract: 'Honeybee foragers exposed to pesticides weaken and colonies collapse.',
  },
  { id: '2501.00002', title: 'Tactile robot grasping', abstract: 'Robot hands with tactile sensors grasp fragile objects.' },
  {
    id: '2501.00003',
    title: 'Dark matter halos',
    abstract: 'Rotation curves of spiral galaxies suggest dark matter halos.',
    authors: ['Vera Rubin'],
  },
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `2501.${String(100 + i).padStart(5, '0')}`,
    title: `Survey ${i} of topic${i}`,
    abstract: `Study number ${i} measures quantity${i} in setting${i}.`,
  })),
];

function paperIdsIn(text: string): string[] {
  return [...text.matchAll(/Read: http:\/\/paperboy\.test\/papers\/(\S+)/g)].map((m) => m[1]!);
}

describeEachStore('For-you digests', { lifetime: 'test' }, (get) => {
  let sink: SmtpSink;
  let deps: AppDeps;
  const clock = manualClock('2025-01-06T22:00:00.000Z');

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });
  beforeEach(async () => {
    sink.received.length = 0;
    ({ deps } = await testApp(get(), { SMTP_URL: sink.url, PAPERBOY_DIGEST_RATE: '1000', PAPERBOY_SCHEDULER: 'off' }, { now: clock.now }));
    const db = deps.store.db;
    await upsertPapers(
      db,
      [
        paperRecord({ ...PROFILE, publishedAt: at('2024-06-10') }),
        ...MONDAY_PAPERS.map((p) => paperRecord({ authors: ['Someone Else'], ...p, publishedAt: at(MONDAY) })),
      ],
      clock.now().toISOString(),
    );
    await upsertFeedEntries(
      db,
      [{ day: MONDAY, paperId: '2501.00002', upvotes: 80, comments: 0, source: 'test' }],
      clock.now().toISOString(),
    );
    await recomputeTrending(db, ['2501.00002']);
  });

  /** A signed-up reader whose digest settings are saved through the settings use-case. */
  async function subscriber(name: string, digestKinds: string): Promise<{ actor: Actor; subscriptionId: number }> {
    const actor = await actorAccount(deps, name);
    const email = `${name}@example.org`;
    const now = clock.now().toISOString();
    const row = await deps.store.db
      .insertInto('subscriptions')
      .values({
        email,
        user_id: null,
        frequency: 'daily',
        topics: null,
        status: 'confirmed',
        created_at: now,
        confirmed_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const updated = await updateSubscriptionSettings(
      deps,
      { userId: actor.id, email },
      { frequency: 'daily', maxPapers: '5', digestKinds },
    );
    expect(updated?.digestKinds).toBe(digestKinds);
    return { actor, subscriptionId: row.id };
  }

  async function mailsTo(address: string): Promise<ParsedMail[]> {
    return Promise.all(sink.received.filter((m) => m.to.includes(address)).map((m) => simpleParser(m.raw)));
  }

  it('sends a For-you digest with the reasons and the followed-author section, escaped, with a plain-text part', async () => {
    const { actor, subscriptionId } = await subscriber('bee', 'foryou');
    await saveToLibrary(deps, actor, { paperId: PROFILE.id });
    await follow(deps, actor, { kind: 'author', value: 'vera rubin' });

    const plan = await deps.digests.plan(PERIOD);
    expect(plan.planned).toBe(0); // no trending digest: the reader chose For you only
    expect(plan.forYou).toMatchObject({ subscribers: 1, planned: 1 });
    expect((await deps.digests.send()).sent).toBe(1);

    const [mail, ...more] = await mailsTo('bee@example.org');
    expect(more).toHaveLength(0);
    expect(mail!.messageId).toBe(`<digest.foryou.daily.${MONDAY}.${subscriptionId}@paperboy.test>`);
    expect(mail!.subject).toMatch(/^Daily papers for you/);
    const text = mail!.text!;
    const followedAt = text.indexOf('New papers by authors you follow');
    expect(followedAt).toBeGreaterThan(-1);
    expect(text).toContain('1. Dark matter halos\n   Why: By Vera Rubin, an author you follow.');
    // The closest paper to the library comes first among the recommendations, with the reason saying so.
    const ids = paperIdsIn(text);
    expect(ids[0]).toBe('2501.00003');
    expect(ids[1]).toBe('2501.00001');
    expect(ids).toHaveLength(1 + 5);
    expect(text).toContain(`Why: Close to “${PROFILE.title}” in your library`);
    expect(text).toContain('http://paperboy.test/for-you?date=2025-01-06');
    expect(mail!.html).toContain('New papers by authors you follow');
    expect(mail!.html).toContain('Pesticide exposure of &lt;honeybee&gt; foragers');
    expect(mail!.html).not.toContain('<honeybee>');
    expect(mail!.html).toContain('in your library');

    const again = await deps.digests.plan(PERIOD);
    expect(again.forYou).toMatchObject({ planned: 0, alreadyPlanned: 1 });
    expect((await deps.digests.send()).sent).toBe(0);
  });

  it('"both" gets a trending and a For-you digest, a trending-only reader no For-you digest', async () => {
    await subscriber('both', 'both');
    await subscriber('plain', 'trending');
    const plan = await deps.digests.plan(PERIOD);
    expect(plan.planned).toBe(2);
    expect(plan.forYou).toMatchObject({ subscribers: 1, planned: 1 });
    await deps.digests.send();
    const both = await mailsTo('both@example.org');
    expect(both.map((m) => m.subject!.split(' — ')[0]).sort()).toEqual(['Daily papers for you', 'Daily trending papers']);
    // A reader without signals gets the period's popular papers, said so.
    const forYou = both.find((m) => m.subject!.startsWith('Daily papers for you'))!;
    expect(paperIdsIn(forYou.text!)[0]).toBe('2501.00002');
    expect(forYou.text).toContain('Why: Popular in this period.');
    expect((await mailsTo('plain@example.org')).map((m) => m.subject)).toEqual([expect.stringMatching(/^Daily trending papers/)]);
  });

  it('after a crash between planning and sending, resends exactly the planned content, once', async () => {
    const { actor } = await subscriber('crash', 'foryou');
    await saveToLibrary(deps, actor, { paperId: PROFILE.id });
    await deps.digests.plan(PERIOD);
    const planned = await deps.store.db
      .selectFrom('digest_outbox')
      .select(['id', 'content'])
      .where('kind', '=', 'foryou')
      .executeTakeFirstOrThrow();
    // A worker claimed the digest and died before handing it over.
    await deps.store.db
      .updateTable('digest_outbox')
      .set({ status: 'sending', lease_owner: 'elsewhere:1:gone', lease_expires_at: '2025-01-06T21:00:00.000Z', attempts: 1 })
      .where('id', '=', planned.id)
      .execute();
    // Meanwhile the reader's signals change: a fresh ranking would differ, the planned digest must not.
    await ratePaper(deps, actor, { paperId: '2501.00001', value: -1 });
    await follow(deps, actor, { kind: 'author', value: 'vera rubin' });
    expect((await deps.digests.plan(PERIOD)).forYou).toMatchObject({ planned: 0, alreadyPlanned: 1 });

    const sent = await deps.digests.send();
    expect(sent).toMatchObject({ requeued: 1, sent: 1 });
    expect((await deps.digests.send()).sent).toBe(0);
    const mails = await mailsTo('crash@example.org');
    expect(mails).toHaveLength(1);
    const content = JSON.parse(planned.content!) as { recommended: { id: string; reason: string }[]; followed: unknown[] };
    expect(content.followed).toEqual([]);
    expect(paperIdsIn(mails[0]!.text!)).toEqual(content.recommended.map((r) => r.id));
    expect(paperIdsIn(mails[0]!.text!)[0]).toBe('2501.00001');
    expect(mails[0]!.text).not.toContain('New papers by authors you follow');
  });
});
