import type { FusionMethod } from '../fusion.js';
import type { Embedder, EmbeddableDocument } from './embedder.js';
import { BUILTIN_MODEL_FUSION } from './fusion-settings.js';
import { LsaEmbedPool } from './lsa-embed-pool.js';
import { LsaFolder, type LsaModel } from './lsa-model.js';

/** Batches at least this large are embedded on a worker thread (smaller ones cost less than the hand-off). */
const WORKER_BATCH = 512;

/** The default embedder: the LSA model trained on this database's papers. Runs in-process, offline. */
export class BuiltinEmbedder implements Embedder {
  readonly dimensions: number;
  readonly fusion: FusionMethod = BUILTIN_MODEL_FUSION;
  private readonly folder: LsaFolder;
  private pool: LsaEmbedPool | null = null;

  constructor(
    readonly id: string,
    readonly model: LsaModel,
  ) {
    this.dimensions = model.dimensions;
    this.folder = new LsaFolder(model);
  }

  /** Large batches run on a worker thread, so the caller can write the previous batch meanwhile. */
  embedDocuments(documents: readonly EmbeddableDocument[]): Promise<Float32Array[]> {
    if (documents.length >= WORKER_BATCH) {
      this.pool ??= new LsaEmbedPool(this.model);
      return this.pool.embed(documents);
    }
    return Promise.resolve(documents.map((doc) => this.folder.document(doc)));
  }

  embedQuery(text: string): Promise<Float32Array> {
    return Promise.resolve(this.folder.query(text));
  }

  /** Stops the worker thread, if one was started. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }
}
