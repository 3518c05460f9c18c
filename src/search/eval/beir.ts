import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { openPostgres, openSqlite, type Store } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { openLineFile } from '../../ingest/line-reader.js';
import { silentLogger } from '../../logger.js';
import type { PaperRecord } from '../../papers/paper.js';
import { IMPORT_BATCH_SIZE, upsertPapers } from '../../papers/papers.repository.js';
import type { EmbedderSpec } from '../../config/embedder-spec.js';
import type { FusionMethod } from '../fusion.js';
import { createSearchService, type SearchMode, type SearchService } from '../search.service.js';
import { mean, mrrAt, ndcgAt, percentile, recallAt, type Judgements } from './metrics.js';
import { informativeWords, meanIdf, queryClasses, type QueryClasses, type ScoredQuery } from './query-classes.js';

export interface BeirQuery {
  readonly id: string;
  readonly text: string;
}

export interface BeirDataset {
  readonly queries: readonly BeirQuery[];
  readonly qrels: ReadonlyMap<string, Judgements>;
}

export interface EvalReport {
  'ndcg@10': number;
  'mrr@10': number;
  'recall@100': number;
  queries: number;
  latency_ms: { mean: number; p95: number };
  /** The same scores by class of query (length, rarity of words); absent when word frequencies were unavailable. */
  classes?: QueryClasses;
}

export class BeirFormatError extends Error {
  override name = 'BeirFormatError';
}

function parseJsonLine(line: string, file: string, lineNumber: number): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new BeirFormatError(`${file}:${lineNumber}: not a JSON object`);
  }
}

function requireFile(file: string): string {
  if (!fs.existsSync(file))
    throw new BeirFormatError(`missing ${file} (a BEIR dataset has corpus.jsonl, queries.jsonl and qrels/<split>.tsv)`);
  return file;
}

/** Link stubs are a path on one line: anything larger is a real file. */
const MAX_LINK_STUB_BYTES = 1024;

/**
 * A symbolic link that git checked out as a plain file holding the target's path (`core.symlinks=false`, or a file
 * system without links) is followed, relative to the stub's directory, when that path names a file; any other file
 * is itself.
 */
export function followLinkStub(file: string): string {
  const stat = fs.statSync(file);
  if (!stat.isFile() || stat.size === 0 || stat.size > MAX_LINK_STUB_BYTES) return file;
  const content = fs.readFileSync(file);
  if (content[0] === 0x1f && content[1] === 0x8b) return file;
  const target = content.toString('utf8').trim();
  if ([...target].some((char) => char.charCodeAt(0) < 0x20)) return file;
  const resolved = path.resolve(path.dirname(file), target);
  return resolved !== path.resolve(file) && fs.existsSync(resolved) && fs.statSync(resolved).isFile() ? resolved : file;
}

/** The dataset's corpus: `corpus.jsonl`, or `corpus.jsonl.gz` (streamed through gunzip) when there is no plain one. */
function corpusFile(directory: string): string {
  const plain = path.join(directory, 'corpus.jsonl');
  const gzipped = `${plain}.gz`;
  if (!fs.existsSync(plain) && fs.existsSync(gzipped)) return followLinkStub(gzipped);
  return followLinkStub(requireFile(plain));
}

