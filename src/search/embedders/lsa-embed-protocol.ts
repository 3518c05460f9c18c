import type { EmbeddableDocument } from './embedder.js';
import type { LsaModel } from './lsa-model.js';

/** Messages to the builtin model's embedding worker: the model once, then batches of papers. */
export type LsaWorkerRequest =
  | { readonly type: 'model'; readonly model: LsaModel }
  | { readonly type: 'embed'; readonly job: number; readonly documents: readonly EmbeddableDocument[] };

/** One reply per batch: the vectors back to back (documents × dimensions), or why the batch failed. */
export type LsaWorkerReply = { readonly job: number; readonly vectors: Float32Array } | { readonly job: number; readonly error: string };
