import { paperTerms } from './terms.js';
import type { FeatureSpace, SparseVector, TfidfDocument } from './tfidf.js';

/** 2^20 buckets: a month of papers at a million-paper instance holds a few million distinct words and pairs. */
export const DEFAULT_HASH_BITS = 20;

/** FNV-1a over the UTF-16 code units, folded to `bits` bits. */
export function termBucket(term: string, bits: number): number {
  let hash = 2166136261;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 16777619);
  return (hash >>> 0) & ((1 << bits) - 1);
}

/**
 * TF-IDF over hashed terms (content words and adjacent pairs, as `buildTfidf`): no vocabulary is kept, so building
 * the space of a period's papers costs memory for the vectors alone, and any text — a library paper from another
 * year — can be folded into it with the period's document frequencies.
 */
export interface HashedTfidfSpace extends FeatureSpace {
  readonly vectors: ReadonlyMap<string, SparseVector>;
  readonly bits: number;
  /**
   * The text's vector in this space; terms no paper of the space holds are left out (they can match nothing). With
   * `key` (a paper id), the vector is kept for the next reader whose profile holds the same paper.
   */
  vectorize(text: string, key?: string): SparseVector;
  /**
   * The terms of `text` that add most to its dot product with `weights`, best first. With `key` (a paper of the
   * space), the text's terms are read once and kept for the next reader asking about the same paper.
   */
  weightiestTerms(text: string, weights: SparseVector, count: number, key?: string): string[];
}

interface Counted {
  readonly buckets: Int32Array;
  readonly counts: Uint16Array;
}

function countBuckets(text: string, bits: number): Counted {
  const counts = new Map<number, number>();
  for (const term of paperTerms(text)) {
    const bucket = termBucket(term, bits);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => a[0] - b[0]);
  return { buckets: Int32Array.from(sorted, ([b]) => b), counts: Uint16Array.from(sorted, ([, c]) => Math.min(c, 65535)) };
}

/** Vectors of profile papers kept per space (readers' libraries overlap); past this many the keeping starts afresh. */
const MAX_KEPT_PROFILE_VECTORS = 50_000;

/**
 * A text's distinct terms that some paper of the space holds, ordered by bucket (so they can be merged with a sparse
 * vector's dimensions), with their idf and where each first appears in the text.
 */
interface DistinctTerms {
  readonly names: readonly string[];
  readonly buckets: Int32Array;
  readonly idfs: Float64Array;
  readonly firstSeen: Int32Array;
}

function distinctTerms(text: string, bits: number, df: Int32Array, idf: (bucket: number) => number): DistinctTerms {
  const seen = new Set<string>();
  const found: { name: string; bucket: number }[] = [];
  for (const term of paperTerms(text)) {
    if (seen.has(term)) continue;
    seen.add(term);
    const bucket = termBucket(term, bits);
    if (df[bucket] !== 0) found.push({ name: term, bucket });
  }
  const order = Array.from(found.keys()).sort((a, b) => found[a]!.bucket - found[b]!.bucket || a - b);
  return {
    names: order.map((i) => found[i]!.name),
    buckets: Int32Array.from(order, (i) => found[i]!.bucket),
    idfs: Float64Array.from(order, (i) => idf(found[i]!.bucket)),
    firstSeen: Int32Array.from(order),
  };
}

/** Whether contribution `a` of the term first seen at `seenA` ranks before `b` (ties: the earlier term). */
function weighsMore(a: number, seenA: number, b: number, seenB: number): boolean {
  return a !== b ? a > b : seenA < seenB;
}

export interface HashedTfidfOptions {
  readonly bits?: number;
  /**
   * Terms in more than this share of the space's papers are left out of every vector, as stop words are ("model",
   * "results"): they say little about a reader's topic, yet they are most of what scoring a reader walks through.
   * Never below `MIN_COMMON_DOCUMENTS` papers, so small spaces keep all their terms. 1 keeps everything.
   */
  readonly maxDocumentFraction?: number;
}

/** A term is never too common to keep when fewer papers than this hold it. */
export const MIN_COMMON_DOCUMENTS = 50;

