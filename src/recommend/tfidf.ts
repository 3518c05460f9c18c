import { paperTerms } from './terms.js';

/** A sparse vector: term indices in ascending order and their weights. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export interface TfidfDocument {
  readonly id: string;
  readonly text: string;
}

/** Where a space's vectors are looked up by paper id (a map, or a map with a reader's own papers laid over it). */
export interface VectorLookup {
  get(id: string): SparseVector | undefined;
  has(id: string): boolean;
}

/** Papers as sparse vectors over some dimensions: TF-IDF terms, hashed terms or embedding coordinates. */
export interface FeatureSpace {
  /** Every index of every vector is below this. */
  readonly dimensions: number;
  readonly vectors: VectorLookup;
  /** Document ids in corpus order, for sampling. */
  readonly ids: readonly string[];
  /** The word a dimension stands for, when the space knows it (reasons show it); undefined otherwise. */
  termName(index: number): string | undefined;
}

/** TF-IDF vectors of a corpus (sublinear term frequency, smoothed idf, unit length). */
export interface TfidfModel extends FeatureSpace {
  readonly vectors: ReadonlyMap<string, SparseVector>;
  readonly terms: readonly string[];
}

export interface TfidfOptions {
  /** Terms in fewer documents than this are dropped (they cannot link two papers). */
  readonly minDocumentFrequency?: number;
  /** 1 + log(count) instead of the count (default true): a word said ten times is not ten times the topic. */
  readonly sublinearTf?: boolean;
  /** How a text becomes terms (default: content words and their adjacent pairs). */
  readonly terms?: (text: string) => string[];
}

/** Builds the TF-IDF vectors of every document; a term must appear in `minDocumentFrequency` documents (default 2). */
export function buildTfidf(documents: Iterable<TfidfDocument>, options: TfidfOptions = {}): TfidfModel {
  const minDf = options.minDocumentFrequency ?? 2;
  const sublinear = options.sublinearTf ?? true;
  const termsOf = options.terms ?? paperTerms;
  const termIds = new Map<string, number>();
  const documentFrequency: number[] = [];
  const counted: { id: string; counts: Map<number, number> }[] = [];
  for (const document of documents) {
    const counts = new Map<number, number>();
    for (const term of termsOf(document.text)) {
      let id = termIds.get(term);
      if (id === undefined) {
        id = documentFrequency.length;
        termIds.set(term, id);
        documentFrequency.push(0);
      }
      const previous = counts.get(id);
      if (previous === undefined) documentFrequency[id]!++;
      counts.set(id, (previous ?? 0) + 1);
    }
    counted.push({ id: document.id, counts });
  }
  const n = counted.length;
  const kept = new Int32Array(documentFrequency.length).fill(-1);
  const terms: string[] = [];
  const idf: number[] = [];
  for (const [term, id] of termIds) {
    const df = documentFrequency[id]!;
    if (df < minDf) continue;
    kept[id] = terms.length;
    terms.push(term);
    idf.push(Math.log((n + 1) / (df + 1)) + 1);
  }
  const vectors = new Map<string, SparseVector>();
  for (const { id, counts } of counted) {
    const entries: [number, number][] = [];
    for (const [raw, count] of counts) {
      const index = kept[raw]!;
      if (index >= 0) entries.push([index, (sublinear ? 1 + Math.log(count) : count) * idf[index]!]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
    vectors.set(id, {
      indices: Int32Array.from(entries, ([index]) => index),
      values: Float32Array.from(entries, ([, w]) => w / norm),
    });
  }
  return { terms, vectors, ids: counted.map((c) => c.id), dimensions: terms.length, termName: (index) => terms[index] };
}

/** Dot product of a sparse vector with a dense one. */
export function dotDense(vector: SparseVector, dense: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < vector.indices.length; i++) sum += vector.values[i]! * dense[vector.indices[i]!]!;
  return sum;
}

/** Dot product of two sparse vectors (cosine for unit vectors). */
export function dotSparse(a: SparseVector, b: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i]!;
    const y = b.indices[j]!;
    if (x === y) sum += a.values[i++]! * b.values[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** Adds `scale` times a sparse vector into a dense one. */
export function addScaled(dense: Float64Array, vector: SparseVector, scale: number): void {
  for (let i = 0; i < vector.indices.length; i++) dense[vector.indices[i]!]! += scale * vector.values[i]!;
}
