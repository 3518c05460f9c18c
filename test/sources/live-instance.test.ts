import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { findSourceJob } from '../../src/sources/source-jobs.repository.js';
import { testApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/community.js';
import { describeEachStore } from '../helpers/stores.js';
import { closedPortUrl, FakeGitHub, FakeHf, manualClock, recordingLogger, type FakePaper } from './fake-sources.js';
import { resetSources, schedulerFor } from './helpers.js';

const INTERVAL_S = 60;

describeEachStore('a live instance', (get) => {
  let hf: FakeHf;
  let github: FakeGitHub;
  beforeAll(async () => {
    [hf, github] = await Promise.all([FakeHf.start(), FakeGitHub.start()]);
  });
  afterAll(async () => {
    await Promise.all([hf.close(), github.close()]);
  });
  beforeEach(async () => {
    await resetSources(get().store);
    hf.days.clear();
    hf.requests.length = 0;
    hf.interruptions.length = 0;
    github.repos.clear();
    github.requests.length = 0;
    github.remaining = github.limit;
  });

  function liveEnv(): Record<string, string> {
    return {
      PAPERBOY_FEED_SOURCES: 'hf,github',
      PAPERBOY_HF_URL: hf.url,
      PAPERBOY_GITHUB_URL: github.url,
      PAPERBOY_GITHUB_TOKEN: 'ghp_test_token',
      PAPERBOY_SYNC_INTERVAL_SECONDS: String(INTERVAL_S),
      PAPERBOY_DEMO: 'off',
    };
  }

  it('an empty instance shows the current day on / and follows upvote and star changes within one interval', async () => {
    const clock = manualClock('2026-11-29T10:00:00.000Z');
    const { app, config, deps } = await testApp(get(), liveEnv(), { now: clock.now });
    const today: FakePaper[] = [
      {
        id: '2611.20001',
        title: 'Diffusion Policies for Kitchens',
        upvotes: 12,
        comments: 3,
        repo: 'https://github.com/lab/kitchen',
        stars: 40,
      },
      { id: '2611.20002', title: 'Sparse Attention at Scale', upvotes: 30 },
    ];
    hf.days.set('2026-11-29', today);
    hf.days.set('2026-11-28', [{ id: '2611.10001', title: 'Yesterday Paper', upvotes: 5 }]);
    github.repos.set('lab/kitchen', 41);

    const empty = await (await app.request('/')).text();
    expect(empty).not.toContain('Diffusion Policies for Kitchens');

    const scheduler = schedulerFor(config, deps, { now: clock.now });
    await scheduler.tick();
    // GitHub may have run before the mirror committed its first page; the next interval sees the repository.
    clock.advance(INTERVAL_S * 1000);
    await scheduler.tick();

    const page = await (await app.request('/')).text();
    expect(page).toContain('Diffusion Policies for Kitchens');
    expect(page).toContain('Sparse Attention at Scale');
    expect(page).not.toContain('Yesterday Paper');
    expect(hf.requests[0]!.headers['user-agent']).toBe('Paperboy/0.1.0 (+http://paperboy.test)');
    expect(hf.datesAsked().slice(0, 3)).toEqual(['2026-11-29#0', '2026-11-28#0', '2026-11-27#0']);
    const repo = await deps.store.db.selectFrom('code_repos').selectAll().where('paper_id', '=', '2611.20001').executeTakeFirstOrThrow();
    expect(Number(repo.stars)).toBe(41);
    expect(github.requests.at(-1)!.headers.authorization).toBe('Bearer ghp_test_token');

    // Upvotes and stars move; within one interval the page and the scores follow.
    const before = await deps.store.db
      .selectFrom('papers')
      .select('trending_score')
      .where('id', '=', '2611.20001')
      .executeTakeFirstOrThrow();
    today[0]!.upvotes = 97;
    github.repos.set('lab/kitchen', 400);
    clock.advance(INTERVAL_S * 1000);
    await scheduler.tick();
    const entry = await deps.store.db.selectFrom('feed_entries').selectAll().where('paper_id', '=', '2611.20001').executeTakeFirstOrThrow();
    expect(Number(entry.imported_upvotes)).toBe(97);
    const after = await deps.store.db
      .selectFrom('papers')
      .select('trending_score')
      .where('id', '=', '2611.20001')
      .executeTakeFirstOrThrow();
    expect(Number(after.trending_score)).toBeGreaterThan(Number(before.trending_score));
    const history = await deps.store.db.selectFrom('repo_star_counts').select(['stars']).where('paper_id', '=', '2611.20001').execute();
    expect(history.map((h) => Number(h.stars))).toContain(400);
    expect(await (await app.request('/')).text()).toMatch(/data-vote-count="true">97</);

    const status = await findSourceJob(deps.store.db, 'hf');
    expect(status).toMatchObject({ consecutive_failures: 0, last_error: null, lease_owner: null });
    expect(Number(status!.runs)).toBe(3);
    expect(status!.next_run_at).toBe(new Date(clock.now().getTime() + INTERVAL_S * 1000).toISOString());
    await scheduler.stop();
  });

  it('survives a 503 spell: pages keep working, one log line when it starts failing and one when it recovers', async () => {
    const clock = manualClock('2026-11-29T12:00:00.000Z');
    const { app, config, deps } = await testApp(get(), { ...liveEnv(), PAPERBOY_FEED_SOURCES: 'hf' }, { now: clock.now });
    hf.days.set('2026-11-29', [{ id: '2611.30001', title: 'Robust Mirrors', upvotes: 3 }]);
    const { logger, lines } = recordingLogger();
    const scheduler = schedulerFor(config, deps, { now: clock.now, logger, retryBaseMs: 10_000 });

    // A short spell is waited out inside the run (Retry-After: 1 s honoured).
    hf.spell(1, 1);
    await scheduler.tick();
    expect(hf.requests).toHaveLength(4);
    expect(hf.requests[1]!.at - hf.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect((await findSourceJob(deps.store.db, 'hf'))!.consecutive_failures).toBe(0);

    // A long spell: three failed runs, retried with growing delays, logged once.
    hf.spell(9, 0);
    for (let run = 1; run <= 3; run++) {
      clock.advance(INTERVAL_S * 1000);
      await scheduler.tick();
      const row = (await findSourceJob(deps.store.db, 'hf'))!;
      expect(row.consecutive_failures).toBe(run);
      expect(row.last_error).toMatch(/HTTP 503/);
      expect(Date.parse(row.next_run_at) - clock.now().getTime()).toBe(Math.min(INTERVAL_S * 1000, 10_000 * 2 ** (run - 1)));
      expect((await app.request('/')).status).toBe(200);
    }
    expect(lines.filter((l) => l.message === 'source failing')).toHaveLength(1);

    hf.days.set('2026-11-29', [{ id: '2611.30001', title: 'Robust Mirrors', upvotes: 8 }]);
    clock.advance(INTERVAL_S * 1000);
    await scheduler.tick();
    const row = (await findSourceJob(deps.store.db, 'hf'))!;
    expect(row.consecutive_failures).toBe(0);
    expect(row.last_success_at).toBe(clock.now().toISOString());
    expect(lines.filter((l) => l.message === 'source recovered')).toHaveLength(1);
    expect(lines).toHaveLength(2);
    const metrics = deps.metrics.render();
    expect(metrics).toMatch(/paperboy_source_failures_total\{source="hf"\} 3/);
    expect(metrics).toMatch(/paperboy_source_fetches_total\{source="hf"\} \d+/);
    expect(metrics).toMatch(/paperboy_source_papers_upserted_total\{source="hf"\} 2/);
    expect(metrics).toContain(`paperboy_source_last_success_timestamp_seconds{source="hf"} ${clock.now().getTime() / 1000}`);
    await scheduler.stop();
  });

  it('moves to the new day when the clock passes midnight', async () => {
    const clock = manualClock('2026-11-29T23:59:30.000Z');
    const { config, deps } = await testApp(get(), { ...liveEnv(), PAPERBOY_FEED_SOURCES: 'hf' }, { now: clock.now });
    hf.days.set('2026-11-30', [{ id: '2611.40001', title: 'Tomorrow Paper', upvotes: 1 }]);
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    await scheduler.tick();
    expect(hf.datesAsked()).toEqual(['2026-11-29#0', '2026-11-28#0', '2026-11-27#0']);
    hf.requests.length = 0;
    clock.advance(INTERVAL_S * 1000);
    await scheduler.tick();
    expect(hf.datesAsked()).toEqual(['2026-11-30#0', '2026-11-29#0', '2026-11-28#0']);
    const feed = await deps.store.db.selectFrom('feed_entries').select(['day', 'paper_id']).execute();
    expect(feed).toEqual([{ day: '2026-11-30', paper_id: '2611.40001' }]);
    await scheduler.stop();
  });

  it('spaces its requests to one host by PAPERBOY_SOURCE_MIN_INTERVAL_MS', async () => {
    const clock = manualClock('2026-11-29T09:00:00.000Z');
    const { config, deps } = await testApp(get(), { ...liveEnv(), PAPERBOY_FEED_SOURCES: 'hf' }, { now: clock.now });
    const scheduler = schedulerFor(config, deps, { now: clock.now, minIntervalMs: 250 });
    await scheduler.tick();
    expect(hf.requests).toHaveLength(3);
    for (let i = 1; i < hf.requests.length; i++) expect(hf.requests[i]!.at - hf.requests[i - 1]!.at).toBeGreaterThanOrEqual(245);
    expect(await deps.store.db.selectFrom('job_state').select('key').where('key', 'like', 'import:hf-api:%').execute()).toEqual([]);
    await scheduler.stop();
  });

  it('pages through a day until a short page', async () => {
    const clock = manualClock('2026-11-29T09:00:00.000Z');
    const { config, deps } = await testApp(get(), { ...liveEnv(), PAPERBOY_FEED_SOURCES: 'hf' }, { now: clock.now });
    const many = Array.from({ length: 230 }, (_, i) => ({
      id: `2611.${String(50000 + i)}`,
      title: `Paper number ${i}`,
      upvotes: 1000 - i,
    }));
    hf.days.set('2026-11-29', many);
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    await scheduler.tick();
    expect(hf.datesAsked()).toEqual(['2026-11-29#0', '2026-11-29#1', '2026-11-29#2', '2026-11-28#0', '2026-11-27#0']);
    expect(hf.requests.every((r) => r.url.searchParams.get('limit') === '100')).toBe(true);
    const count = await deps.store.db
      .selectFrom('feed_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(230);
    await scheduler.stop();
  });

  it('shows each source on /admin/sources, with a quiet note when nothing was ever reached', async () => {
    const clock = manualClock('2026-11-29T12:00:00.000Z');
    const nowhere = await closedPortUrl();
    const env = { ...liveEnv(), PAPERBOY_HF_URL: nowhere, PAPERBOY_GITHUB_URL: nowhere };
    const { app, config, deps } = await testApp(get(), env, { now: clock.now });
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    await scheduler.tick();
    await scheduler.stop();

    const anonymous = await app.request('/admin/sources');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    const admin = await signedInUser(deps, { admin: true });
    const response = await app.request('/admin/sources', { headers: { cookie: admin.cookie } });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('may have no internet access');
    expect(page).toContain('Hugging Face daily papers');
    expect(page).toContain('GitHub star counts');
    expect(page).toMatch(/Failing/);
    expect(page).toContain('ECONNREFUSED');
    const adminPage = await (await app.request('/admin', { headers: { cookie: admin.cookie } })).text();
    expect(adminPage).toContain('href="/admin/sources"');
  });
});
