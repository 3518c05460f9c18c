import { beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Actor } from '../../src/community/community-deps.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import {
  MAX_AUTHOR_NAME_LENGTH,
  MAX_FOLLOWED_QUERY_LENGTH,
  MAX_FOLLOWS,
  MAX_RATINGS,
  normalizeCategory,
} from '../../src/signals/signal-limits.js';
import { countFollows, followsOf, ratingsOf } from '../../src/signals/signals.repository.js';
import { clearRating, follow, ratePaper, unfollow } from '../../src/signals/signals.service.js';
import { PageCache } from '../../src/cache/page-cache.js';
import type { WriteEvent } from '../../src/write-events.js';
import { testApp } from '../helpers/app.js';
import { paperRecord } from '../helpers/fixtures.js';
import { actorAccount, refusalCode } from '../helpers/community.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = new Date('2025-03-03T12:00:00Z');

describeEachStore('ratings and follows use-cases', { lifetime: 'test' }, (get) => {
  let deps: AppDeps;
  const events: WriteEvent[] = [];
  let accountCounter = 0;
  let paperCounter = 0;

  async function account(options: { banned?: boolean } = {}): Promise<Actor> {
    accountCounter += 1;
    return actorAccount(deps, `rater${accountCounter}`, options);
  }

  async function paper(options: { hidden?: boolean } = {}): Promise<string> {
    paperCounter += 1;
    const id = `2502.${String(40_000 + paperCounter)}`;
    const db = get().store.db;
    await upsertPapers(db, [paperRecord({ id, title: `Paper ${id}` })], NOW.toISOString());
    if (options.hidden) await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', id).execute();
    return id;
  }

  const refusal = refusalCode;

  beforeEach(async () => {
    events.length = 0;
    ({ deps } = await testApp(get(), {}, { now: () => NOW }));
    deps.writes.subscribe((event) => events.push(event));
  });

  it('rates a paper, changes the rating, clears it, and announces each private change', async () => {
    const reader = await account();
    const other = await account();
    const id = await paper();
    expect(await ratePaper(deps, reader, { paperId: id, value: 1 })).toEqual({ created: true });
    expect(await ratePaper(deps, reader, { paperId: id, value: -1 })).toEqual({ created: false });
    expect(await ratingsOf(deps.store.db, reader.id)).toEqual([{ paperId: id, value: -1, ratedAt: NOW.toISOString() }]);
    expect(await ratingsOf(deps.store.db, other.id)).toEqual([]);
    expect(await clearRating(deps, reader, { paperId: id })).toBe(true);
    expect(await clearRating(deps, reader, { paperId: id })).toBe(false);
    expect(await ratingsOf(deps.store.db, reader.id)).toEqual([]);
    expect(events).toEqual([
      { kind: 'rating', userIds: [reader.id] },
      { kind: 'rating', userIds: [reader.id] },
      { kind: 'rating', userIds: [reader.id] },
    ]);
  });

  it('refuses ratings of missing or hidden papers, invalid values, and banned readers', async () => {
    const reader = await account();
    const hidden = await paper({ hidden: true });
    const id = await paper();
    expect(await refusal(ratePaper(deps, reader, { paperId: '2502.99999', value: 1 }))).toBe('not_found');
    expect(await refusal(ratePaper(deps, reader, { paperId: hidden, value: 1 }))).toBe('not_found');
    expect(await refusal(ratePaper(deps, reader, { paperId: id, value: 2 as 1 }))).toBe('invalid');
    const banned = await account({ banned: true });
    expect(await refusal(ratePaper(deps, banned, { paperId: id, value: 1 }))).toBe('forbidden');
    expect(await refusal(follow(deps, banned, { kind: 'author', value: 'Ada Lovelace' }))).toBe('forbidden');
    expect(events).toEqual([]);
  });

  it(`stops at ${MAX_RATINGS} rated papers but still lets a reader change a rating`, async () => {
    const reader = await account();
    const [first, last] = [await paper(), await paper()];
    await ratePaper(deps, reader, { paperId: first, value: 1 });
    // Fill the rest directly: ten thousand use-case calls would only measure the test.
    const papers = Array.from({ length: MAX_RATINGS - 1 }, (_, i) => paperRecord({ id: `2503.${String(10_000 + i)}` }));
    for (let i = 0; i < papers.length; i += 500) await upsertPapers(deps.store.db, papers.slice(i, i + 500), NOW.toISOString());
    for (let i = 0; i < papers.length; i += 500) {
      const rows = papers
        .slice(i, i + 500)
        .map((p) => ({ user_id: reader.id, paper_id: p.id, value: 1, created_at: 'x', updated_at: 'x' }));
      await deps.store.db.insertInto('paper_ratings').values(rows).execute();
    }
    expect(await refusal(ratePaper(deps, reader, { paperId: last, value: 1 }))).toBe('conflict');
    expect(await ratePaper(deps, reader, { paperId: first, value: -1 })).toEqual({ created: false });
    expect((await ratingsOf(deps.store.db, reader.id)).length).toBe(MAX_RATINGS);
  });

  it('follows authors as written, categories in arXiv spelling and saved searches, once each', async () => {
    const reader = await account();
    expect(await follow(deps, reader, { kind: 'author', value: '  Ada   Lovelace ' })).toEqual({ value: 'Ada Lovelace', created: true });
    expect(await follow(deps, reader, { kind: 'author', value: 'Ada Lovelace' })).toEqual({ value: 'Ada Lovelace', created: false });
    expect(await follow(deps, reader, { kind: 'category', value: 'CS.cv' })).toEqual({ value: 'cs.CV', created: true });
    expect(await follow(deps, reader, { kind: 'category', value: 'cond-mat.Stat-Mech' })).toEqual({
      value: 'cond-mat.stat-mech',
      created: true,
    });
    expect(await follow(deps, reader, { kind: 'category', value: 'hep-th' })).toEqual({ value: 'hep-th', created: true });
    const query = 'diffusion "video generation" cat:cs.CV';
    expect(await follow(deps, reader, { kind: 'query', value: query })).toEqual({ value: query, created: true });
    expect((await followsOf(deps.store.db, reader.id)).map((f) => [f.kind, f.value])).toEqual([
      ['author', 'Ada Lovelace'],
      // Followed at the same moment (the clock is fixed), so in order of value.
      ['category', 'cond-mat.stat-mech'],
      ['category', 'cs.CV'],
      ['category', 'hep-th'],
      ['query', query],
    ]);
    // Announced once per new follow; the repeat changed nothing.
    expect(events.filter((e) => e.kind === 'follow')).toHaveLength(5);

    expect(await unfollow(deps, reader, { kind: 'category', value: 'cs.cv' })).toEqual({ value: 'cs.CV', removed: true });
    expect(await unfollow(deps, reader, { kind: 'category', value: 'cs.CV' })).toEqual({ value: 'cs.CV', removed: false });
    expect(await unfollow(deps, reader, { kind: 'category', value: 'not a category' })).toEqual({
      value: 'not a category',
      removed: false,
    });
    expect(await countFollows(deps.store.db, reader.id)).toBe(4);
  });

  it('refuses unusable author names, categories and saved searches', async () => {
    const reader = await account();
    expect(await refusal(follow(deps, reader, { kind: 'author', value: '   ' }))).toBe('invalid');
    expect(await refusal(follow(deps, reader, { kind: 'author', value: 'a'.repeat(MAX_AUTHOR_NAME_LENGTH + 1) }))).toBe('invalid');
    expect(await refusal(follow(deps, reader, { kind: 'author', value: 'Ada\u0000Lovelace' }))).toBe('invalid');
    for (const bad of ['cs CV', 'cs.CV.x', '.cs', 'cs.', 'c$.CV', '', 'x'.repeat(41), '<b>']) {
      expect(await refusal(follow(deps, reader, { kind: 'category', value: bad })), bad).toBe('invalid');
    }
    expect(await refusal(follow(deps, reader, { kind: 'query', value: '' }))).toBe('invalid');
    expect(await refusal(follow(deps, reader, { kind: 'query', value: 'q'.repeat(MAX_FOLLOWED_QUERY_LENGTH + 1) }))).toBe('invalid');
    expect(await refusal(follow(deps, reader, { kind: 'query', value: '2501.12345' }))).toBe('invalid');
    expect(await refusal(follow(deps, reader, { kind: 'query', value: '"" -' }))).toBe('invalid');
    expect(await followsOf(deps.store.db, reader.id)).toEqual([]);
    expect(events).toEqual([]);
    expect(normalizeCategory('astro-ph.ga')).toBe('astro-ph.GA');
    expect(normalizeCategory('physics.Optics')).toBe('physics.optics');
  });

  it(`stops at ${MAX_FOLLOWS} follows`, async () => {
    const reader = await account();
    const rows = Array.from({ length: MAX_FOLLOWS }, (_, i) => ({
      user_id: reader.id,
      kind: 'author',
      value: `Author ${i}`,
      created_at: 'x',
    }));
    await deps.store.db.insertInto('follows').values(rows).execute();
    expect(await refusal(follow(deps, reader, { kind: 'category', value: 'cs.LG' }))).toBe('conflict');
    // Following something already followed is not a new follow.
    expect(await follow(deps, reader, { kind: 'author', value: 'Author 7' })).toEqual({ value: 'Author 7', created: false });
    expect(await countFollows(deps.store.db, reader.id)).toBe(MAX_FOLLOWS);
  });

  it('deletes ratings and follows with the account', async () => {
    const reader = await account();
    const other = await account();
    const id = await paper();
    await ratePaper(deps, reader, { paperId: id, value: 1 });
    await follow(deps, reader, { kind: 'author', value: 'Ada Lovelace' });
    await ratePaper(deps, other, { paperId: id, value: -1 });
    await deps.store.db.deleteFrom('users').where('id', '=', reader.id).execute();
    expect(await ratingsOf(deps.store.db, reader.id)).toEqual([]);
    expect(await followsOf(deps.store.db, reader.id)).toEqual([]);
    expect(await ratingsOf(deps.store.db, other.id)).toHaveLength(1);
  });

  it('leaves the page cache alone: ratings and follows show on no shared page', async () => {
    const cache = new PageCache();
    cache.watch(deps.writes);
    cache.set('/', '<html>');
    const reader = await account();
    await ratePaper(deps, reader, { paperId: await paper(), value: 1 });
    await follow(deps, reader, { kind: 'category', value: 'cs.LG' });
    expect(cache.get('/')).toBe('<html>');
    deps.writes.announce({ kind: 'vote', paperIds: ['x'] });
    expect(cache.get('/')).toBeNull();
  });
});