/**
 * Chosen on the author-continuation development set (centroid + nearest, nDCG@10 / Recall@100): keeping every term
 * 0.0800 / 0.1383, leaving out terms in more than 20% of the papers 0.0800 / 0.1393, 10% 0.0776 / 0.1337, 5% 0.0772 /
 * 0.1340. At 20% a reader's scoring walks half the postings it walked with every term.
 */
export const DEFAULT_MAX_DOCUMENT_FRACTION = 0.2;

export function buildHashedTfidf(documents: Iterable<TfidfDocument>, options: HashedTfidfOptions = {}): HashedTfidfSpace {
  const bits = options.bits ?? DEFAULT_HASH_BITS;
  const dimensions = 1 << bits;
  const df = new Int32Array(dimensions);
  const counted: { id: string; counted: Counted }[] = [];
  for (const document of documents) {
    const c = countBuckets(document.text, bits);
    for (const bucket of c.buckets) df[bucket]!++;
    counted.push({ id: document.id, counted: c });
  }
  const n = counted.length;
  const ceiling = Math.max(MIN_COMMON_DOCUMENTS, (options.maxDocumentFraction ?? DEFAULT_MAX_DOCUMENT_FRACTION) * n);
  // Too common a term counts as absent from the space (document frequency 0), in vectors and reasons alike.
  for (let bucket = 0; bucket < dimensions; bucket++) if (df[bucket]! > ceiling) df[bucket] = 0;
  const idf = (bucket: number) => Math.log((n + 1) / (df[bucket]! + 1)) + 1;
  const toVector = ({ buckets, counts }: Counted): SparseVector => {
    const kept: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i]!;
      if (df[bucket] === 0) continue;
      const w = (1 + Math.log(counts[i]!)) * idf(bucket);
      kept.push(bucket);
      values.push(w);
      norm += w * w;
    }
    const scale = 1 / (Math.sqrt(norm) || 1);
    return { indices: Int32Array.from(kept), values: Float32Array.from(values, (w) => w * scale) };
  };
  const vectors = new Map<string, SparseVector>();
  for (const { id, counted: c } of counted) vectors.set(id, toVector(c));
  const termsByKey = new Map<string, DistinctTerms>();
  const profileVectors = new Map<string, SparseVector>();
  return {
    bits,
    dimensions,
    vectors,
    ids: counted.map((c) => c.id),
    termName: () => undefined,
    vectorize(text, key) {
      const kept = key === undefined ? undefined : profileVectors.get(key);
      if (kept) return kept;
      const vector = toVector(countBuckets(text, bits));
      if (key !== undefined) {
        if (profileVectors.size >= MAX_KEPT_PROFILE_VECTORS) profileVectors.clear();
        profileVectors.set(key, vector);
      }
      return vector;
    },
    weightiestTerms(text, weights, count, key) {
      let terms = key === undefined ? undefined : termsByKey.get(key);
      if (!terms) {
        terms = distinctTerms(text, bits, df, idf);
        if (key !== undefined) termsByKey.set(key, terms);
      }
      // The merge of the text's terms with the weights' dimensions (both ordered), keeping the `count` best so far,
      // best first: a handful, so an insertion beats sorting every term.
      const best: number[] = [];
      const contributions: number[] = [];
      const { buckets, idfs, firstSeen } = terms;
      for (let i = 0, j = 0; i < buckets.length && j < weights.indices.length; i++) {
        const bucket = buckets[i]!;
        while (j < weights.indices.length && weights.indices[j]! < bucket) j++;
        if (j === weights.indices.length || weights.indices[j] !== bucket) continue;
        const contribution = idfs[i]! * weights.values[j]!;
        if (contribution <= 0) continue;
        const last = best.length - 1;
        if (best.length === count && !weighsMore(contribution, firstSeen[i]!, contributions[last]!, firstSeen[best[last]!]!)) continue;
        let at = best.length;
        while (at > 0 && weighsMore(contribution, firstSeen[i]!, contributions[at - 1]!, firstSeen[best[at - 1]!]!)) at--;
        best.splice(at, 0, i);
        contributions.splice(at, 0, contribution);
        if (best.length > count) {
          best.pop();
          contributions.pop();
        }
      }
      return best.map((i) => terms.names[i]!);
    },
  };
}
