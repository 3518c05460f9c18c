import { Index, MetricKind, ScalarKind, exactSearch, type BatchMatches } from 'usearch';

export interface Neighbour {
  /** Position in the sample. */
  readonly index: number;
  /** Cosine similarity. */
  readonly similarity: number;
}

/** Below this many vector comparisons per batch the sample is scanned exactly; above, an HNSW index is searched. */
const EXACT_COMPARISONS = 4_000_000;

/**
 * Nearest neighbours among the sample papers the layout was computed on. The HNSW graph is built on one thread,
 * so the same sample gives the same graph and the same answers.
 */
export class SampleIndex {
  private readonly flat: Float32Array;
  private index: Index | null = null;

  constructor(
    vectors: readonly Float32Array[],
    readonly dimensions: number,
  ) {
    this.flat = new Float32Array(vectors.length * dimensions);
    vectors.forEach((v, i) => this.flat.set(v, i * dimensions));
  }

  get size(): number {
    return this.flat.length / this.dimensions;
  }

  private hnsw(): Index {
    if (this.index) return this.index;
    const index = new Index({
      dimensions: this.dimensions,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: 16,
      expansion_add: 128,
      expansion_search: 64,
      multi: false,
    });
    index.add(
      BigUint64Array.from({ length: this.size }, (_, i) => BigInt(i)),
      this.flat,
      1,
    );
    this.index = index;
    return index;
  }

  /** For each query (flattened, `dimensions` values each), its `k` nearest sample papers, nearest first. */
  nearest(queries: Float32Array, k: number, options: { exact?: boolean; threads?: number } = {}): Neighbour[][] {
    const count = queries.length / this.dimensions;
    const wanted = Math.min(k, this.size);
    if (count === 0 || wanted === 0) return Array.from({ length: count }, () => []);
    const exact = options.exact ?? count * this.size <= EXACT_COMPARISONS;
    const threads = options.threads ?? 1;
    const matches = (
      exact
        ? exactSearch(this.flat, queries, this.dimensions, wanted, MetricKind.Cos, threads)
        : this.hnsw().search(queries, wanted, threads)
    ) as BatchMatches;
    const results: Neighbour[][] = [];
    for (let q = 0; q < count; q++) {
      const found = 'counts' in matches ? Number(matches.counts[q]) : Math.min(wanted, (matches as { keys: BigUint64Array }).keys.length);
      const list: Neighbour[] = [];
      for (let j = 0; j < found; j++) {
        const at = q * wanted + j;
        list.push({ index: Number(matches.keys[at]), similarity: 1 - matches.distances[at]! });
      }
      results.push(list);
    }
    return results;
  }
}
