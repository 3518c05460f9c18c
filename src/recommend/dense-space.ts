import type { FeatureSpace, SparseVector } from './tfidf.js';

/**
 * Dense vectors (search embeddings) in the shape the rankers read: every dimension is a "term" named `dN`. Unit
 * vectors stay unit vectors, so the same cosine, centroid and logistic code ranks over either representation.
 */
export function denseSpace(ids: readonly string[], vectorOf: (index: number) => Float32Array, dimensions: number): FeatureSpace {
  const indices = Int32Array.from({ length: dimensions }, (_, d) => d);
  const vectors = new Map<string, SparseVector>();
  ids.forEach((id, i) => vectors.set(id, { indices, values: vectorOf(i) }));
  return { dimensions, vectors, ids, termName: () => undefined };
}
