import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config.js';
import { oaiSetSpec } from '../../src/config/sources-config.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';
import { captureIo } from '../ingest-network/replay-server.js';
import { FakeHf } from './fake-sources.js';
import { resetSources } from './helpers.js';

describe('live-source configuration', () => {
  it('defaults to the Hugging Face mirror and GitHub stars, every 15 minutes, arXiv off', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://papers.example.org' });
    expect(config.sources).toEqual({
      feeds: ['hf', 'github'],
      hfUrl: 'https://huggingface.co',
      githubUrl: 'https://api.github.com',
      githubToken: null,
      syncIntervalSeconds: 900,
      arxivSets: [],
      minIntervalMs: 1000,
    });
  });

  it('reads every variable and names the variable when a value is wrong', () => {
    const config = loadConfig({
      PAPERBOY_FEED_SOURCES: ' HF ',
      PAPERBOY_HF_URL: 'http://127.0.0.1:8080/',
      PAPERBOY_SYNC_INTERVAL_SECONDS: '10',
      PAPERBOY_ARXIV_SETS: 'cs.CV, cs.RO,hep-th,astro-ph.CO,math,physics:quant-ph',
    });
    expect(config.sources.feeds).toEqual(['hf']);
    expect(config.sources.hfUrl).toBe('http://127.0.0.1:8080');
    expect(config.sources.syncIntervalSeconds).toBe(10);
    expect(config.sources.arxivSets).toEqual(['cs:cs:CV', 'cs:cs:RO', 'physics:hep-th', 'physics:astro-ph:CO', 'math', 'physics:quant-ph']);
    expect(loadConfig({ PAPERBOY_FEED_SOURCES: 'none' }).sources.feeds).toEqual([]);
    expect(() => loadConfig({ PAPERBOY_FEED_SOURCES: 'hf,twitter' })).toThrow(/PAPERBOY_FEED_SOURCES/);
    expect(() => loadConfig({ PAPERBOY_SYNC_INTERVAL_SECONDS: '9' })).toThrow(/PAPERBOY_SYNC_INTERVAL_SECONDS/);
    expect(() => loadConfig({ PAPERBOY_SYNC_INTERVAL_SECONDS: 'often' })).toThrow(/PAPERBOY_SYNC_INTERVAL_SECONDS/);
    expect(() => loadConfig({ PAPERBOY_HF_URL: 'ftp://example.org' })).toThrow(/PAPERBOY_HF_URL/);
    expect(() => loadConfig({ PAPERBOY_GITHUB_URL: 'not a url' })).toThrow(/PAPERBOY_GITHUB_URL/);
    expect(() => loadConfig({ PAPERBOY_ARXIV_SETS: 'cs.CV,<script>' })).toThrow(/PAPERBOY_ARXIV_SETS/);
    expect(() => loadConfig({ PAPERBOY_SOURCE_MIN_INTERVAL_MS: '-1' })).toThrow(/PAPERBOY_SOURCE_MIN_INTERVAL_MS/);
  });

  it('maps arXiv categories to OAI-PMH sets', () => {
    expect(oaiSetSpec('cs.CV')).toBe('cs:cs:CV');
    expect(oaiSetSpec('cond-mat.mes-hall')).toBe('physics:cond-mat:mes-hall');
    expect(oaiSetSpec('q-bio.NC')).toBe('q-bio:q-bio:NC');
    expect(oaiSetSpec('cs')).toBe('cs');
    expect(oaiSetSpec('cs cv')).toBeNull();
  });
});

