import path from 'node:path';
import type { Store } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import { countPapers } from '../../papers/papers.repository.js';
import type { Embedder } from '../embedders/embedder.js';
import type { EmbedderSpec } from '../../config/embedder-spec.js';
import { TrainingAbortedError } from '../embedders/lsa-train-thread.js';
import { activeModelId } from '../search-models.repository.js';
import { VectorIndex } from '../vector-index.js';
import { deleteVectorsExcept, papersWithoutVector } from '../vectors.repository.js';
import { builtinNeedsTraining, trainBuiltinModel } from './builtin-training.js';
import { embedderMismatch, loadEmbedder } from './embedder-loader.js';
import { reembedAllPapers } from './reembed.js';
import { SemanticUnavailableError, type SemanticState } from './semantic-state.js';
import { embedAndStore, STORE_BATCH } from './vector-writer.js';

export interface VectorMaintenanceOptions {
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

/** How often the index picks up vectors other processes stored, and follows a model another process retrained. */
const SYNC_INTERVAL_MS = 2_000;
/** How often the builtin model is checked for having been outgrown, and papers without vectors are embedded. */
const REFRESH_INTERVAL_MS = 60_000;

const seconds = (ms: number) => Math.round(ms) / 1000;

/**
 * The one writer of search vectors: loads the embedder, trains the builtin model, embeds papers, rebuilds the index
 * and keeps it in step with the database. Its work is serialised, and it publishes each embedder and index to the
 * shared state as soon as searches can use them, so searches never wait for it.
 */
export class VectorMaintenance {
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private pending = new Set<string>();
  /** Aborted by stop(): a training under way is not waited for (it resumes from its checkpoint next start). */
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly state: SemanticState,
    private readonly options: VectorMaintenanceOptions,
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

  /** Loads the embedder and the saved index, then catches up: trains when needed, embeds papers without vectors. */
  start(): Promise<void> {
    return this.exclusive(async () => {
      await this.loadAndPublish();
      await this.catchUp();
    });
  }

  /** Loads the embedder and checks for an embedder change, without embedding anything yet. */
  load(): Promise<void> {
    return this.exclusive(() => this.loadAndPublish());
  }

  /**
   * Retrains the builtin model once the corpus has outgrown it and embeds papers that have no vector (written by
   * a process that did not index them, or before a crash).
   */
  refresh(): Promise<void> {
    return this.exclusive(() => this.catchUp());
  }

  /** Picks up vectors other processes stored, and follows a builtin model another process retrained. */
  sync(): Promise<void> {
    return this.exclusive(async () => {
      if (this.options.spec.kind === 'builtin') {
        const storedId = await activeModelId(this.store.db, 'builtin');
        if (storedId !== null && storedId !== this.state.embedderId()) await this.loadAndPublish();
      }
      await this.state.activeVectors()?.catchUp(this.store);
    });
  }

