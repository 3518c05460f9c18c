import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { fetchArxivPapers } from '../../src/ingest/arxiv-api.js';
import { findPaper } from '../../src/papers/papers.repository.js';
import { describeEachStore, type TestStore } from '../helpers/stores.js';
import { captureIo, ReplayServer, xmlReply, type Reply } from './replay-server.js';

const INTERVAL_MS = 80;
const ATOM = 'application/atom+xml; charset=utf-8';

/** The recorded feeds, by the id_list the client sends. */
function arxivApi(url: URL): Reply | null {
  if (url.pathname !== '/api/query') return null;
  switch (url.searchParams.get('id_list')) {
    case '2501.00201,2501.00202v1,hep-th/9901001,2501.99999':
      return xmlReply('arxiv-api/feed-three-of-four.xml', ATOM);
    case '2501.00201':
      return xmlReply('arxiv-api/feed-2501.00201.xml', ATOM);
    case '2501.00201,2501.0020x':
    case '2501.0020x':
      return xmlReply('arxiv-api/error-bad-id.xml', ATOM);
    default:
      return xmlReply('arxiv-api/feed-empty.xml', ATOM);
  }
}

function cliEnv(t: TestStore, server: ReplayServer): Record<string, string> {
  return {
    PAPERBOY_DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl,
    PAPERBOY_LOG: 'silent',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_ARXIV_API_URL: `${server.baseUrl}/api/query`,
    PAPERBOY_ARXIV_MIN_INTERVAL_MS: String(INTERVAL_MS),
  };
}

let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route(arxivApi);
});
afterAll(async () => {
  await server.close();
});

