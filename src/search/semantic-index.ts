import type { Store } from '../db/database.js';
import { SemanticReader } from './semantic/semantic-reader.js';
import { SemanticState } from './semantic/semantic-state.js';
import { VectorMaintenance, type VectorMaintenanceOptions } from './semantic/vector-maintenance.js';

export { SemanticUnavailableError } from './semantic/semantic-state.js';
export type { RebuildReport } from './semantic/vector-maintenance.js';

/**
 * Semantic search in three parts sharing one state: the maintenance job (the only writer: embedder lifecycle,
 * training, embedding, index sync), the reader (queries, never writes or waits), and the state that the job
 * publishes each usable embedder and index to.
 */
export interface SemanticIndex {
  readonly state: SemanticState;
  readonly maintenance: VectorMaintenance;
  readonly reader: SemanticReader;
}

export function createSemanticIndex(store: Store, options: VectorMaintenanceOptions): SemanticIndex {
  const state = new SemanticState();
  return { state, maintenance: new VectorMaintenance(store, state, options), reader: new SemanticReader(store, state) };
}