/** The lines of a plain or gzipped file; a file that cannot be read or unzipped is a format error naming it. */
async function* readLines(file: string): AsyncGenerator<string> {
  try {
    yield* openLineFile(file).lines();
  } catch (error) {
    if (error instanceof BeirFormatError) throw error;
    throw new BeirFormatError(`${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Reads queries and the judgements of one split; only queries with judgements are kept. */
export async function readBeirQueries(directory: string, split: string): Promise<BeirDataset> {
  const qrelsFile = requireFile(path.join(directory, 'qrels', `${split}.tsv`));
  const qrels = new Map<string, Map<string, number>>();
  const lines = fs.readFileSync(qrelsFile, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && /query-id/i.test(line))) return;
    const [queryId, docId, score] = line.split('\t');
    if (!queryId || !docId || score === undefined || !Number.isFinite(Number(score))) {
      throw new BeirFormatError(`${qrelsFile}:${i + 1}: expected query-id<TAB>corpus-id<TAB>score`);
    }
    let judgements = qrels.get(queryId);
    if (!judgements) qrels.set(queryId, (judgements = new Map()));
    judgements.set(docId, Number(score));
  });
  const queries: BeirQuery[] = [];
  const queriesFile = requireFile(path.join(directory, 'queries.jsonl'));
  let n = 0;
  for await (const line of openLineFile(queriesFile).lines()) {
    n++;
    if (line.trim() === '') continue;
    const record = parseJsonLine(line, queriesFile, n);
    const id = String(record._id ?? '');
    if (qrels.has(id) && typeof record.text === 'string') queries.push({ id, text: record.text });
  }
  return { queries, qrels };
}

/** Loads corpus.jsonl (or corpus.jsonl.gz) into the store as papers (title, text as abstract); returns how many. */
export async function loadBeirCorpus(store: Store, directory: string): Promise<number> {
  const file = corpusFile(directory);
  const now = new Date().toISOString();
  let batch: PaperRecord[] = [];
  let total = 0;
  let n = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await store.db.transaction().execute((trx) => upsertPapers(trx, batch, now));
    total += batch.length;
    batch = [];
  };
  for await (const line of readLines(file)) {
    n++;
    if (line.trim() === '') continue;
    const record = parseJsonLine(line, file, n);
    const id = String(record._id ?? '');
    if (id === '') throw new BeirFormatError(`${file}:${n}: document without _id`);
    batch.push({
      id,
      version: null,
      title: typeof record.title === 'string' ? record.title : '',
      abstract: typeof record.text === 'string' ? record.text : '',
      authors: [],
      source: 'beir',
    });
    // One transaction per import batch, as imports write (upsertPapers splits it into statements).
    if (batch.length >= IMPORT_BATCH_SIZE) await flush();
  }
  await flush();
  return total;
}

export interface EvalVariant {
  readonly mode: SearchMode;
  readonly fusion?: FusionMethod;
}

export interface BeirSession {
  readonly service: SearchService;
  readonly documents: number;
  readonly indexSeconds: number;
  close(): Promise<void>;
}

export interface EvalStore {
  readonly store: Store;
  /** Brings the throwaway store's schema up to date. */
  migrate(): Promise<void>;
  /** Closes the store and removes everything it held. */
  dispose(): Promise<void>;
}

/**
 * A throwaway store: a SQLite file in `dir`, or, given a postgres:// URL, a schema of its own in that database
 * (named after this process and a random suffix, dropped afterwards), so the evaluation never touches other data.
 */
export async function openEvalStore(dir: string, postgresUrl: string | null): Promise<EvalStore> {
  if (postgresUrl === null) {
    const store = openSqlite(path.join(dir, 'eval.db'));
    return { store, migrate: async () => void (await migrateToLatest(store)), dispose: () => store.close() };
  }
  const schema = `paperboy_eval_${process.pid}_${randomBytes(4).toString('hex')}`;
  const withAdmin = async (statement: RawBuilder<unknown>) => {
    const admin = openPostgres(postgresUrl, 1);
    try {
      await statement.execute(admin.db);
    } finally {
      await admin.close();
    }
  };
  await withAdmin(sql`CREATE SCHEMA ${sql.id(schema)}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const store = openPostgres(url.toString());
  return {
    store,
    migrate: async () => void (await migrateToLatest(store, { schema })),
    dispose: async () => {
      await store.close();
      await withAdmin(sql`DROP SCHEMA ${sql.id(schema)} CASCADE`);
    },
  };
}

/** Indexes a BEIR corpus into a temporary database (SQLite, or a schema of `database`) with the given embedder. */
export async function openBeirSession(
  directory: string,
  options: {
    embedder: EmbedderSpec;
    embedderKey: string | null;
    fusion?: FusionMethod;
    builtinDimensions?: number;
    /** A postgres:// URL to evaluate on PostgreSQL; SQLite otherwise. */
    database?: string | null;
  },
): Promise<BeirSession> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-eval-'));
  let evalStore: EvalStore;
  try {
    evalStore = await openEvalStore(dir, options.database ?? null);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { store } = evalStore;
  try {
    await evalStore.migrate();
    const started = performance.now();
    const documents = await loadBeirCorpus(store, directory);
    const service = await createSearchService({
      store,
      logger: silentLogger,
      embedder: options.embedder,
      embedderKey: options.embedderKey,
      dataDir: dir,
      fusion: options.fusion,
      startup: 'await',
      builtinDimensions: options.builtinDimensions,
    });
    const reason = service.semanticUnavailableReason();
    if (reason) throw new Error(reason);
    return {
      service,
      documents,
      indexSeconds: (performance.now() - started) / 1000,
      close: async () => {
        await evalStore.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await evalStore.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs every query through the service and scores the rankings against the judgements, overall and by class. */
export async function evaluate(service: SearchService, dataset: BeirDataset, mode: SearchMode): Promise<EvalReport> {
  const ndcg: number[] = [];
  const mrr: number[] = [];
  const recall: number[] = [];
  const latencies: number[] = [];
  for (const query of dataset.queries) {
    const judgements = dataset.qrels.get(query.id)!;
    const started = performance.now();
    const result = await service.search({ q: query.text, mode, limit: 100, highlight: false });
    latencies.push(performance.now() - started);
    const ranked = result.hits.map((h) => h.paper.id);
    ndcg.push(ndcgAt(ranked, judgements, 10));
    mrr.push(mrrAt(ranked, judgements, 10));
    recall.push(recallAt(ranked, judgements, 100));
  }
  const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
  const queryWords = dataset.queries.map((query) => informativeWords(query.text));
  const corpus = await service.documentFrequencies([...new Set(queryWords.flat())]);
  const scored: ScoredQuery[] | null = corpus
    ? queryWords.map((words, i) => ({ ndcg: ndcg[i]!, mrr: mrr[i]!, words: words.length, meanIdf: meanIdf(words, corpus) }))
    : null;
  return {
    'ndcg@10': round(mean(ndcg)),
    'mrr@10': round(mean(mrr)),
    'recall@100': round(mean(recall)),
    queries: dataset.queries.length,
    latency_ms: { mean: round(mean(latencies), 2), p95: round(percentile(latencies, 95), 2) },
    ...(scored ? { classes: queryClasses(scored) } : {}),
  };
}
