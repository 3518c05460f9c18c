import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readHarvestState } from '../../src/ingest/harvest-runner.js';
import { countPapers, findPaper } from '../../src/papers/papers.repository.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';
import { captureIo, ReplayServer, xmlReply } from './replay-server.js';

const INTERVAL_MS = 150;

function cliEnv(t: TestStore, server: ReplayServer, intervalMs = INTERVAL_MS): Record<string, string> {
  return {
    PAPERBOY_DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl,
    PAPERBOY_LOG: 'silent',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_OAI_ENDPOINT: `${server.baseUrl}/oai`,
    PAPERBOY_ARXIV_MIN_INTERVAL_MS: String(intervalMs),
  };
}

async function paperIds(t: TestStore): Promise<string[]> {
  const rows = await t.store.db.selectFrom('papers').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** A complete harvest of set cs (both recorded pages), as a test's starting point: it leaves lastDatestamp 2025-01-08. */
async function harvestBothPages(t: TestStore, server: ReplayServer, intervalMs = INTERVAL_MS): Promise<void> {
  server.reset();
  server.script(xmlReply('oai/list-records-cs-page1.xml'), xmlReply('oai/list-records-cs-page2.xml'));
  const cli = captureIo();
  expect(await runCli(['harvest', 'arxiv', '--set', 'cs'], cli.io, cliEnv(t, server, intervalMs)), cli.stderr()).toBe(3);
  server.reset();
}

/** A harvest of set cs from 2025-01-01 that stores page 1 and then fails on page 2, leaving its resumption token. */
async function harvestFailingOnPage2(t: TestStore, server: ReplayServer, intervalMs: number): Promise<void> {
  server.reset();
  server.script(xmlReply('oai/list-records-cs-page1.xml'), ...Array.from({ length: 6 }, () => ({ status: 500 })));
  const cli = captureIo();
  expect(await runCli(['harvest', 'arxiv', '--set', 'cs', '--from', '2025-01-01'], cli.io, cliEnv(t, server, intervalMs))).toBe(1);
  server.reset();
}

const PAGE1_IDS = ['2501.00101', '2501.00102', 'cs/0112017'];
const ALL_IDS = ['2501.00101', '2501.00102', '2501.00104', 'cs/0112017'];

describeEachStore('harvest arxiv over OAI-PMH', { lifetime: 'test' }, (get) => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await ReplayServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('follows the resumption token, waits out a 503 Retry-After and stores every record once', async () => {
    server.reset();
    server.script(
      xmlReply('oai/list-records-cs-page1.xml'),
      { status: 503, headers: { 'retry-after': '1' }, body: 'Retry after 1 seconds' },
      xmlReply('oai/list-records-cs-page2.xml'),
    );
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'cs'], cli.io, cliEnv(get(), server));

    // Two skipped records (one deleted, one malformed) make it "finished with skips".
    expect(code, cli.stderr()).toBe(3);
    expect(server.pendingReplies).toBe(0);
    const [first, throttled, retried] = server.requests;
    expect(server.requests).toHaveLength(3);
    expect(Object.fromEntries(first!.url.searchParams)).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs' });
    expect(first!.url.pathname).toBe('/oai');
    expect(Object.fromEntries(throttled!.url.searchParams)).toEqual({ verb: 'ListRecords', resumptionToken: '6960524|1001' });
    expect(retried!.url.search).toBe(throttled!.url.search);
    expect(first!.userAgent).toMatch(/^Paperboy\//);

    // Server-side arrival times: the retry came no sooner than Retry-After, every request after the interval.
    const gaps = server.gaps();
    expect(gaps[1]).toBeGreaterThanOrEqual(1000);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS);
    // One request at a time.
    expect(server.maxConcurrent).toBe(1);

    expect(await paperIds(get())).toEqual(ALL_IDS);
    const paper = await findPaper(get().store.db, '2501.00101');
    expect(paper).toMatchObject({
      id: '2501.00101',
      title: 'Sparse Mixture-of-Experts for Long-Context Retrieval & Ranking',
      authors: ['Ada Lovelace', 'Charles Babbage Jr', 'Grace M. Hopper'],
      categories: ['cs.LG', 'cs.IR', 'stat.ML'],
      primaryCategory: 'cs.LG',
      publishedAt: '2024-12-30T00:00:00.000Z',
      updatedAt: '2025-01-05T00:00:00.000Z',
      comments: '14 pages, 6 figures; v2: fixed typos in Section 3',
      journalRef: 'Trans. Mach. Learn. Res. 2025',
      doi: '10.48550/tmlr.2025.0101',
      license: 'http://creativecommons.org/licenses/by/4.0/',
    });
    expect(paper!.abstract).toBe(
      'We study sparse mixture-of-experts models for retrieval over very long contexts. Routing tokens to a small set of ' +
        'experts keeps inference cost flat while recall improves by 12% on CaféBench.',
    );
    expect(await findPaper(get().store.db, '2501.00102')).toMatchObject({
      authors: ['The ATLAS Collaboration'],
      updatedAt: '2025-01-02T00:00:00.000Z',
      comments: null,
    });
    expect(await findPaper(get().store.db, '2501.00105')).toBeNull();
    expect(await findPaper(get().store.db, '2501.00106')).toBeNull();

    expect(cli.stdout()).toContain('read 6, inserted 4, updated 0, skipped 2');
    expect(cli.stdout()).toContain('skipped 1 × deleted record');
    expect(cli.stdout()).toContain('oai:arXiv.org:2501.00106: 2501.00106: missing title');
    expect(cli.stdout()).toContain('next run continues from 2025-01-08');
    expect(cli.stderr()).toMatch(/HTTP 503 Service Unavailable; retry 1 of 5 in 1\.0s \(as the server's Retry-After asks\)/);
    expect(cli.stderr()).toMatch(/page 2: 6 records, .*100\.0%/);

    const state = await readHarvestState(get().store.db, 'cs');
    expect(state).toEqual({ lastDatestamp: '2025-01-08', inFlight: null });
  });

  it('continues from the last datestamp on the next run, and treats noRecordsMatch as nothing new', async () => {
    await harvestBothPages(get(), server);
    server.script(xmlReply('oai/no-records-match.xml'));
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'cs', '--json'], cli.io, cliEnv(get(), server));

    expect(code, cli.stderr()).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(Object.fromEntries(server.requests[0]!.url.searchParams)).toEqual({
      verb: 'ListRecords',
      metadataPrefix: 'arXiv',
      set: 'cs',
      from: '2025-01-08',
    });
    const summary = JSON.parse(cli.stdout()) as Record<string, unknown>;
    expect(summary).toMatchObject({ read: 0, inserted: 0, updated: 0, skipped: 0, pages: 1, from: '2025-01-08', nextFrom: '2025-01-08' });
    expect(await countPapers(get().store.db)).toBe(4);
  });

  it('re-harvesting the same records updates them instead of duplicating them', async () => {
    await harvestBothPages(get(), server);
    server.script(xmlReply('oai/list-records-cs-page1.xml'), xmlReply('oai/list-records-cs-page2.xml'));
    const cli = captureIo();
    const code = await runCli(
      ['harvest', 'arxiv', '--set', 'cs', '--from', '2025-01-01', '--until', '2025-01-09'],
      cli.io,
      cliEnv(get(), server),
    );

    expect(code, cli.stderr()).toBe(3);
    expect(Object.fromEntries(server.requests[0]!.url.searchParams)).toMatchObject({ from: '2025-01-01', until: '2025-01-09' });
    expect(cli.stdout()).toContain('read 6, inserted 0, updated 4, skipped 2');
    expect(await paperIds(get())).toEqual(ALL_IDS);
  });

  it('--dry-run fetches and counts but writes neither papers nor harvest state', async () => {
    server.reset();
    server.script(xmlReply('oai/list-records-cs-page1.xml'), xmlReply('oai/list-records-cs-page2.xml'));
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'math', '--dry-run'], cli.io, cliEnv(get(), server));

    expect(code, cli.stderr()).toBe(3);
    expect(cli.stdout()).toContain('Dry run: read 6, inserted 0, updated 0, skipped 2');
    expect(await readHarvestState(get().store.db, 'math')).toEqual({ lastDatestamp: null, inFlight: null });
  });

  it('reports OAI-PMH errors other than noRecordsMatch as a failure', async () => {
    server.reset();
    server.script(xmlReply('oai/no-set-hierarchy.xml'));
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'nosuchset'], cli.io, cliEnv(get(), server));

    expect(code).toBe(1);
    expect(cli.stderr()).toContain('OAI-PMH error noSetHierarchy: Unknown set "nosuchset".');
  });
});

