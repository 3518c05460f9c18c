import type { Store } from '../../db/database.js';
import { dot, isZeroVector, l2Normalize } from '../embedders/embedder.js';
import type { FusionMethod } from '../fusion.js';
import type { PaperFilters } from '../paper-filters.js';
import { vectorOfPaper, vectorsOfPapers } from '../vectors.repository.js';
import { exactVectorsOf, nearestPapers, type SemanticHit } from './nearest-papers.js';
import type { SemanticState } from './semantic-state.js';

/** A query embedded by a given embedder (its vectors are only compared with that embedder's). */
export interface QueryVector {
  readonly embedder: string;
  readonly vector: Float32Array;
  /** How the embedder that made the vector wants its similarities fused with keyword scores. */
  readonly fusion: FusionMethod;
}

export interface CandidateScores {
  /** Similarity of each candidate that has a vector to the query. */
  readonly similarity: Map<string, number>;
  /** Similarity of each candidate to the centroid of the seed papers (pseudo-relevance feedback). */
  readonly feedback: Map<string, number>;
}

/**
 * The query side of semantic search. It reads the embedder and index the shared state holds at the moment of the
 * call and never writes or waits for writes: while vectors are being built it answers from the ones that exist.
 * Every call stands alone; what one call computed is passed to the next as an argument.
 */
export class SemanticReader {
  constructor(
    private readonly store: Store,
    private readonly state: SemanticState,
  ) {}

  /** The query's vector; null when there is nothing to search by meaning or the text has no known words. */
  async embedQuery(text: string): Promise<QueryVector | null> {
    const snapshot = this.state.snapshot();
    if (!snapshot || text.trim() === '') return null;
    const vector = await snapshot.embedder.embedQuery(text);
    return isZeroVector(vector) ? null : { embedder: snapshot.embedder.id, vector, fusion: snapshot.embedder.fusion };
  }

  /** Papers nearest to the query, visible and passing the filters; best first. */
  async nearest(query: QueryVector, limit: number, filters: PaperFilters): Promise<SemanticHit[]> {
    const snapshot = this.state.snapshot();
    // A model replaced since the query was embedded: its vector means nothing to the new index.
    if (!snapshot || snapshot.embedder.id !== query.embedder) return [];
    return nearestPapers(this.store, snapshot.vectors, { query: query.vector, limit, filters, exclude: null });
  }

  /** Nearest papers to a stored paper's vector, excluding the paper itself; none while it has no vector. */
  async similar(paperId: string, limit: number, filters: PaperFilters): Promise<SemanticHit[]> {
    const snapshot = this.state.snapshot();
    if (!snapshot) return [];
    const vector = await vectorOfPaper(this.store.db, snapshot.embedder.id, paperId);
    if (!vector || isZeroVector(vector)) return [];
    return nearestPapers(this.store, snapshot.vectors, { query: vector, limit, filters, exclude: paperId });
  }

  /**
   * For candidate papers that have a vector: their similarity to the query, and to the centroid of the seed papers
   * (the top keyword hits). `known` holds vectors the caller already has (e.g. from `nearest`); the rest are read.
   */
  async candidateScores(
    query: QueryVector,
    candidateIds: readonly string[],
    seedIds: readonly string[],
    known: ReadonlyMap<string, Float32Array> = new Map(),
  ): Promise<CandidateScores> {
    const similarity = new Map<string, number>();
    const feedback = new Map<string, number>();
    if (candidateIds.length === 0 || this.state.unavailableReason() !== null || this.state.embedderId() !== query.embedder) {
      return { similarity, feedback };
    }
    const wanted = [...new Set([...candidateIds, ...seedIds])];
    const unknown = wanted.filter((id) => !known.has(id));
    const snapshot = this.state.snapshot();
    const vectors =
      snapshot && snapshot.embedder.id === query.embedder
        ? await exactVectorsOf(this.store, snapshot.vectors, unknown)
        : await vectorsOfPapers(this.store.db, query.embedder, unknown, this.store.capabilities.maxParameters);
    for (const id of wanted) {
      const v = known.get(id);
      if (v) vectors.set(id, v);
    }
    const centroid = new Float32Array(query.vector.length);
    for (const id of seedIds) {
      const v = vectors.get(id);
      if (v) for (let i = 0; i < v.length; i++) centroid[i]! += v[i]!;
    }
    l2Normalize(centroid);
    for (const id of candidateIds) {
      const v = vectors.get(id);
      if (!v) continue;
      similarity.set(id, dot(v, query.vector));
      feedback.set(id, dot(v, centroid));
    }
    return { similarity, feedback };
  }
}