describeEachStore('paperboy add', { lifetime: 'test' }, (get) => {
  it('stores the papers the API returns, with versions, and reports the missing ids', async () => {
    server.reset();
    const cli = captureIo();
    const code = await runCli(
      ['add', '2501.00201', 'https://arxiv.org/abs/2501.00202v1', 'arXiv:hep-th/9901001', '2501.99999'],
      cli.io,
      cliEnv(get(), server),
    );

    expect(code, cli.stderr()).toBe(3);
    expect(server.requests).toHaveLength(1);
    expect(Object.fromEntries(server.requests[0]!.url.searchParams)).toEqual({
      id_list: '2501.00201,2501.00202v1,hep-th/9901001,2501.99999',
      max_results: '4',
    });
    expect(server.requests[0]!.userAgent).toMatch(/^Paperboy\//);
    expect(cli.stdout()).toContain('added    2501.00201v2  Retrieval-Augmented Diffusion for Protein Design');
    expect(cli.stdout()).toContain('missing  2501.99999');
    expect(cli.stdout()).toContain('added 3, updated 0, missing 1');

    const db = get().store.db;
    expect(await findPaper(db, '2501.00201')).toMatchObject({
      version: 2,
      title: 'Retrieval-Augmented Diffusion for Protein Design',
      abstract:
        'We combine retrieval over structure databases with diffusion models and design proteins that fold as intended in 71% of cases <in silico>.',
      authors: ['Rosalind Franklin', 'Linus Pauling'],
      categories: ['q-bio.BM', 'cs.LG'],
      primaryCategory: 'q-bio.BM',
      publishedAt: '2025-01-01T09:12:44.000Z',
      updatedAt: '2025-01-06T17:45:09.000Z',
      comments: '22 pages; v2 adds wet-lab results',
      journalRef: 'Nat. Prot. Des. 3 (2025) 101',
      doi: '10.1000/pd.2025.201',
    });
    expect(await findPaper(db, '2501.00202')).toMatchObject({ version: 1, authors: ['Kurt Gödel'], primaryCategory: 'cs.CL', doi: null });
    expect(await findPaper(db, 'hep-th/9901001')).toMatchObject({
      version: 3,
      categories: ['hep-th', 'gr-qc'],
      publishedAt: '1999-01-04T18:33:11.000Z',
    });
    expect(await findPaper(db, '2501.99999')).toBeNull();
  });

  it('updates a stored paper to its newer version', async () => {
    server.reset();
    const first = captureIo();
    expect(await runCli(['add', '2501.00201', '2501.00202v1', 'hep-th/9901001', '2501.99999'], first.io, cliEnv(get(), server))).toBe(3);
    server.reset();
    const cli = captureIo();
    const code = await runCli(['add', 'https://arxiv.org/pdf/2501.00201', '--json'], cli.io, cliEnv(get(), server));

    expect(code, cli.stderr()).toBe(0);
    expect(JSON.parse(cli.stdout())).toEqual({ added: [], updated: ['2501.00201v3'], missing: [] });
    const paper = await findPaper(get().store.db, '2501.00201');
    expect(paper).toMatchObject({ version: 3, comments: '24 pages', updatedAt: '2025-01-11T08:30:00.000Z' });
    // Fields the newer entry does not carry are kept.
    expect(paper?.journalRef).toBe('Nat. Prot. Des. 3 (2025) 101');
    const rows = await get().store.db.selectFrom('papers').select('id').where('id', '=', '2501.00201').execute();
    expect(rows).toHaveLength(1);
  });

  it('rejects input that is not an arXiv id or URL with a usage error, before any request', async () => {
    server.reset();
    const cli = captureIo();
    const code = await runCli(['add', '2501.00201', 'not-an-id', 'https://example.org/abs/2501.00201'], cli.io, cliEnv(get(), server));

    expect(code).toBe(2);
    expect(cli.stderr()).toContain('not an arXiv id or URL: "not-an-id", "https://example.org/abs/2501.00201"');
    expect(cli.stderr()).toContain('Usage: paperboy add');
    expect(server.requests).toHaveLength(0);

    const none = captureIo();
    expect(await runCli(['add'], none.io, cliEnv(get(), server))).toBe(2);
    expect(none.stderr()).toContain('give at least one arXiv id or URL');
  });
});

describe('fetchArxivPapers', () => {
  it('retries a batch id by id after an error entry and reports the rejected id as missing', async () => {
    server.reset();
    const result = await fetchArxivPapers(`${server.baseUrl}/api/query`, ['2501.00201', '2501.0020x'], { minIntervalMs: INTERVAL_MS });

    expect(result.papers.map((p) => `${p.id}v${p.version}`)).toEqual(['2501.00201v3']);
    expect(result.missing).toEqual(['2501.0020x']);
    expect(server.requests.map((r) => r.url.searchParams.get('id_list'))).toEqual(['2501.00201,2501.0020x', '2501.00201', '2501.0020x']);
    for (const gap of server.gaps()) expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS);
  });

  it('asks for at most 100 ids a request, with max_results set to the batch size', async () => {
    server.reset();
    const ids = Array.from({ length: 101 }, (_, i) => `2502.${String(i + 1).padStart(5, '0')}`);
    const result = await fetchArxivPapers(`${server.baseUrl}/api/query`, ids, { minIntervalMs: INTERVAL_MS });

    expect(result.papers).toEqual([]);
    expect(result.missing).toEqual(ids);
    const sent = server.requests.map((r) => ({
      ids: r.url.searchParams.get('id_list')!.split(','),
      max: r.url.searchParams.get('max_results'),
    }));
    expect(sent).toEqual([
      { ids: ids.slice(0, 100), max: '100' },
      { ids: ids.slice(100), max: '1' },
    ]);
  });

  it('honours a smaller batch size', async () => {
    server.reset();
    const result = await fetchArxivPapers(`${server.baseUrl}/api/query`, ['2501.00201', '2501.99999'], {
      minIntervalMs: INTERVAL_MS,
      batchSize: 1,
    });

    expect(result.papers.map((p) => p.id)).toEqual(['2501.00201']);
    expect(result.missing).toEqual(['2501.99999']);
    expect(server.requests.map((r) => r.url.searchParams.get('max_results'))).toEqual(['1', '1']);
    await expect(fetchArxivPapers(`${server.baseUrl}/api/query`, ['2501.00201'], { batchSize: 101 })).rejects.toThrow(
      /batchSize must be between 1 and 100/,
    );
  });

  it('fails clearly when the API answers with something that is not an Atom feed', async () => {
    const other = await ReplayServer.start();
    try {
      other.script({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><p>Maintenance</body></html>' });
      await expect(fetchArxivPapers(`${other.baseUrl}/api/query`, ['2501.00201'], { minIntervalMs: INTERVAL_MS })).rejects.toThrow(
        /\/api\/query\?id_list=2501\.00201&max_results=1: not well-formed XML/,
      );
    } finally {
      await other.close();
    }
  });
});
