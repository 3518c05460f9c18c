import type { Generated } from 'kysely';

/** One embedding of one paper by one embedder; `key` is the paper's label in the approximate-nearest-neighbour index. */
export interface SearchVectorsTable {
  key: Generated<number>;
  /** The embedder's id, including the model version, so vectors of different models never mix. */
  embedder: string;
  paper_id: string;
  /** Little-endian float32 values. */
  vector: Uint8Array;
  created_at: string;
}

/** A model trained on the database's own papers (the builtin embedder); exactly one per kind is active. */
export interface SearchModelsTable {
  id: string;
  kind: string;
  /** How many papers the model was trained on; retraining happens when the corpus has grown well past it. */
  trained_on: number;
  data: Uint8Array;
  active: Generated<number>;
  created_at: string;
}
