import path from 'node:path';
import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import { BuiltinEmbedder } from './embedders/builtin-embedder.js';
import { isZeroVector, l2Normalize, type Embedder } from './embedders/embedder.js';
import { describeEmbedderSpec, type EmbedderSpec } from './embedders/embedder-spec.js';
import { deserializeLsa, lsaModelId, serializeLsa, trainLsa } from './embedders/lsa-model.js';
import { OnnxEmbedder } from './embedders/onnx-embedder.js';
import { OpenAiEmbedder } from './embedders/openai-embedder.js';
import type { RankedHit } from './fusion.js';
import type { PaperFilters } from './paper-filters.js';
import { activateModel, activeModel, activeModelId } from './search-models.repository.js';
import { nearestPapers } from './semantic/nearest-papers.js';
import { VectorIndex } from './vector-index.js';
import {
  countVectors,
  deleteVectorsExcept,
  otherEmbedders,
  papersWithoutVector,
  replaceVectors,
  type StoredVector,
  vectorOfPaper,
  vectorsOfPapers,
} from './vectors.repository.js';

interface PaperText {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
}

interface EmbeddedRow {
  readonly paperId: string;
  readonly vector: Float32Array;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export class SemanticUnavailableError extends Error {
  override name = 'SemanticUnavailableError';
}

export interface SemanticIndexOptions {
  readonly spec: EmbedderSpec;
  readonly apiKey: string | null;
  /** Where the index file lives; null keeps it in memory only. */
  readonly dataDir: string | null;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** The builtin model trains on at most this many papers (a stride sample of larger corpora). */
  readonly maxTrainingPapers?: number;
  readonly builtinDimensions?: number;
}

export interface RebuildReport {
  readonly embedder: string;
  readonly papers: number;
  readonly trainSeconds: number;
  /** Everything after training: embedding, storing and indexing every paper. */
  readonly embedSeconds: number;
  /** Where embedSeconds went: waiting for embeddings (those overlap the previous batch's writes), storing, indexing. */
  readonly phases: { readonly embed: number; readonly store: number; readonly hnsw: number };
}

interface PhaseClock {
  embed: number;
  store: number;
  hnsw: number;
}

function newClock(): PhaseClock {
  return { embed: 0, store: 0, hnsw: 0 };
}

/** Papers per embedder call (an HTTP request for remote embedders). */
const EMBED_BATCH = 256;
/** Papers stored per transaction and added to the index per (multi-threaded) batch. */
const STORE_BATCH = EMBED_BATCH * 8;
const DEFAULT_MAX_TRAINING = 60_000;
/** The builtin model is retrained once the corpus has grown to this multiple of what it was trained on. */
const RETRAIN_GROWTH = 2;
/** How often searches trigger a background look for papers without vectors. */
const REFRESH_INTERVAL_MS = 60_000;

/**
 * Semantic search: the configured embedder, the papers' vectors in the database and the nearest-neighbour index
 * over them. Writes are serialised; the index catches up with vectors other processes stored.
 */
export class SemanticIndex {
  private embedder: Embedder | null = null;
  private vectors: VectorIndex | null = null;
  private problem: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastSync = 0;
  private lastRefresh = 0;
  private lastQuery: { embedder: string; text: string; vector: Float32Array } | null = null;
  private clock: PhaseClock = newClock();
  /** The exact vectors the last nearest-neighbour search loaded, reused when hybrid search scores the candidates. */
  private lastCandidates: { embedder: string; vectors: Map<string, Float32Array> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: SemanticIndexOptions,
  ) {}

  private get indexDirectory(): string | null {
    return this.options.dataDir ? path.join(this.options.dataDir, 'search') : null;
  }

