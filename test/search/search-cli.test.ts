import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { snapshotLine } from '../helpers/fixtures.js';
import pg from 'pg';
import { describeEachStore, POSTGRES_ADMIN_URL, postgresAvailable, tempDir, type TestStore } from '../helpers/stores.js';
import { TOPIC_PAPERS, writePapers } from './corpus.js';

const BEIR_TINY = path.join(import.meta.dirname, '..', 'fixtures', 'beir-tiny');

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, { PAPERBOY_LOG: 'silent', ...env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function envFor(t: TestStore): Record<string, string> {
  return { DATABASE_URL: t.databaseUrl, PAPERBOY_DATA_DIR: t.dataDir, PAPERBOY_DEMO: 'false' };
}

// These tests read the topic papers and write none (a rebuild trains the same model again).
describeEachStore('search CLI', (get) => {
  beforeAll(async () => {
    await writePapers(get().store, TOPIC_PAPERS);
  });

  it('searches with explain and JSON output', async () => {
    const env = envFor(get());
    const text = await cli(['search', 'robot language corrections', '--explain', '--limit', '3'], env);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^\s+1\. 2501\.10003 {2}Robots that learn from natural language corrections/m);
    expect(text.out).toMatch(/lexical rank 1 score [\d.]+ · semantic rank \d+ score [\d.-]+ · fused [\d.]+/);
    const json = await cli(['search', 'galaxy dark matter', '--json', '--mode', 'semantic'], env);
    const result = JSON.parse(json.out) as { hits: { paper: { id: string } }[]; mode: string };
    expect(result.mode).toBe('semantic');
    expect(
      result.hits
        .slice(0, 2)
        .map((h) => h.paper.id)
        .sort(),
    ).toEqual(['2501.10011', '2501.10012']);
  });

  it('has no full-text documents left to compute after small writes, on either engine', async () => {
    const env = envFor(get());
    const json = await cli(['index', 'fulltext', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ papers: 0 });
    const text = await cli(['index', 'fulltext'], env);
    expect(text.out).toMatch(
      get().kind === 'sqlite'
        ? /^nothing to do: SQLite keeps its full-text index in step within each write$/
        : /^full-text documents computed for 0 papers in \d+(\.\d)?s$/,
    );
  });

  it('lists similar papers and rebuilds the index', async () => {
    const env = envFor(get());
    const similar = await cli(['similar', '2501.10009', '--limit', '2'], env);
    expect(similar.code).toBe(0);
    expect(similar.out.split('\n')[0]).toContain('2501.10010');
    expect((await cli(['similar', '2599.00001'], env)).code).toBe(1);
    const rebuilt = await cli(['index', 'rebuild', '--json'], env);
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.out)).toMatchObject({
      embedder: expect.stringMatching(/^builtin:lsa-/),
      papers: TOPIC_PAPERS.length,
      // A few papers at a time are written with their full-text documents on both engines: nothing was pending.
      fullTextDocuments: { papers: 0 },
    });
  });

  it('reports usage errors', async () => {
    const env = envFor(get());
    expect((await cli(['search'], env)).code).toBe(2);
    expect((await cli(['search', 'x', '--mode', 'fuzzy'], env)).code).toBe(2);
    expect((await cli(['search', 'x', '--limit', '0'], env)).code).toBe(2);
    const badEmbedder = await cli(['search', 'x'], { ...env, PAPERBOY_EMBEDDER: 'word2vec' });
    expect(badEmbedder.code).toBe(2);
    expect(badEmbedder.err).toMatch(/PAPERBOY_EMBEDDER/);
  });
});

// The import adds a paper that would change what the tests above find: it has a store of its own.
describeEachStore('search CLI after an import', { lifetime: 'test' }, (get) => {
  beforeEach(async () => {
    await writePapers(get().store, TOPIC_PAPERS);
  });

  it('indexes papers written by an import for keyword and semantic search at once', async () => {
    const env = envFor(get());
    // An import embeds its papers with the builtin model trained so far; training a first one is left to the next
    // catch-up (server start, `search`, `index rebuild`), so the model is trained here first.
    expect((await cli(['index', 'rebuild'], env)).code).toBe(0);
    const file = path.join(get().dataDir, 'new.jsonl');
    fs.writeFileSync(
      file,
      `${snapshotLine({
        id: '2504.40001',
        title: 'Galaxy mergers in dark matter halos',
        abstract: 'Simulations follow galaxies and gas in dark matter halos as galaxy mergers drive growth.',
        categories: 'astro-ph.GA',
      })}\n`,
    );
    expect((await cli(['import', 'arxiv-snapshot', file], env)).code).toBe(0);
    const vectors = await get().store.db.selectFrom('search_vectors').select('paper_id').where('paper_id', '=', '2504.40001').execute();
    expect(vectors).toHaveLength(1);
    const semantic = JSON.parse(
      (await cli(['search', 'dark matter halos galaxies', '--mode', 'semantic', '--limit', '3', '--json'], env)).out,
    ) as {
      hits: { paper: { id: string } }[];
    };
    expect(semantic.hits.map((h) => h.paper.id)).toContain('2504.40001');
  });
});

