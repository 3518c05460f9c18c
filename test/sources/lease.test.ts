import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/database.js';
import { silentLogger } from '../../src/logger.js';
import { projectRoot } from '../../src/project-root.js';
import { buildDeps } from '../../src/runtime.js';
import { findSourceJob } from '../../src/sources/source-jobs.repository.js';
import { testApp, testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { FakeHf, manualClock, type FakePaper } from './fake-sources.js';
import { resetSources, schedulerFor } from './helpers.js';

const NOW = '2026-11-29T10:00:00.000Z';
const LEASE_MS = 60_000;

function papers(prefix: string, count: number): FakePaper[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(3, '0')}`,
    title: `Paper ${prefix} ${i}`,
    upvotes: 500 - i,
  }));
}

async function countRows(store: Store, table: 'feed_entries' | 'papers'): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describeEachStore('source leases', (get) => {
  let hf: FakeHf;
  beforeAll(async () => {
    hf = await FakeHf.start();
  });
  afterAll(async () => {
    await hf.close();
  });
  beforeEach(async () => {
    await resetSources(get().store);
    hf.days.clear();
    hf.requests.length = 0;
    hf.stallOnce = null;
    hf.delayMs = 0;
  });

  const env = () => ({ PAPERBOY_FEED_SOURCES: 'hf', PAPERBOY_HF_URL: hf.url, PAPERBOY_SYNC_INTERVAL_SECONDS: '60', PAPERBOY_DEMO: 'off' });

  it('two instances on one database compete for the lease: exactly one runs the job each interval', async () => {
    hf.days.set('2026-11-29', papers('2611.6', 5));
    hf.delayMs = 30;
    const clock = manualClock(NOW);
    const first = await testApp(get(), env(), { now: clock.now });
    const secondStore = openStore(first.config.database);
    try {
      const secondDeps = await buildDeps(testConfig(get(), env()), secondStore, silentLogger, { now: clock.now });
      const a = schedulerFor(first.config, first.deps, { now: clock.now, owner: 'instance-a' });
      const b = schedulerFor(first.config, secondDeps, { now: clock.now, owner: 'instance-b' });
      for (let round = 1; round <= 3; round++) {
        hf.requests.length = 0;
        await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
        expect(hf.datesAsked()).toEqual(['2026-11-29#0', '2026-11-28#0', '2026-11-27#0']);
        expect(Number((await findSourceJob(get().store.db, 'hf'))!.runs)).toBe(round);
        clock.advance(60_000);
      }
      expect(await countRows(get().store, 'feed_entries')).toBe(5);
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      await secondStore.close();
    }
  });

  it('stopping the server aborts a run in progress and gives its lease back without recording a failure', async () => {
    hf.days.set('2026-11-29', papers('2611.5', 3));
    const clock = manualClock(NOW);
    const { config, deps } = await testApp(get(), env(), { now: clock.now });
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    const arrived = new Promise<void>((resolve) => {
      hf.stallOnce = (url) => url.searchParams.get('date') === '2026-11-28';
      hf.onRequest = (request) => {
        if (request.url.searchParams.get('date') === '2026-11-28') resolve();
      };
    });
    const ticking = scheduler.tick();
    await arrived;
    hf.onRequest = null;
    const started = performance.now();
    await scheduler.stop();
    await ticking;
    expect(performance.now() - started).toBeLessThan(1000);
    const row = (await findSourceJob(get().store.db, 'hf'))!;
    expect(row).toMatchObject({ lease_owner: null, consecutive_failures: 0, last_error: null, next_run_at: NOW });
    expect(JSON.parse(row.state!)).toMatchObject({ dayIndex: 1, page: 0 });
  });

  it('a run killed with SIGKILL is resumed from its checkpoint once its lease expires, without duplicates', async () => {
    hf.days.set('2026-11-29', papers('2611.7', 150));
    hf.days.set('2026-11-28', papers('2611.8', 40));
    hf.days.set('2026-11-27', papers('2611.9', 10));
    const t = get();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'test/sources/scheduler-process.ts')], {
      cwd: projectRoot(),
      env: {
        ...process.env,
        ...env(),
        DATABASE_URL: t.databaseUrl,
        PAPERBOY_DATA_DIR: t.dataDir,
        PAPERBOY_LOG: 'silent',
        PUBLIC_URL: 'http://paperboy.test',
        SOURCES_TEST_NOW: NOW,
        SOURCES_TEST_LEASE_MS: String(LEASE_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    // Today's two pages are committed; the process dies while it waits for yesterday's first page.
    const stalled = new Promise<void>((resolve) => {
      hf.stallOnce = (url) => url.searchParams.get('date') === '2026-11-28';
      hf.onRequest = (request) => {
        if (request.url.searchParams.get('date') === '2026-11-28') resolve();
      };
    });
    await stalled;
    hf.onRequest = null;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(hf.datesAsked()).toEqual(['2026-11-29#0', '2026-11-29#1', '2026-11-28#0']);

    const left = (await findSourceJob(t.store.db, 'hf'))!;
    expect(left.lease_owner).toBe(`child:${child.pid}`);
    expect(JSON.parse(left.state!)).toMatchObject({ dayIndex: 1, page: 0 });
    expect(await countRows(t.store, 'feed_entries')).toBe(150);

    const clock = manualClock(NOW);
    const { config, deps } = await testApp(t, env(), { now: clock.now });
    const scheduler = schedulerFor(config, deps, { now: clock.now });
    hf.requests.length = 0;
    clock.advance(LEASE_MS / 2);
    await scheduler.tick();
    expect(hf.requests).toHaveLength(0);

    clock.set(new Date(Date.parse(NOW) + LEASE_MS + 1).toISOString());
    await scheduler.tick();
    expect(hf.datesAsked()).toEqual(['2026-11-28#0', '2026-11-27#0']);
    const done = (await findSourceJob(t.store.db, 'hf'))!;
    expect(done).toMatchObject({ lease_owner: null, state: null, consecutive_failures: 0 });
    expect(await countRows(t.store, 'feed_entries')).toBe(200);
    expect(await countRows(t.store, 'papers')).toBe(200);
    await scheduler.stop();
  }, 60_000);
});