describeEachStore('harvest arxiv after an interruption', { lifetime: 'test' }, (get) => {
  let server: ReplayServer;
  const interval = 60;
  beforeAll(async () => {
    server = await ReplayServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('fails with a clear error and a non-zero exit when page 2 keeps failing, keeping page 1', async () => {
    server.reset();
    // 1 attempt + 5 retries, alternating dropped connections and 500s.
    server.script(
      xmlReply('oai/list-records-cs-page1.xml'),
      'drop',
      { status: 500, body: 'Internal Server Error' },
      'drop',
      { status: 500, body: 'Internal Server Error' },
      'drop',
      { status: 500, body: 'Internal Server Error' },
    );
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'cs', '--from', '2025-01-01'], cli.io, cliEnv(get(), server, interval));

    expect(code).toBe(1);
    expect(server.requests).toHaveLength(7);
    expect(cli.stderr()).toMatch(
      /paperboy harvest arxiv failed: GET http:\/\/127\.0\.0\.1:\d+\/oai\?verb=ListRecords&resumptionToken=6960524%7C1001 failed after 6 attempts; last error: HTTP 500/,
    );
    expect(cli.stderr()).toContain('run the same command again to continue where it stopped');
    expect(cli.stderr()).toMatch(/fetch failed .*; retry 1 of 5/);
    for (const gap of server.gaps()) expect(gap).toBeGreaterThanOrEqual(interval);

    expect(await paperIds(get())).toEqual([...PAGE1_IDS].sort());
    expect(await readHarvestState(get().store.db, 'cs')).toMatchObject({
      lastDatestamp: null,
      inFlight: { from: '2025-01-01', until: null, resumptionToken: '6960524|1001', maxDatestamp: '2025-01-07' },
    });
  });

  it('a re-run continues with the saved resumption token, with no duplicates or losses', async () => {
    await harvestFailingOnPage2(get(), server, interval);
    server.script(xmlReply('oai/list-records-cs-page2.xml'));
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'cs', '--from', '2025-01-01'], cli.io, cliEnv(get(), server, interval));

    expect(code, cli.stderr()).toBe(3);
    expect(server.requests).toHaveLength(1);
    expect(Object.fromEntries(server.requests[0]!.url.searchParams)).toEqual({ verb: 'ListRecords', resumptionToken: '6960524|1001' });
    expect(cli.stderr()).toContain('Resuming the interrupted harvest from 2025-01-01');
    expect(cli.stdout()).toContain('read 3, inserted 1, updated 0, skipped 2');
    expect(cli.stdout()).toContain('continued an interrupted harvest');
    expect(await paperIds(get())).toEqual(ALL_IDS);
    expect(await readHarvestState(get().store.db, 'cs')).toEqual({ lastDatestamp: '2025-01-08', inFlight: null });
  });

  it('restarts the list from its datestamp when the saved resumption token has expired', async () => {
    await harvestBothPages(get(), server, interval);
    server.script(
      xmlReply('oai/list-records-cs-page1.xml'),
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
    );
    const interrupted = captureIo();
    expect(await runCli(['harvest', 'arxiv', '--set', 'cs'], interrupted.io, cliEnv(get(), server, interval))).toBe(1);
    expect(Object.fromEntries(server.requests[0]!.url.searchParams)).toMatchObject({ from: '2025-01-08' });

    server.reset();
    server.script(
      xmlReply('oai/bad-resumption-token.xml'),
      xmlReply('oai/list-records-cs-page1.xml'),
      xmlReply('oai/list-records-cs-page2.xml'),
    );
    const cli = captureIo();
    const code = await runCli(['harvest', 'arxiv', '--set', 'cs'], cli.io, cliEnv(get(), server, interval));

    expect(code, cli.stderr()).toBe(3);
    const params = server.requests.map((r) => Object.fromEntries(r.url.searchParams));
    expect(params).toEqual([
      { verb: 'ListRecords', resumptionToken: '6960524|1001' },
      { verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2025-01-08' },
      { verb: 'ListRecords', resumptionToken: '6960524|1001' },
    ]);
    expect(cli.stderr()).toContain('The server rejected the resumption token');
    expect(cli.stdout()).toContain('read 6, inserted 0, updated 4, skipped 2');
    expect(await paperIds(get())).toEqual(ALL_IDS);
  });
});

