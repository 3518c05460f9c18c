import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { PoliteHttpClient } from '../../src/ingest/polite-http.js';
import { githubRepoOf } from '../../src/sources/github-stars.js';
import { syncHfDays } from '../../src/sources/hf-daily-sync.js';
import { findSourceJob } from '../../src/sources/source-jobs.repository.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';
import { FakeGitHub, FakeHf, manualClock } from './fake-sources.js';
import { resetSources, schedulerFor } from './helpers.js';

const TODAY = '2026-11-29';
const LONG_AGO = '2026-10-20';

async function starHistory(t: TestStore, paperId: string): Promise<number[]> {
  const rows = await t.store.db
    .selectFrom('repo_star_counts')
    .select('stars')
    .where('paper_id', '=', paperId)
    .orderBy('counted_at')
    .execute();
  return rows.map((r) => Number(r.stars));
}

describeEachStore('GitHub star counts', (get) => {
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
    github.repos.clear();
    github.requests.length = 0;
    github.remaining = github.limit;
    hf.days.set(TODAY, [
      { id: '2611.00001', title: 'First', upvotes: 9, repo: 'https://github.com/lab/alpha', stars: 10 },
      { id: '2611.00002', title: 'Same repository, other spelling', upvotes: 8, repo: 'https://github.com/Lab/Alpha.git', stars: 10 },
      { id: '2611.00003', title: 'Second', upvotes: 7, repo: 'https://github.com/lab/beta', stars: 5 },
      { id: '2611.00004', title: 'Deleted repository', upvotes: 6, repo: 'https://github.com/lab/gone', stars: 1 },
      { id: '2611.00005', title: 'Not on GitHub', upvotes: 5, repo: 'https://gitlab.com/lab/other', stars: 3 },
    ]);
    hf.days.set(LONG_AGO, [{ id: '2610.00001', title: 'Featured long ago', upvotes: 4, repo: 'https://github.com/lab/old', stars: 2 }]);
    // The papers arrive as the Hugging Face mirror stores them.
    await syncHfDays({ store: get().store, client: new PoliteHttpClient({ minIntervalMs: 0 }), baseUrl: hf.url, days: [TODAY, LONG_AGO] });
    github.repos.set('lab/alpha', 25).set('lab/beta', 5).set('lab/old', 99);
  });

  const env = () => ({
    PAPERBOY_FEED_SOURCES: 'github',
    PAPERBOY_GITHUB_URL: github.url,
    PAPERBOY_SYNC_INTERVAL_SECONDS: '600',
    PAPERBOY_DEMO: 'off',
  });

  it('reads GitHub repository URLs', () => {
    expect(githubRepoOf('https://github.com/lab/alpha/tree/main')).toEqual({ owner: 'lab', name: 'alpha' });
    expect(githubRepoOf('https://github.com/Lab/Alpha.git')).toEqual({ owner: 'Lab', name: 'Alpha' });
    expect(githubRepoOf('https://gitlab.com/lab/alpha')).toBeNull();
    expect(githubRepoOf('https://github.com/lab')).toBeNull();
  });

  it('refreshes repositories of papers featured in the last 30 days with conditional requests', async () => {
    const clock = manualClock(`${TODAY}T12:00:00.000Z`);
    const { config, deps } = await testApp(get(), env(), { now: clock.now });
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    const scoreOf = async (id: string) =>
      Number(
        (await deps.store.db.selectFrom('papers').select('trending_score').where('id', '=', id).executeTakeFirstOrThrow()).trending_score,
      );
    const alphaBefore = await scoreOf('2611.00001');

    await scheduler.tick();
    expect(github.requests.map((r) => r.url.pathname)).toEqual(['/repos/lab/alpha', '/repos/lab/beta', '/repos/lab/gone']);
    expect(github.requests.every((r) => r.headers['if-none-match'] === undefined)).toBe(true);
    expect(github.requests[0]!.headers.accept).toBe('application/vnd.github+json');
    expect(github.requests[0]!.headers.authorization).toBeUndefined();
    // Both papers linking lab/alpha get the new count; beta is unchanged (5), so its history stays as imported.
    expect(await starHistory(get(), '2611.00001')).toEqual([10, 25]);
    expect(await starHistory(get(), '2611.00002')).toEqual([10, 25]);
    expect(await starHistory(get(), '2611.00003')).toEqual([5]);
    expect(await starHistory(get(), '2610.00001')).toEqual([2]);
    expect(await scoreOf('2611.00001')).toBeGreaterThan(alphaBefore);

    github.requests.length = 0;
    const remaining = github.remaining;
    clock.advance(600_000);
    await scheduler.tick();
    expect(github.requests.map((r) => r.headers['if-none-match'] ?? null)).toEqual(['W/"lab/alpha-25"', 'W/"lab/beta-5"', null]);
    // Two 304s cost nothing; the 404 did.
    expect(github.remaining).toBe(remaining - 1);
    expect(await starHistory(get(), '2611.00001')).toEqual([10, 25]);

    github.repos.set('lab/beta', 80);
    clock.advance(600_000);
    const betaBefore = await scoreOf('2611.00003');
    await scheduler.tick();
    expect(await starHistory(get(), '2611.00003')).toEqual([5, 80]);
    expect(await scoreOf('2611.00003')).toBeGreaterThan(betaBefore);
    const repo = await deps.store.db.selectFrom('code_repos').selectAll().where('paper_id', '=', '2611.00003').executeTakeFirstOrThrow();
    expect(repo).toMatchObject({ stars: 80, stars_counted_at: clock.now().toISOString() });
    await scheduler.stop();
  });

  it('stops before the rate limit runs out, until it resets, then goes on where it stopped', async () => {
    const clock = manualClock(`${TODAY}T12:00:00.000Z`);
    const { config, deps } = await testApp(get(), { ...env(), PAPERBOY_GITHUB_TOKEN: 'secret-token' }, { now: clock.now });
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    github.remaining = 6;
    github.reset = Math.floor(clock.now().getTime() / 1000) + 1800;

    await scheduler.tick();
    expect(github.requests.map((r) => r.url.pathname)).toEqual(['/repos/lab/alpha']);
    expect(github.requests[0]!.headers.authorization).toBe('Bearer secret-token');
    let row = (await findSourceJob(deps.store.db, 'github'))!;
    expect(row.next_run_at).toBe(new Date(github.reset * 1000).toISOString());
    expect(JSON.parse(row.state!)).toEqual({ after: 'lab/alpha' });
    expect(row.consecutive_failures).toBe(0);

    clock.advance(600_000);
    await scheduler.tick();
    expect(github.requests).toHaveLength(1);

    github.remaining = 60;
    clock.set(new Date(github.reset * 1000 + 1000).toISOString());
    await scheduler.tick();
    expect(github.requests.slice(1).map((r) => r.url.pathname)).toEqual(['/repos/lab/beta', '/repos/lab/gone']);
    row = (await findSourceJob(deps.store.db, 'github'))!;
    expect(row.state).toBeNull();

    // A 403 with the budget spent (another client used it up) pauses too, without counting as a failure.
    github.remaining = 0;
    clock.advance(600_000);
    github.reset = Math.floor(clock.now().getTime() / 1000) + 900;
    await scheduler.tick();
    row = (await findSourceJob(deps.store.db, 'github'))!;
    expect(row.consecutive_failures).toBe(0);
    expect(row.next_run_at).toBe(new Date(github.reset * 1000).toISOString());
    await scheduler.stop();
  });
});
