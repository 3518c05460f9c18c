import type { SparseVector } from './tfidf.js';

/**
 * A fixed set of candidate vectors, inverted: for each dimension, the candidates that hold it and their values, in
 * compressed rows. Scoring a reader then walks only the postings of the reader's own dimensions — a few thousand
 * for a small library — instead of every term of every candidate, which is what makes a week of twenty thousand
 * papers cheap to rank for a hundred thousand digest subscribers.
 */
export interface CandidateIndex {
  /** Candidates, numbered 0… in the order their vectors were given. */
  readonly size: number;
  readonly dimensions: number;
  /** Postings of dimension d are `members[offsets[d] … offsets[d + 1])`. */
  readonly offsets: Int32Array;
  readonly members: Int32Array;
  readonly values: Float32Array;
}

export function invertVectors(vectors: readonly SparseVector[], dimensions: number): CandidateIndex {
  const offsets = new Int32Array(dimensions + 1);
  for (const vector of vectors) for (const d of vector.indices) offsets[d + 1]!++;
  for (let d = 0; d < dimensions; d++) offsets[d + 1]! += offsets[d]!;
  const members = new Int32Array(offsets[dimensions]!);
  const values = new Float32Array(members.length);
  const fill = offsets.slice(0, dimensions);
  vectors.forEach((vector, c) => {
    for (let i = 0; i < vector.indices.length; i++) {
      const at = fill[vector.indices[i]!]!++;
      members[at] = c;
      values[at] = vector.values[i]!;
    }
  });
  return { size: vectors.length, dimensions, offsets, members, values };
}

/** Each candidate's dot product with `weights`. */
export function indexedLinearScores(index: CandidateIndex, weights: SparseVector): Float64Array {
  const scores = new Float64Array(index.size);
  const { offsets, members, values } = index;
  for (let i = 0; i < weights.indices.length; i++) {
    const d = weights.indices[i]!;
    if (d >= index.dimensions) continue;
    const w = weights.values[i]!;
    for (let p = offsets[d]!, end = offsets[d + 1]!; p < end; p++) scores[members[p]!]! += w * values[p]!;
  }
  return scores;
}

/** Scratch for the per-profile-paper similarities, as long as the largest index seen (scoring is synchronous). */
let simScratch = new Float64Array(0);
let seenScratch = new Uint8Array(0);
let touchedScratch = new Int32Array(0);

/** A linear score that is a weighted sum of cosines to the profile's papers (a centroid is one). */
export interface ProfileSum {
  readonly negatives: readonly SparseVector[];
  readonly positiveScale: number;
  readonly negativeScale: number;
}

export interface ProfileScores {
  /** Each candidate's mean of its `k` highest cosines to a positive (k = 1: the nearest); null when k is 0. */
  readonly nearest: Float64Array | null;
  /** positiveScale × Σ cosines to the positives + negativeScale × Σ cosines to the negatives; null without `sum`. */
  readonly sum: Float64Array | null;
}

/**
 * Walks the profile's papers one at a time — only the candidates sharing a dimension with that paper are touched —
 * and computes from the same cosines both the nearest-papers score and, optionally, a sum of cosines, so a centroid
 * and a nearest-paper scorer cost one walk together.
 */
export function indexedProfileScores(index: CandidateIndex, positives: readonly SparseVector[], k: number, sum?: ProfileSum): ProfileScores {
  if (simScratch.length < index.size) {
    simScratch = new Float64Array(index.size);
    seenScratch = new Uint8Array(index.size);
    touchedScratch = new Int32Array(index.size);
  }
  const sims = simScratch;
  const seen = seenScratch;
  const touched = touchedScratch;
  const top = new Float64Array(index.size * k);
  const sums = sum ? new Float64Array(index.size) : null;
  const { offsets, members, values } = index;
  const walk = (vector: SparseVector, scale: number, nearest: boolean) => {
    let count = 0;
    for (let i = 0; i < vector.indices.length; i++) {
      const d = vector.indices[i]!;
      if (d >= index.dimensions) continue;
      const w = vector.values[i]!;
      for (let p = offsets[d]!, end = offsets[d + 1]!; p < end; p++) {
        const c = members[p]!;
        if (seen[c] === 0) {
          seen[c] = 1;
          touched[count++] = c;
        }
        sims[c]! += w * values[p]!;
      }
    }
    for (let t = 0; t < count; t++) {
      const c = touched[t]!;
      const s = sims[c]!;
      sims[c] = 0;
      seen[c] = 0;
      if (sums) sums[c]! += scale * s;
      if (!nearest) continue;
      const base = c * k;
      if (s <= top[base + k - 1]!) continue;
      let i = k - 1;
      while (i > 0 && top[base + i - 1]! < s) {
        top[base + i] = top[base + i - 1]!;
        i--;
      }
      top[base + i] = s;
    }
  };
  for (const vector of positives) walk(vector, sum?.positiveScale ?? 0, k > 0);
  if (sum) for (const vector of sum.negatives) walk(vector, sum.negativeScale, false);
  let nearest: Float64Array | null = null;
  if (k > 0) {
    nearest = new Float64Array(index.size);
    const divisor = Math.min(k, Math.max(1, positives.length));
    for (let c = 0; c < index.size; c++) {
      let total = 0;
      for (let i = 0; i < k; i++) total += top[c * k + i]!;
      nearest[c] = total / divisor;
    }
  }
  return { nearest, sum: sums };
}