  private stamp(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Why semantic search is unavailable, or null when it works. */
  unavailableReason(): string | null {
    return this.problem;
  }

  embedderId(): string | null {
    return this.embedder?.id ?? null;
  }

  /** Loads the embedder, detects a change of embedder, and embeds every paper that has no vector yet. */
  start(): Promise<void> {
    return this.exclusive(async () => {
      await this.loadEmbedder();
      await this.catchUp();
      this.lastRefresh = Date.now();
    });
  }

  /** Loads the embedder and checks for an embedder change, without embedding anything yet. */
  load(): Promise<void> {
    return this.exclusive(() => this.loadEmbedder());
  }

  /**
   * Retrains the builtin model once the corpus has outgrown it and embeds papers that have no vector (written by
   * a process that did not index them, or before a crash).
   */
  refresh(): Promise<void> {
    this.lastRefresh = Date.now();
    return this.exclusive(() => this.catchUp());
  }

  private replaceEmbedder(next: Embedder | null): void {
    // A replaced builtin model's worker thread is not needed any more.
    if (this.embedder instanceof BuiltinEmbedder && this.embedder !== next) void this.embedder.close();
    this.embedder = next;
  }

  private async loadEmbedder(): Promise<void> {
    const { spec } = this.options;
    if (spec.kind === 'builtin') {
      const stored = await activeModel(this.store.db, 'builtin');
      this.replaceEmbedder(stored ? new BuiltinEmbedder(stored.id, deserializeLsa(stored.data)) : null);
    } else if (spec.kind === 'openai') {
      const embedder = new OpenAiEmbedder({ baseUrl: spec.baseUrl, model: spec.model, apiKey: this.options.apiKey });
      await embedder.probe();
      this.replaceEmbedder(embedder);
    } else {
      this.replaceEmbedder(await OnnxEmbedder.load(spec.directory));
    }
    this.vectors = null;
    this.problem = null;
    if (!this.embedder) return;
    const others = await otherEmbedders(this.store.db, this.embedder.id);
    if (others.length > 0 && (await countVectors(this.store.db, this.embedder.id)) === 0) {
      const previous = others.map((o) => `${o.embedder} (${o.vectors} vectors)`).join(', ');
      this.problem =
        `The search vectors in the database were made by ${previous}, but PAPERBOY_EMBEDDER selects ` +
        `${describeEmbedderSpec(spec)} (${this.embedder.id}). Run \`paperboy index rebuild\` to re-index with it; ` +
        'until then search is keyword-only.';
      this.options.logger.error('search embedder changed', { message: this.problem });
      return;
    }
    this.vectors = new VectorIndex(this.embedder.id, this.embedder.dimensions, this.indexDirectory);
  }

  private async countPapers(): Promise<number> {
    const row = await this.store.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private builtinNeedsTraining(papers: number): boolean {
    if (this.options.spec.kind !== 'builtin' || papers === 0) return false;
    if (!(this.embedder instanceof BuiltinEmbedder)) return true;
    const trainedOn = this.embedder.model.trainedOn;
    const cap = this.options.maxTrainingPapers ?? DEFAULT_MAX_TRAINING;
    return trainedOn < cap && papers >= trainedOn * RETRAIN_GROWTH;
  }

  private async catchUp(): Promise<void> {
    if (this.problem) return;
    if (this.builtinNeedsTraining(await this.countPapers())) {
      await this.retrainAndReembed();
      return;
    }
    if (!this.embedder || !this.vectors) return;
    await this.vectors.catchUp(this.store.db);
    let embedded = 0;
    for (;;) {
      const missing = await papersWithoutVector(this.store.db, this.embedder.id, STORE_BATCH);
      if (missing.length === 0) break;
      await this.embedAndStore(missing);
      embedded += missing.length;
    }
    if (embedded > 0) this.options.logger.info('embedded papers missing a search vector', { papers: embedded, embedder: this.embedder.id });
    this.vectors.save();
    this.lastSync = Date.now();
  }

  private async embedAndStore(papers: readonly PaperText[]): Promise<void> {
    if (!this.embedder || !this.vectors || papers.length === 0) return;
    await this.storeRows(await this.embedRows(this.embedder, papers));
  }

  /** The papers' vectors; the builtin embedder takes a whole batch at once (on its worker thread). */
  private async embedRows(embedder: Embedder, papers: readonly PaperText[]): Promise<EmbeddedRow[]> {
    const rows: EmbeddedRow[] = [];
    const size = embedder instanceof BuiltinEmbedder ? papers.length : EMBED_BATCH;
    for (let i = 0; i < papers.length; i += size) {
      const batch = papers.slice(i, i + size);
      const vectors = await embedder.embedDocuments(batch);
      batch.forEach((p, j) => rows.push({ paperId: p.id, vector: vectors[j]! }));
    }
    return rows;
  }

  private async storeRows(rows: readonly EmbeddedRow[]): Promise<void> {
    if (!this.embedder || !this.vectors || rows.length === 0) return;
    this.lastCandidates = null;
    const embedder = this.embedder.id;
    const perInsert = Math.max(1, Math.floor(this.store.capabilities.maxParameters / 4));
    const stored: StoredVector[] = [];
    const replaced: number[] = [];
    const now = this.stamp();
    let started = performance.now();
    // One transaction per batch: one commit instead of one per statement.
    await this.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += perInsert) {
        const written = await replaceVectors(trx, embedder, rows.slice(i, i + perInsert), now);
        stored.push(...written.stored);
        replaced.push(...written.replacedKeys);
      }
    });
    this.clock.store += performance.now() - started;
    started = performance.now();
    this.vectors.add(stored, replaced);
    this.clock.hnsw += performance.now() - started;
  }