describe('eval beir', () => {
  it('indexes a BEIR dataset into a temporary database and prints the metrics as JSON on the last line', async () => {
    for (const mode of ['lexical', 'semantic', 'hybrid']) {
      const result = await cli(['eval', 'beir', BEIR_TINY, '--split', 'test', '--mode', mode, '--json']);
      expect(result.code, result.err).toBe(0);
      const lines = result.out.trim().split('\n');
      const report = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
      expect(Object.keys(report).sort()).toEqual(['classes', 'latency_ms', 'mrr@10', 'ndcg@10', 'queries', 'recall@100']);
      expect(report.queries).toBe(5);
      // Each query is in one length class and one rarity class.
      const classes = report.classes as Record<string, { queries: number }>;
      expect(classes.short!.queries + classes.long!.queries).toBe(5);
      expect(classes.rareTerm!.queries + classes.commonTerm!.queries).toBe(5);
      // "bees" does not match "honeybees": only meaning finds every relevant document.
      if (mode === 'lexical') expect(report['recall@100']).toBeLessThan(1);
      else expect(report['recall@100']).toBe(1);
      expect(report['ndcg@10']).toBeGreaterThan(mode === 'semantic' ? 0.3 : 0.6);
      expect(report.latency_ms).toEqual({ mean: expect.any(Number), p95: expect.any(Number) });
    }
  });

  it('prints a readable table and checks its input', async () => {
    const text = await cli(['eval', 'beir', BEIR_TINY, '--split', 'train', '--mode', 'lexical']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/queries:\s+2/);
    expect(text.out).toMatch(/nDCG@10:\s+[\d.]+/);
    expect(text.out).toMatch(/^rare words:\s+nDCG@10 [\d.]+, MRR@10 [\d.]+ \(\d queries\)$/m);
    expect((await cli(['eval', 'beir', BEIR_TINY, '--split', 'dev'])).code).toBe(1);
    expect((await cli(['eval', 'beir', path.join(BEIR_TINY, 'nope')])).code).toBe(2);
    expect((await cli(['eval', 'beir', BEIR_TINY, '--fusion', 'magic'])).code).toBe(2);
    expect((await cli(['eval', 'beir', BEIR_TINY, '--database', 'mysql://x'])).code).toBe(2);
  });

  it.skipIf(!postgresAvailable)('gives the same figures on PostgreSQL, in a schema it drops afterwards', async () => {
    const schemas = async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'paperboy_eval_%'",
        );
        return rows[0]!.n;
      } finally {
        await client.end();
      }
    };
    const before = await schemas();
    // Another installation's tables in another schema of the same database are not taken for the evaluation's own.
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    const other = `other_install_${process.pid}`;
    await admin.query(
      `CREATE SCHEMA ${other}; CREATE TABLE ${other}.schema_migrations_lock (id text); CREATE TABLE ${other}.schema_migrations (name text)`,
    );
    onTestFinished(async () => {
      await admin.query(`DROP SCHEMA ${other} CASCADE`);
      await admin.end();
    });
    for (const mode of ['lexical', 'semantic', 'hybrid']) {
      const figures = async (extra: string[]) => {
        const result = await cli(['eval', 'beir', BEIR_TINY, '--split', 'test', '--mode', mode, '--json', ...extra]);
        expect(result.code, result.err).toBe(0);
        const { latency_ms: _latency, ...report } = JSON.parse(result.out.trim().split('\n').pop()!) as Record<string, unknown>;
        return report;
      };
      const sqlite = await figures([]);
      expect(sqlite.queries).toBe(5);
      expect(await figures(['--database', POSTGRES_ADMIN_URL])).toEqual(sqlite);
    }
    expect(await schemas()).toBe(before);
  });

  it('reads a gzipped corpus.jsonl.gz and scores it as the plain corpus.jsonl', async () => {
    const gzipped = tempDir('paperboy-beir-gz-');
    try {
      fs.cpSync(BEIR_TINY, gzipped, { recursive: true });
      fs.writeFileSync(path.join(gzipped, 'corpus.jsonl.gz'), zlib.gzipSync(fs.readFileSync(path.join(BEIR_TINY, 'corpus.jsonl'))));
      fs.rmSync(path.join(gzipped, 'corpus.jsonl'));
      const scores = async (directory: string) => {
        const result = await cli(['eval', 'beir', directory, '--split', 'test', '--mode', 'hybrid', '--json']);
        expect(result.code, result.err).toBe(0);
        const { latency_ms: _latency, ...report } = JSON.parse(result.out.trim().split('\n').at(-1)!) as Record<string, unknown>;
        return { report, indexed: /indexed (\d+) documents/.exec(result.err)?.[1] };
      };
      const plain = await scores(BEIR_TINY);
      const fromGzip = await scores(gzipped);
      expect(fromGzip).toEqual(plain);
      expect(Number(fromGzip.indexed)).toBe(fs.readFileSync(path.join(BEIR_TINY, 'corpus.jsonl'), 'utf8').trim().split('\n').length);

      // A symbolic link that git checked out as a plain file naming its target is followed.
      fs.mkdirSync(path.join(gzipped, 'shared'));
      fs.renameSync(path.join(gzipped, 'corpus.jsonl.gz'), path.join(gzipped, 'shared', 'corpus.jsonl.gz'));
      fs.mkdirSync(path.join(gzipped, 'linked'));
      for (const part of ['queries.jsonl', 'qrels'])
        fs.cpSync(path.join(gzipped, part), path.join(gzipped, 'linked', part), { recursive: true });
      fs.writeFileSync(path.join(gzipped, 'linked', 'corpus.jsonl.gz'), '../shared/corpus.jsonl.gz');
      expect(await scores(path.join(gzipped, 'linked'))).toEqual(plain);

      fs.writeFileSync(path.join(gzipped, 'corpus.jsonl.gz'), 'not gzip at all');
      const broken = await cli(['eval', 'beir', gzipped, '--split', 'test', '--mode', 'lexical']);
      expect(broken.code).toBe(1);
      expect(broken.err).toMatch(/corpus\.jsonl\.gz: cannot be read \(.*incorrect header check/);
    } finally {
      fs.rmSync(gzipped, { recursive: true, force: true });
    }
  });
});
