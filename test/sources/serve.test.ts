import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { FakeGitHub, FakeHf } from './fake-sources.js';
import { resetSources } from './helpers.js';

describeEachStore('paperboy serve with live sources', (get) => {
  let hf: FakeHf;
  let github: FakeGitHub;
  beforeAll(async () => {
    [hf, github] = await Promise.all([FakeHf.start(), FakeGitHub.start()]);
    await resetSources(get().store);
  });
  afterAll(async () => {
    await Promise.all([hf.close(), github.close()]);
  });

  it("shows today's papers right after start, and PAPERBOY_SCHEDULER=off runs no source", async () => {
    const today = new Date().toISOString().slice(0, 10);
    hf.days.set(today, [{ id: '2611.90001', title: 'Fresh From The Mirror', upvotes: 4, repo: 'https://github.com/lab/fresh', stars: 2 }]);
    github.repos.set('lab/fresh', 3);
    const env = {
      PORT: '0',
      PAPERBOY_DEMO: 'off',
      PAPERBOY_FEED_SOURCES: 'hf,github',
      PAPERBOY_HF_URL: hf.url,
      PAPERBOY_GITHUB_URL: github.url,
      PAPERBOY_SOURCE_MIN_INTERVAL_MS: '0',
    };

    const off = await startServer(testConfig(get(), { ...env, PAPERBOY_SCHEDULER: 'off' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await off.close();
    expect(hf.requests).toHaveLength(0);

    const server = await startServer(testConfig(get(), env));
    try {
      let page = '';
      for (let attempt = 0; attempt < 50 && !page.includes('Fresh From The Mirror'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        page = await (await fetch(`${server.url}/`)).text();
      }
      expect(page).toContain('Fresh From The Mirror');
      expect(hf.requests[0]!.url.searchParams.get('date')).toBe(today);
      // The run ends after the other two days; its counters follow.
      let metrics = '';
      for (let attempt = 0; attempt < 50 && !metrics.includes('paperboy_source_fetches_total{source="hf"}'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        metrics = await (await fetch(`${server.url}/metrics`)).text();
      }
      expect(metrics).toMatch(/paperboy_source_fetches_total\{source="hf"\} 3/);
    } finally {
      await server.close();
    }
  });
});