  /** Embeds (or re-embeds) these papers; called after imports write them. */
  indexPapers(ids: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      // An untrained builtin model is trained by the next catch-up (refresh), which embeds these papers too.
      if (this.problem || ids.length === 0 || !this.embedder || !this.vectors) return;
      await this.vectors.catchUp(this.store.db);
      for (let i = 0; i < ids.length; i += STORE_BATCH) {
        const papers = await this.store.db
          .selectFrom('papers')
          .select(['id', 'title', 'abstract'])
          .where('id', 'in', ids.slice(i, i + STORE_BATCH))
          .execute();
        await this.embedAndStore(papers);
      }
    });
  }

  /** Retrains the builtin model (when builtin) and re-embeds every paper; drops other embedders' vectors. */
  rebuild(progress: (line: string) => void = () => undefined): Promise<RebuildReport> {
    return this.exclusive(async () => {
      if (this.options.spec.kind !== 'builtin') {
        await this.loadEmbedder();
        if (!this.embedder) throw new SemanticUnavailableError('no embedder available');
      }
      return this.retrainAndReembed(progress, true);
    });
  }

  /** Every paper's text, in id order, one page at a time (keyset pagination, so memory stays flat). */
  private async *paperPages(size: number): AsyncIterable<{ id: string; title: string; abstract: string }[]> {
    let after = '';
    for (;;) {
      const page = await this.store.db
        .selectFrom('papers')
        .select(['id', 'title', 'abstract'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(size)
        .execute();
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1]!.id;
    }
  }

  private async trainingSample(
    progress: (line: string) => void,
  ): Promise<{ sample: { title: string; abstract: string }[]; corpus: number }> {
    const total = await this.countPapers();
    const cap = this.options.maxTrainingPapers ?? DEFAULT_MAX_TRAINING;
    const stride = Math.max(1, Math.ceil(total / cap));
    // Every stride-th id from a walk over the ids alone, then only those papers' text: a large corpus is not read whole.
    const chosen: string[] = [];
    let seen = 0;
    for (let after = ''; ;) {
      const ids = await this.store.db.selectFrom('papers').select('id').where('id', '>', after).orderBy('id').limit(50_000).execute();
      if (ids.length === 0) break;
      for (const row of ids) if (seen++ % stride === 0) chosen.push(row.id);
      after = ids[ids.length - 1]!.id;
    }
    const sample: { title: string; abstract: string }[] = [];
    for (let i = 0; i < chosen.length; i += 1_000) {
      const rows = await this.store.db
        .selectFrom('papers')
        .select(['title', 'abstract'])
        .where('id', 'in', chosen.slice(i, i + 1_000))
        .orderBy('id')
        .execute();
      sample.push(...rows);
    }
    progress(`training the builtin model on ${sample.length} of ${total} papers`);
    return { sample, corpus: total };
  }

  private async retrainAndReembed(progress: (line: string) => void = () => undefined, force = false): Promise<RebuildReport> {
    const started = performance.now();
    if (this.options.spec.kind === 'builtin') {
      const { sample, corpus } = await this.trainingSample(progress);
      if (sample.length === 0 && !force) return { embedder: '', papers: 0, trainSeconds: 0, embedSeconds: 0, phases: newClock() };
      // trainedOn records the corpus size, not the sample size, so a capped sample does not look like a small corpus.
      const model = { ...(await trainLsa(sample, { dimensions: this.options.builtinDimensions })), trainedOn: corpus };
      const data = serializeLsa(model);
      const id = lsaModelId(data);
      await activateModel(this.store.db, 'builtin', { id, trainedOn: model.trainedOn, data }, this.stamp());
      this.replaceEmbedder(new BuiltinEmbedder(id, model));
    }
    const trained = performance.now();
    const embedder = this.embedder!;
    await deleteVectorsExcept(this.store.db, null);
    const directory = this.indexDirectory;
    if (directory) VectorIndex.removeSaved(directory);
    this.problem = null;
    this.vectors = new VectorIndex(embedder.id, embedder.dimensions, directory);
    let done = 0;
    this.clock = newClock();
    const total = await this.countPapers();
    // A pipeline: the next page is embedded (on the builtin embedder's worker thread) while this one is stored
    // and added to the index.
    let embedding: { rows: Promise<EmbeddedRow[]>; papers: number } | null = null;
    const storeEmbedded = async (pending: { rows: Promise<EmbeddedRow[]>; papers: number }) => {
      const waiting = performance.now();
      const rows = await pending.rows;
      this.clock.embed += performance.now() - waiting;
      await this.storeRows(rows);
      done += pending.papers;
      progress(`embedded ${done} / ${total} papers`);
    };
    for await (const page of this.paperPages(STORE_BATCH)) {
      const next = { rows: this.embedRows(embedder, page), papers: page.length };
      next.rows.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled
      if (embedding) await storeEmbedded(embedding);
      embedding = next;
    }
    if (embedding) await storeEmbedded(embedding);
    const saving = performance.now();
    this.vectors.save();
    this.clock.hnsw += performance.now() - saving;
    this.lastSync = Date.now();
    const seconds = (ms: number) => Math.round(ms) / 1000;
    const report: RebuildReport = {
      embedder: embedder.id,
      papers: done,
      trainSeconds: seconds(trained - started),
      embedSeconds: seconds(performance.now() - trained),
      phases: { embed: seconds(this.clock.embed), store: seconds(this.clock.store), hnsw: seconds(this.clock.hnsw) },
    };
    this.options.logger.info('search vectors rebuilt', { ...report });
    return report;
  }

  /** Picks up vectors other processes (an import, another server) stored since the last look, at most once a second. */
  private async sync(): Promise<void> {
    if (Date.now() - this.lastRefresh > REFRESH_INTERVAL_MS) {
      this.refresh().catch((error: unknown) => this.options.logger.error('search index refresh failed', { error: String(error) }));
    }
    if (!this.vectors || Date.now() - this.lastSync < 1000) return;
    this.lastSync = Date.now();
    await this.exclusive(async () => {
      if (!this.vectors) return;
      const storedId = this.options.spec.kind === 'builtin' ? await activeModelId(this.store.db, 'builtin') : null;
      if (storedId !== null && storedId !== this.embedder?.id) {
        // Another process retrained the builtin model: follow it.
        await this.loadEmbedder();
      }
      await this.vectors?.catchUp(this.store.db);
    });
  }

  private requireReady(): { embedder: Embedder; vectors: VectorIndex } {
    if (this.problem) throw new SemanticUnavailableError(this.problem);
    if (!this.embedder || !this.vectors) throw new SemanticUnavailableError('There are no papers to search by meaning yet.');
    return { embedder: this.embedder, vectors: this.vectors };
  }

  /** Papers nearest to the query text, visible and passing the filters; best first. */
  async search(text: string, limit: number, filters: PaperFilters): Promise<RankedHit[]> {
    await this.sync();
    if (this.problem) throw new SemanticUnavailableError(this.problem);
    if (!this.embedder || !this.vectors || text.trim() === '') return [];
    const query = await this.queryVector(text);
    if (isZeroVector(query)) return [];
    return this.nearest(query, limit, filters, null);
  }

  private async queryVector(text: string): Promise<Float32Array> {
    const { embedder } = this.requireReady();
    if (this.lastQuery?.embedder === embedder.id && this.lastQuery.text === text) return this.lastQuery.vector;
    const vector = await embedder.embedQuery(text);
    this.lastQuery = { embedder: embedder.id, text, vector };
    return vector;
  }

  /**
   * For candidate papers that have a vector: their similarity to the query, and to the centroid of the seed papers
   * (the top keyword hits, for pseudo-relevance feedback).
   */
  async candidateScores(
    text: string,
    candidateIds: readonly string[],
    seedIds: readonly string[],
  ): Promise<{ similarity: Map<string, number>; feedback: Map<string, number> }> {
    const similarity = new Map<string, number>();
    const feedback = new Map<string, number>();
    if (!this.embedder || !this.vectors || this.problem || candidateIds.length === 0) return { similarity, feedback };
    const query = await this.queryVector(text);
    const wanted = [...new Set([...candidateIds, ...seedIds])];
    const known = this.lastCandidates?.embedder === this.embedder.id ? this.lastCandidates.vectors : new Map<string, Float32Array>();
    const vectors = await vectorsOfPapers(
      this.store.db,
      this.embedder.id,
      wanted.filter((id) => !known.has(id)),
      this.store.capabilities.maxParameters,
    );
    for (const id of wanted) {
      const v = known.get(id);
      if (v) vectors.set(id, v);
    }
    const centroid = new Float32Array(query.length);
    for (const id of seedIds) {
      const v = vectors.get(id);
      if (v) for (let i = 0; i < v.length; i++) centroid[i]! += v[i]!;
    }
    l2Normalize(centroid);
    for (const id of candidateIds) {
      const v = vectors.get(id);
      if (!v) continue;
      similarity.set(id, dot(v, query));
      feedback.set(id, dot(v, centroid));
    }
    return { similarity, feedback };
  }

  /** Nearest papers to a stored paper's vector, excluding the paper itself. */
  async similar(paperId: string, limit: number, filters: PaperFilters): Promise<RankedHit[]> {
    await this.sync();
    if (this.problem) throw new SemanticUnavailableError(this.problem);
    if (!this.embedder || !this.vectors) return [];
    const vector = await vectorOfPaper(this.store.db, this.embedder.id, paperId);
    if (!vector || isZeroVector(vector)) return [];
    return this.nearest(vector, limit, filters, paperId);
  }

  private async nearest(query: Float32Array, limit: number, filters: PaperFilters, exclude: string | null): Promise<RankedHit[]> {
    const { embedder, vectors } = this.requireReady();
    const hits = await nearestPapers(this.store, vectors, { query, limit, filters, exclude });
    this.lastCandidates = { embedder: embedder.id, vectors: new Map(hits.map((h) => [h.paperId, h.vector])) };
    return hits.map((h) => ({ paperId: h.paperId, score: h.score }));
  }

  /** Writes the index file if it has unsaved additions. */
  flush(): Promise<void> {
    return this.exclusive(async () => this.vectors?.save());
  }
}
