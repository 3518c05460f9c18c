import type { BuiltinTrainingOptions } from './builtin-model-training.js';
import type { EmbeddableDocument } from './embedder.js';
import type { LsaModel } from './lsa-model.js';

/** Messages to the builtin model's training worker: the papers in batches, then the order to train on them. */
export type LsaTrainRequest =
  | { readonly type: 'documents'; readonly documents: readonly EmbeddableDocument[] }
  | { readonly type: 'train'; readonly options: BuiltinTrainingOptions };

/** Progress lines while training, then one last reply: the trained model, or why training failed. */
export type LsaTrainReply = { readonly progress: string } | { readonly model: LsaModel } | { readonly error: string };