  /** Embeds (or re-embeds) these papers; called after imports write them. */
  indexPapers(ids: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      const embedder = this.state.activeEmbedder();
      const vectors = this.state.activeVectors();
      // An untrained builtin model is trained by the next catch-up (refresh), which embeds these papers too.
      if (ids.length === 0 || !embedder || !vectors) return;
      await vectors.catchUp(this.store);
      for (let i = 0; i < ids.length; i += STORE_BATCH) {
        const papers = await this.store.db
          .selectFrom('papers')
          .select(['id', 'title', 'abstract'])
          .where('id', 'in', ids.slice(i, i + STORE_BATCH))
          // In id order, whatever the engine's row order: the index grows the same on every engine.
          .orderBy('id')
          .execute();
        await embedAndStore(this.store, embedder, vectors, papers, this.stamp());
      }
    });
  }

  /** Retrains the builtin model (when builtin) and re-embeds every paper; drops other embedders' vectors. */
  rebuild(progress: (line: string) => void = () => undefined): Promise<RebuildReport> {
    return this.exclusive(async () => {
      const embedder = this.options.spec.kind === 'builtin' ? null : await loadEmbedder(this.store, this.options.spec, this.options.apiKey);
      return this.retrainAndReembed(progress, true, embedder);
    });
  }

  /** Runs sync and refresh on timers (the server does this; one-shot commands catch up once at start). */
  startBackgroundJobs(): void {
    if (this.timers.length > 0) return;
    const every = (name: string, ms: number, job: () => Promise<void>) => {
      const timer = setInterval(() => {
        // A job still waiting behind a long rebuild is not queued a second time.
        if (this.pending.has(name)) return;
        this.pending.add(name);
        job()
          .catch((error: unknown) => this.options.logger.error(`search index ${name} failed`, { error: String(error) }))
          .finally(() => this.pending.delete(name));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every('sync', SYNC_INTERVAL_MS, () => this.sync());
    every('refresh', REFRESH_INTERVAL_MS, () => this.refresh());
  }

  /**
   * Stops the timers, stops a training of the builtin model under way (closing never waits minutes for one; its
   * checkpoint lets the next start resume it), and writes the index file once the other work under way is done.
   */
  stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.stopping.abort();
    return this.exclusive(async () => this.state.activeVectors()?.save());
  }

  private async loadAndPublish(): Promise<void> {
    const { spec, apiKey, logger } = this.options;
    let embedder: Embedder | null;
    try {
      embedder = await loadEmbedder(this.store, spec, apiKey);
    } catch (error) {
      this.state.publish(null, null, `Semantic search could not start (${error instanceof Error ? error.message : String(error)}).`);
      throw error;
    }
    if (!embedder) {
      this.state.publish(null, null);
      return;
    }
    const problem = await embedderMismatch(this.store, spec, embedder);
    if (problem) {
      logger.error('search embedder changed', { message: problem });
      this.state.publish(embedder, null, problem);
      return;
    }
    this.state.publish(embedder, new VectorIndex(embedder.id, embedder.dimensions, this.indexDirectory));
  }

  private async catchUp(): Promise<void> {
    if (this.state.unavailableReason() !== null || this.stopping.signal.aborted) return;
    const papers = await countPapers(this.store.db);
    if (this.options.spec.kind === 'builtin' && builtinNeedsTraining(this.state.activeEmbedder(), papers, this.trainingOptions())) {
      try {
        await this.retrainAndReembed((line) => this.options.logger.info('builtin model training', { progress: line }), false, null);
      } catch (error) {
        if (!(error instanceof TrainingAbortedError)) throw error;
        this.options.logger.info('builtin model training stopped; the next start resumes it from its checkpoint');
      }
      return;
    }
    const embedder = this.state.activeEmbedder();
    const vectors = this.state.activeVectors();
    if (!embedder || !vectors) return;
    await vectors.catchUp(this.store);
    let embedded = 0;
    for (;;) {
      const missing = await papersWithoutVector(this.store.db, embedder.id, STORE_BATCH);
      if (missing.length === 0) break;
      await embedAndStore(this.store, embedder, vectors, missing, this.stamp());
      embedded += missing.length;
    }
    if (embedded > 0) this.options.logger.info('embedded papers missing a search vector', { papers: embedded, embedder: embedder.id });
    vectors.save();
  }

  private trainingOptions() {
    const directory = this.indexDirectory;
    return {
      maxTrainingPapers: this.options.maxTrainingPapers,
      dimensions: this.options.builtinDimensions,
      checkpointFile: directory ? path.join(directory, 'builtin-training.checkpoint') : null,
    };
  }

  /** `configured`: the (non-builtin) embedder to index with; the builtin one is trained here. */
  private async retrainAndReembed(progress: (line: string) => void, force: boolean, configured: Embedder | null): Promise<RebuildReport> {
    const started = performance.now();
    let embedder = configured;
    if (this.options.spec.kind === 'builtin') {
      const signal = this.stopping.signal;
      embedder = await trainBuiltinModel(this.store, { ...this.trainingOptions(), now: this.stamp(), force, signal }, progress);
      if (!embedder) return { embedder: '', papers: 0, trainSeconds: 0, embedSeconds: 0, phases: { embed: 0, store: 0, hnsw: 0 } };
    }
    if (!embedder) throw new SemanticUnavailableError('no embedder available');
    const trained = performance.now();
    await deleteVectorsExcept(this.store.db, null);
    const directory = this.indexDirectory;
    if (directory) VectorIndex.removeSaved(directory);
    const vectors = new VectorIndex(embedder.id, embedder.dimensions, directory);
    // Searches use the new model at once, on the papers embedded so far.
    this.state.publish(embedder, vectors);
    const total = await countPapers(this.store.db);
    const { papers, clock } = await reembedAllPapers(this.store, embedder, vectors, { total, now: this.stamp(), progress });
    const report: RebuildReport = {
      embedder: embedder.id,
      papers,
      trainSeconds: seconds(trained - started),
      embedSeconds: seconds(performance.now() - trained),
      phases: { embed: seconds(clock.embed), store: seconds(clock.store), hnsw: seconds(clock.hnsw) },
    };
    this.options.logger.info('search vectors rebuilt', { ...report });
    return report;
  }
}