describe('harvest arxiv usage', () => {
  const env = { PAPERBOY_DATA_DIR: '/nonexistent-paperboy-test', PAPERBOY_LOG: 'silent' };

  it.each([
    [['--from', '2025-13-01'], '--from must be a date like 2025-01-31'],
    [['--until', 'yesterday'], '--until must be a date like 2025-01-31'],
    [['--from', '2025-02-01', '--until', '2025-01-01'], '--from 2025-02-01 is after --until 2025-01-01'],
    [['--set', 'cs;drop'], '--set must be an OAI set spec'],
    [['--endpoint', 'ftp://example.org/oai'], '--endpoint must use http or https'],
    [['--endpoint', 'not a url'], '--endpoint must be an absolute http(s) URL'],
    [['extra'], 'unexpected argument: extra'],
    [['--since', '2025-01-01'], "Unknown option '--since'"],
  ])('rejects %j', async (args, message) => {
    const cli = captureIo();
    expect(await runCli(['harvest', 'arxiv', ...args], cli.io, env)).toBe(2);
    expect(cli.stderr()).toContain(message);
    expect(cli.stderr()).toContain('Usage: paperboy harvest arxiv');
  });

  it('rejects an invalid PAPERBOY_ARXIV_MIN_INTERVAL_MS naming the variable', async () => {
    const cli = captureIo();
    expect(await runCli(['harvest', 'arxiv'], cli.io, { ...env, PAPERBOY_ARXIV_MIN_INTERVAL_MS: 'fast' })).toBe(2);
    expect(cli.stderr()).toContain('PAPERBOY_ARXIV_MIN_INTERVAL_MS');
  });
});
