import { beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Actor } from '../../src/community/community-deps.js';
import { votePaper } from '../../src/community/voting.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { weekPeriod } from '../../src/feed/period.js';
import { recommendationsFor, recommendedPapersFor, type Recommendations } from '../../src/foryou/recommendations.js';
import { saveToLibrary } from '../../src/library/library.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { recomputeTrending } from '../../src/trending/trending.repository.js';
import { follow, ratePaper } from '../../src/signals/signals.service.js';
import { testApp } from '../helpers/app.js';
import { actorAccount, refusalCode } from '../helpers/community.js';
import { paperRecord } from '../helpers/fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = new Date('2025-03-12T12:00:00Z');
const WEEK = weekPeriod('2025-W10')!; // 2025-03-03 .. 2025-03-09

/** Papers outside the week: what readers save, rate and write. */
const PROFILE = [
  { id: '2406.00001', title: 'Honeybee colonies collapse', abstract: 'Pesticides weaken honeybee foragers and whole colonies collapse.' },
  { id: '2406.00002', title: 'Robot grasping with touch', abstract: 'Tactile sensors on robot hands guide grasping of fragile objects.' },
  {
    id: '2406.00003',
    title: 'Legged robots on rough terrain',
    abstract: 'A legged robot learns to walk over rough terrain with a learned gait.',
  },
];

/** Papers published in the week (none of them on the feed unless said). */
const WEEK_PAPERS = [
  {
    id: '2503.00001',
    title: 'Pesticide exposure of honeybee foragers',
    abstract: 'Honeybee foragers exposed to pesticides weaken and colonies collapse.',
  },
  { id: '2503.00002', title: 'Tactile robot grasping', abstract: 'Robot hands with tactile sensors grasp fragile objects.' },
  { id: '2503.00003', title: 'Walking robots', abstract: 'Legged robot gait on rough terrain learned from simulation.' },
  {
    id: '2503.00004',
    title: 'Dark matter halos',
    abstract: 'Rotation curves of spiral galaxies suggest dark matter halos.',
    authors: ['Vera Rubin'],
  },
];
const FILLER = Array.from({ length: 30 }, (_, i) => ({
  id: `2503.${String(100 + i).padStart(5, '0')}`,
  title: `Survey ${i} of topic${i}`,
  abstract: `Study number ${i} measures quantity${i} in setting${i}.`,
}));

