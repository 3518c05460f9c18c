import type { Store } from '../../db/database.js';
import { dot } from '../embedders/embedder.js';
import { hasFilters, type PaperFilters } from '../paper-filters.js';
import type { VectorIndex } from '../vector-index.js';
import { filteredPaperIds, passingPaperIds, resolveCandidates, vectorsOfPapers, type Candidate } from '../vectors.repository.js';

/** A paper near the query, scored by its exact stored vector (returned so callers need not load it again). */
export interface SemanticHit {
  readonly paperId: string;
  readonly score: number;
  readonly vector: Float32Array;
}

export interface NearestRequest {
  readonly query: Float32Array;
  readonly limit: number;
  readonly filters: PaperFilters;
  /** A paper never to return (the paper whose neighbours are asked for). */
  readonly exclude: string | null;
  /** Filters matching at most this many vectors are scored exactly (default EXACT_SCAN_MAX). */
  readonly exactScanMax?: number;
}

/**
 * A filter matching at most this many papers is answered by scoring exactly their vectors, found with the filter
 * applied in SQL; the approximate index would have to be searched ever wider to find them among the others.
 * Measured at 100,000 papers, 256 dimensions, SQLite, limit 100 (bench/filtered-semantic.ts), p50 exact / index:
 * 100 matches 23 / 2,400 ms, 500: 32 / 1,290 ms, 5,000: 75 / 118 ms, 20,000: 545 / 118 ms.
 */
export const EXACT_SCAN_MAX = 5_000;

function byScore(a: SemanticHit, b: SemanticHit): number {
  return b.score - a.score || (a.paperId < b.paperId ? -1 : a.paperId > b.paperId ? 1 : 0);
}

function scoreExactly(query: Float32Array, candidates: Iterable<Candidate>, exclude: string | null): SemanticHit[] {
  const hits: SemanticHit[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate.paperId === exclude || seen.has(candidate.paperId)) continue;
    seen.add(candidate.paperId);
    hits.push({ paperId: candidate.paperId, score: dot(query, candidate.vector), vector: candidate.vector });
  }
  return hits.sort(byScore);
}

/**
 * Papers nearest to the query vector among the visible ones passing the filters, best first, scored by their exact
 * stored vectors. A selective filter is applied in SQL first and its matches are scored exactly; otherwise the
 * approximate index is searched, widening until enough candidates survive the filters or the index is exhausted.
 */
export async function nearestPapers(store: Store, index: VectorIndex, request: NearestRequest): Promise<SemanticHit[]> {
  const { query, limit, filters, exclude } = request;
  const exactScanMax = request.exactScanMax ?? EXACT_SCAN_MAX;
  if (limit <= 0 || index.size() === 0) return [];
  if (hasFilters(filters)) {
    const matching = await filteredPaperIds(store.db, filters, exactScanMax + 1);
    if (matching.length <= exactScanMax) {
      const vectors = await exactVectorsOf(store, index, matching);
      return scoreExactly(
        query,
        [...vectors].map(([paperId, vector]) => ({ paperId, vector })),
        exclude,
      ).slice(0, limit);
    }
  }
  // Re-ranking by exact vectors needs only a modest over-fetch; each candidate costs a row lookup.
  let k = limit + Math.max(10, Math.ceil(limit / 4));
  // Keys already looked up in this call (null: filtered out or hidden), so widening only looks up the new ones.
  const resolved = new Map<number, Candidate | null>();
  for (;;) {
    const matches = index.search(query, k);
    const fresh = matches.map((m) => m.key).filter((key) => !resolved.has(key));
    const found = await candidatesOf(store, index, fresh, filters);
    for (const key of fresh) resolved.set(key, found.get(key) ?? null);
    const candidates = matches.map((m) => resolved.get(m.key)).filter((c): c is Candidate => c !== null && c !== undefined);
    // The index compares quantized vectors: score and order the candidates by the exact stored ones.
    const hits = scoreExactly(query, candidates, exclude);
    if (hits.length >= limit || matches.length < k || k >= index.size()) return hits.slice(0, limit);
    k *= 4;
  }
}

/**
 * The candidates among these index keys that are visible and pass the filters, with their exact vectors: taken from
 * the index's memory where it has them (only the papers are then read), from the database otherwise.
 */
async function candidatesOf(
  store: Store,
  index: VectorIndex,
  keys: readonly number[],
  filters: PaperFilters,
): Promise<Map<number, Candidate>> {
  const inMemory = new Map<number, Candidate>();
  const unknown: number[] = [];
  for (const key of keys) {
    const exact = index.exactByKey(key);
    if (exact) inMemory.set(key, exact);
    else unknown.push(key);
  }
  const { maxParameters } = store.capabilities;
  const [passing, found] = await Promise.all([
    passingPaperIds(
      store.db,
      [...inMemory.values()].map((c) => c.paperId),
      filters,
      maxParameters,
    ),
    unknown.length > 0 ? resolveCandidates(store.db, index.embedder, unknown, filters, maxParameters) : new Map<number, Candidate>(),
  ]);
  for (const [key, candidate] of inMemory) if (passing.has(candidate.paperId)) found.set(key, candidate);
  return found;
}

/** The exact vectors of these papers, from the index's memory where it has them, else from the database. */
export async function exactVectorsOf(store: Store, index: VectorIndex, paperIds: readonly string[]): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  const unknown: string[] = [];
  for (const id of paperIds) {
    const vector = index.exactByPaper(id);
    if (vector) found.set(id, vector);
    else unknown.push(id);
  }
  if (unknown.length > 0) {
    for (const [id, vector] of await vectorsOfPapers(store.db, index.embedder, unknown, store.capabilities.maxParameters))
      found.set(id, vector);
  }
  return found;
}