describeEachStore('paperboy sync hf and sources status', (get) => {
  let hf: FakeHf;
  beforeAll(async () => {
    hf = await FakeHf.start();
  });
  afterAll(async () => {
    await hf.close();
  });
  beforeEach(async () => {
    await resetSources(get().store);
    hf.requests.length = 0;
  });

  const env = (t: TestStore, hfUrl = hf.url) => ({
    PAPERBOY_DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl,
    PAPERBOY_LOG: 'silent',
    PAPERBOY_DEMO: 'off',
    PAPERBOY_HF_URL: hfUrl,
    PAPERBOY_SOURCE_MIN_INTERVAL_MS: '0',
  });

  it('backfills a range of days through the mirror, with a dry run that writes nothing', async () => {
    hf.days.set('2026-10-01', [{ id: '2610.01001', title: 'October First', upvotes: 3 }]);
    hf.days.set('2026-10-03', [
      { id: '2610.03001', title: 'October Third', upvotes: 9, repo: 'https://github.com/lab/third', stars: 12 },
      { id: '2610.03002', title: 'October Third Again', upvotes: 1, comments: 4 },
    ]);

    const dry = captureIo();
    expect(await runCli(['sync', 'hf', '--from', '2026-10-01', '--to', '2026-10-03', '--dry-run'], dry.io, env(get()))).toBe(0);
    expect(dry.stdout()).toMatch(/Dry run: read 3/);
    expect(await get().store.db.selectFrom('papers').select('id').execute()).toEqual([]);

    hf.requests.length = 0;
    const cli = captureIo();
    expect(await runCli(['sync', 'hf', '--from', '2026-10-01', '--to', '2026-10-03', '--json'], cli.io, env(get()))).toBe(0);
    expect(hf.datesAsked()).toEqual(['2026-10-01#0', '2026-10-02#0', '2026-10-03#0']);
    expect(cli.stderr()).toContain('2026-10-03: 2 papers');
    expect(JSON.parse(cli.stdout())).toMatchObject({ read: 3, inserted: 3, feedEntries: 3, pages: 3 });
    const feed = await get()
      .store.db.selectFrom('feed_entries')
      .select(['day', 'paper_id', 'imported_upvotes', 'imported_comments'])
      .orderBy('paper_id')
      .execute();
    expect(feed.map((f) => [f.day, f.paper_id, Number(f.imported_upvotes), Number(f.imported_comments)])).toEqual([
      ['2026-10-01', '2610.01001', 3, 0],
      ['2026-10-03', '2610.03001', 9, 0],
      ['2026-10-03', '2610.03002', 1, 4],
    ]);

    // The same range again only updates.
    const again = captureIo();
    expect(await runCli(['sync', 'hf', '--from', '2026-10-01', '--to', '2026-10-03', '--json'], again.io, env(get()))).toBe(0);
    expect(JSON.parse(again.stdout())).toMatchObject({ inserted: 0, updated: 3 });
  });

  it('answers usage errors with 2 and a failing source with 1', async () => {
    const bad = captureIo();
    expect(await runCli(['sync', 'hf', '--from', '2026-10-03', '--to', '2026-10-01'], bad.io, env(get()))).toBe(2);
    expect(await runCli(['sync', 'hf', '--from', '2026-02-30', '--to', '2026-03-01'], bad.io, env(get()))).toBe(2);
    expect(await runCli(['sync', 'hf', '--to', '2026-03-01'], bad.io, env(get()))).toBe(2);
    const down = captureIo();
    expect(await runCli(['sync', 'hf', '--from', '2026-10-01', '--to', '2026-10-01'], down.io, env(get(), `${hf.url}/nothing-here`))).toBe(
      1,
    );
    expect(down.stderr()).toMatch(
      /paperboy sync hf failed: GET .*\/nothing-here\/api\/daily_papers\?date=2026-10-01&p=0&limit=100 failed: HTTP 404/,
    );
  });

  it('sources status lists the configured sources and their state', async () => {
    const text = captureIo();
    expect(await runCli(['sources', 'status'], text.io, { ...env(get()), PAPERBOY_FEED_SOURCES: 'hf', PAPERBOY_ARXIV_SETS: 'cs.RO' })).toBe(
      0,
    );
    expect(text.stdout()).toMatch(/^hf: waiting — Hugging Face daily papers/m);
    expect(text.stdout()).toMatch(/^arxiv: waiting — arXiv OAI-PMH sets cs:cs:RO .* daily at 03:00 UTC/m);
    expect(text.stdout()).toContain('last success: never');

    const json = captureIo();
    expect(await runCli(['sources', 'status', '--json'], json.io, { ...env(get()), PAPERBOY_FEED_SOURCES: 'none' })).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual({ schedulerOn: true, offline: false, sources: [] });
  });
});