describeEachStore('For you recommendations', { lifetime: 'test' }, (get) => {
  let deps: AppDeps;
  let counter = 0;

  async function reader(): Promise<Actor> {
    counter += 1;
    return actorAccount(deps, `reader${counter}`);
  }

  async function recommend(actor: Actor, limit = 100): Promise<Recommendations> {
    return recommendationsFor(deps, actor, { period: WEEK, limit });
  }

  const ids = (r: Recommendations) => r.items.map((i) => i.listed.paper.id);

  beforeEach(async () => {
    ({ deps } = await testApp(get(), {}, { now: () => NOW }));
    const db = deps.store.db;
    const at = (day: string) => `${day}T10:00:00.000Z`;
    await upsertPapers(
      db,
      [
        ...PROFILE.map((p) => paperRecord({ ...p, publishedAt: at('2024-06-10') })),
        ...[...WEEK_PAPERS, ...FILLER].map((p, i) =>
          paperRecord({ authors: ['Someone Else'], ...p, publishedAt: at(`2025-03-0${3 + (i % 7)}`) }),
        ),
        // Published long before, featured on the feed during the week.
        paperRecord({
          id: 'hep-th/9901001',
          title: 'Old paper on the feed',
          abstract: 'Featured again this week.',
          publishedAt: at('1999-01-05'),
        }),
        // Published after the week.
        paperRecord({
          id: '2503.09999',
          title: 'Honeybee foragers later',
          abstract: 'Honeybee foragers and pesticides.',
          publishedAt: at('2025-03-20'),
        }),
      ],
      NOW.toISOString(),
    );
    await upsertFeedEntries(
      db,
      [{ day: '2025-03-05', paperId: 'hep-th/9901001', upvotes: 50, comments: 0, source: 'test' }],
      NOW.toISOString(),
    );
    await recomputeTrending(db, ['hep-th/9901001']);
  });

  it('ranks every visible paper published or featured in the period, not only the feed, and nothing outside it', async () => {
    const result = await recommend(await reader());
    expect(new Set(ids(result))).toEqual(new Set([...WEEK_PAPERS, ...FILLER].map((p) => p.id).concat('hep-th/9901001')));
    expect(result.candidates).toBe(WEEK_PAPERS.length + FILLER.length + 1);
    await deps.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2503.00004').execute();
    deps.writes.announce({ kind: 'paper-visibility', paperIds: ['2503.00004'] });
    expect(ids(await recommend(await reader()))).not.toContain('2503.00004');
  });

  it('gives a reader without signals the popular papers of the period, marked as not personalised', async () => {
    const result = await recommend(await reader(), 3);
    expect(result.personalised).toBe(false);
    // The featured paper has upvotes and so the highest trending score (its id sorts last); the rest tie and go by id.
    expect(ids(result)).toEqual(['hep-th/9901001', '2503.00001', '2503.00002']);
    expect(result.items[0]!.reason).toMatchObject({ popular: true, closeTo: null, text: 'Popular in this period.' });
  });

  it('puts the near neighbour of a saved paper first, says why, and leaves the saved paper out', async () => {
    const actor = await reader();
    await saveToLibrary(deps, actor, { paperId: '2406.00001' });
    await saveToLibrary(deps, actor, { paperId: '2503.00003' });
    const result = await recommend(actor);
    expect(result.personalised).toBe(true);
    expect(ids(result)[0]).toBe('2503.00001');
    expect(ids(result)).not.toContain('2503.00003');
    const reason = result.items[0]!.reason;
    expect(reason.closeTo).toMatchObject({ paperId: '2406.00001', title: 'Honeybee colonies collapse', source: 'library' });
    expect(reason.words.length).toBeGreaterThan(0);
    expect(reason.words.every((w) => /honeybee|foragers|pesticides|colonies|collapse/.test(w))).toBe(true);
    expect(reason.text).toMatch(/^Close to “Honeybee colonies collapse” in your library; words that weighed most: /);
  });

  it('gives a digest the same papers and reasons as the page, and leaves out a paper hidden since the period was read', async () => {
    const actor = await reader();
    await saveToLibrary(deps, actor, { paperId: '2406.00001' });
    await follow(deps, actor, { kind: 'author', value: 'Vera Rubin' });
    const page = await recommend(actor, 10);
    const digest = await recommendedPapersFor(deps, actor, { period: WEEK, limit: 10 });
    expect(digest.map((d) => d.id)).toEqual(ids(page));
    expect(digest.map((d) => d.reason)).toEqual(page.items.map((i) => i.reason));
    // Hidden without an announcement (another process): the period's space still lists it, the digest must not.
    await deps.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2503.00001').execute();
    const after = await recommendedPapersFor(deps, actor, { period: WEEK, limit: 10 });
    expect(after.map((d) => d.id)).toEqual(ids(page).filter((id) => id !== '2503.00001'));
  });

  it('ranks with a logistic model per reader when the operator chooses it: the same neighbour first, the same reason', async () => {
    ({ deps } = await testApp(get(), { PAPERBOY_FORYOU_MODEL: 'logistic+nearest' }, { now: () => NOW }));
    const actor = await reader();
    await saveToLibrary(deps, actor, { paperId: '2406.00001' });
    const result = await recommend(actor);
    expect(ids(result)[0]).toBe('2503.00001');
    expect(result.items[0]!.reason.text).toMatch(/^Close to “Honeybee colonies collapse” in your library; words that weighed most: /);
    const space = await deps.forYou.spaces.get({ from: WEEK.from, to: WEEK.to });
    expect((await deps.forYou.models.get(actor.id, space)).model?.method).toBe('logistic+nearest');
  });

  it('pushes papers like a "less like this" rating down', async () => {
    const actor = await reader();
    await ratePaper(deps, actor, { paperId: '2406.00002', value: 1 });
    const before = ids(await recommend(actor));
    await ratePaper(deps, actor, { paperId: '2406.00003', value: -1 });
    const after = ids(await recommend(actor));
    expect(before[0]).toBe('2503.00002');
    expect(after[0]).toBe('2503.00002');
    expect(after.indexOf('2503.00003')).toBeGreaterThan(before.indexOf('2503.00003'));
  });

  it("lifts a followed author's paper next to the saved paper's neighbour, with the follow as its reason", async () => {
    const actor = await reader();
    await saveToLibrary(deps, actor, { paperId: '2406.00001' });
    expect(ids(await recommend(actor)).indexOf('2503.00004')).toBeGreaterThan(1);
    await follow(deps, actor, { kind: 'author', value: 'vera rubin' });
    const result = await recommend(actor);
    expect(ids(result).slice(0, 2)).toEqual(['2503.00001', '2503.00004']);
    expect(result.items[1]!.reason).toMatchObject({ authors: ['Vera Rubin'], closeTo: null, words: [] });
    expect(result.items[1]!.reason.text).toBe('By Vera Rubin, an author you follow.');
    await follow(deps, actor, { kind: 'category', value: 'cs.LG' });
    const withCategory = await recommend(actor);
    expect(withCategory.items[1]!.reason.text).toBe('By Vera Rubin, an author you follow; in cs.LG, which you follow.');
  });

  it('boosts the matches of a saved search and names the search', async () => {
    const actor = await reader();
    await follow(deps, actor, { kind: 'query', value: 'galaxies' });
    const result = await recommend(actor);
    expect(ids(result)[0]).toBe('2503.00004');
    expect(result.items[0]!.reason).toMatchObject({ searches: ['galaxies'] });
    expect(result.items[0]!.reason.text).toBe('Matches your saved search “galaxies”.');
  });

  it('learns from upvotes and leaves upvoted papers out', async () => {
    const actor = await reader();
    await votePaper(deps, actor, { paperId: '2503.00002', action: 'add' });
    const result = await recommend(actor);
    expect(ids(result)).not.toContain('2503.00002');
    expect(ids(result)[0]).toBe('2503.00003');
    expect(result.items[0]!.reason.closeTo).toMatchObject({ paperId: '2503.00002', source: 'upvote' });
  });

  it("retrains a reader's model after their own new signal, and not before nor after another reader's", async () => {
    const actor = await reader();
    const other = await reader();
    await saveToLibrary(deps, actor, { paperId: '2406.00001' });
    const models = deps.forYou.models;
    const start = models.trainings;
    await recommend(actor);
    await recommend(actor);
    expect(models.trainings - start).toBe(1);
    await saveToLibrary(deps, other, { paperId: '2406.00002' });
    await recommend(actor);
    expect(models.trainings - start).toBe(1);
    await ratePaper(deps, actor, { paperId: '2406.00002', value: 1 });
    const after = await recommend(actor);
    expect(models.trainings - start).toBe(2);
    expect(ids(after).slice(0, 2).sort()).toEqual(['2503.00001', '2503.00002']);
    await follow(deps, actor, { kind: 'category', value: 'cs.CV' });
    await recommend(actor);
    expect(models.trainings - start).toBe(3);
    expect(deps.forYou.spaces.builds).toBe(1);
  });

  it('refuses banned readers and limits outside 1–100', async () => {
    const actor = await reader();
    expect(await refusalCode(recommendationsFor(deps, actor, { period: WEEK, limit: 0 }))).toBe('invalid');
    expect(await refusalCode(recommendationsFor(deps, actor, { period: WEEK, limit: 101 }))).toBe('invalid');
    expect(await refusalCode(recommendationsFor(deps, { ...actor, banned: true }, { period: WEEK, limit: 5 }))).toBe('forbidden');
  });
});
