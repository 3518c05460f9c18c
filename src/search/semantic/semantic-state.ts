import { BuiltinEmbedder } from '../embedders/builtin-embedder.js';
import type { Embedder } from '../embedders/embedder.js';
import type { VectorIndex } from '../vector-index.js';

export class SemanticUnavailableError extends Error {
  override name = 'SemanticUnavailableError';
}

/** The embedder and the nearest-neighbour index over its vectors, as searches see them. */
export interface SemanticSnapshot {
  readonly embedder: Embedder;
  readonly vectors: VectorIndex;
}

const STARTING = 'Semantic search is still starting; these results are keyword-only.';

/**
 * What semantic search currently runs on, shared by the job that writes vectors (which publishes a new embedder or
 * index when it loads, trains or rebuilds one) and the searches (which only read it, and never wait for the job).
 */
export class SemanticState {
  private current: SemanticSnapshot | null = null;
  private embedder: Embedder | null = null;
  private problem: string | null = null;
  private loaded = false;

  /** Why semantic search cannot answer now, or null when it can (also when there is nothing to search yet). */
  unavailableReason(): string | null {
    return this.problem ?? (this.loaded ? null : STARTING);
  }

  embedderId(): string | null {
    return this.embedder?.id ?? null;
  }

  /** What searches run on; null when there is no embedder yet (nothing to search); throws when unavailable. */
  snapshot(): SemanticSnapshot | null {
    const reason = this.unavailableReason();
    if (reason) throw new SemanticUnavailableError(reason);
    return this.current;
  }

  /** The loaded embedder, also while its vectors cannot be searched (the writer needs it to re-index). */
  activeEmbedder(): Embedder | null {
    return this.embedder;
  }

  /** The index searches use, if any (the writer adds to it). */
  activeVectors(): VectorIndex | null {
    return this.current?.vectors ?? null;
  }

  /** Searches run on this embedder and index from now on; `vectors` null: its vectors cannot be used (`problem`). */
  publish(embedder: Embedder | null, vectors: VectorIndex | null, problem: string | null = null): void {
    // A replaced builtin model's worker thread is not needed any more.
    if (this.embedder instanceof BuiltinEmbedder && this.embedder !== embedder) void this.embedder.close();
    this.embedder = embedder;
    this.current = embedder && vectors ? { embedder, vectors } : null;
    this.problem = problem;
    this.loaded = true;
  }
}
