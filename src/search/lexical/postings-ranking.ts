import { K1 } from './fts5-bm25.js';

/**
 * Ranking over a PostingsIndex's segments: the bm25 sum, and the best documents kept. A pure function of the
 * segments, the per-document columns and the request, so a ranking lane (ranking-lanes.ts) runs the same code on its
 * share of the segments as the index does on all of them.
 */

export interface ScoredKey {
  readonly key: number;
  readonly score: number;
}

/** Per-document flags: removed (its postings go at the next rewrite of its segment), or hidden from results. */
export const DEAD = 1;
export const HIDDEN = 2;

/**
 * A segment's matched documents are read through the postings when the postings number less than its documents
 * divided by this; otherwise by one pass over its slice of the scores (sequential, so cheaper per document).
 */
const WALK_POSTINGS_BELOW = 2;

export interface Segment {
  /** Distinct term ids present, ascending. */
  readonly terms: Int32Array;
  /** Postings of terms[i] are docs/frequencies[offsets[i] .. offsets[i + 1]). */
  readonly offsets: Uint32Array;
  readonly docs: Uint32Array;
  readonly frequencies: Uint8Array;
  /** The segment holds documents firstDoc .. firstDoc + docCount - 1 (some of them removed since). */
  readonly firstDoc: number;
  readonly docCount: number;
}

export function findTerm(segment: Segment, termId: number): number {
  let lo = 0;
  let hi = segment.terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = segment.terms[mid]!;
    if (value === termId) return mid;
    if (value < termId) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The best `capacity` (score, key) pairs seen, higher score first, then lower key: a binary min-heap of the kept. */
export class TopK {
  private readonly scores: number[] = [];
  private readonly keys: number[] = [];

  constructor(private readonly capacity: number) {}

  /** The score a candidate must reach to be kept (−∞ until full). */
  get floor(): number {
    return this.scores.length < this.capacity ? -Infinity : this.scores[0]!;
  }

  get size(): number {
    return this.scores.length;
  }

  offer(score: number, key: number): void {
    if (this.scores.length < this.capacity) {
      this.scores.push(score);
      this.keys.push(key);
      this.siftUp(this.scores.length - 1);
    } else if (this.worse(0, score, key)) {
      this.scores[0] = score;
      this.keys[0] = key;
      this.siftDown(0);
    }
  }

  sorted(): ScoredKey[] {
    return this.scores.map((score, i) => ({ key: this.keys[i]!, score })).sort((a, b) => b.score - a.score || a.key - b.key);
  }

  /** Whether the kept entry at `i` ranks below (score, key). */
  private worse(i: number, score: number, key: number): boolean {
    return this.scores[i]! < score || (this.scores[i] === score && this.keys[i]! > key);
  }

  private swap(i: number, j: number): void {
    [this.scores[i], this.scores[j]] = [this.scores[j]!, this.scores[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }

  private siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.worse(at, this.scores[parent]!, this.keys[parent]!)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(at: number): void {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let lowest = at;
      if (left < this.scores.length && this.worse(left, this.scores[lowest]!, this.keys[lowest]!)) lowest = left;
      if (right < this.scores.length && this.worse(right, this.scores[lowest]!, this.keys[lowest]!)) lowest = right;
      if (lowest === at) return;
      this.swap(at, lowest);
      at = lowest;
    }
  }
}

/** A query term as ranking needs it. */
export interface RankedTerm {
  readonly termId: number;
  /** idf times the number of query words with this stem (FTS5 scores each word as its own phrase). */
  readonly weight: number;
}

/** One ranking: OR over the terms, leaving out documents with an excluded term, the best `limit` kept. */
export interface RankingRequest {
  readonly terms: readonly RankedTerm[];
  /** Term ids of single excluded words. */
  readonly excluded: readonly number[];
  /** bm25's length normalisation: k1·(1 − b) + k1·b·length / averageLength = base + perToken·length. */
  readonly base: number;
  readonly perToken: number;
  readonly limit: number;
}

/** What ranking reads per document, by document number. */
export interface DocumentColumns {
  readonly docKeys: Float64Array;
  readonly docLengths: Uint32Array;
  /** DEAD and HIDDEN flags. */
  readonly unavailable: Uint8Array;
}

/** The segments and columns a ranking reads: one object for as long as neither changes, so lanes are sent it once. */
export interface RankingView {
  readonly segments: readonly Segment[];
  readonly columns: DocumentColumns;
}

/**
 * Segment by segment, adds the terms' bm25 shares to the accumulator, then offers the segment's best documents to
 * `best` and clears their scores. A segment's slice of the scores and lengths stays in the CPU cache while every
 * term is added and the slice is read back (term by term over the whole collection, each term would sweep all of it
 * through memory again). Segments hold disjoint document ranges, so a segment's scores are final once its own
 * postings are added. `scores` covers every document of the segments and is all zeros, as it is left.
 */
export function rankSegments(
  columns: DocumentColumns,
  segments: readonly Segment[],
  request: RankingRequest,
  scores: Float64Array,
  best: TopK,
): void {
  const { docKeys, docLengths: lengths, unavailable } = columns;
  const { terms, excluded, base, perToken, limit } = request;
  const ranges: number[] = [];
  for (const segment of segments) {
    const { docs, frequencies, offsets } = segment;
    ranges.length = 0;
    let postings = 0;
    for (const term of terms) {
      const at = findTerm(segment, term.termId);
      if (at < 0) continue;
      const numerator = term.weight * (K1 + 1);
      const start = offsets[at]!;
      const end = offsets[at + 1]!;
      for (let i = start; i < end; i++) {
        const doc = docs[i]!;
        const f = frequencies[i]!;
        scores[doc]! += (numerator * f) / (f + base + perToken * lengths[doc]!);
      }
      ranges.push(start, end);
      postings += end - start;
    }
    const matched = ranges.length;
    for (const termId of excluded) {
      const at = findTerm(segment, termId);
      if (at < 0) continue;
      for (let i = offsets[at]!, end = offsets[at + 1]!; i < end; i++) scores[docs[i]!] = -Infinity;
      ranges.push(offsets[at]!, offsets[at + 1]!);
    }
    let least = Math.max(best.floor, Number.MIN_VALUE);
    if (postings * WALK_POSTINGS_BELOW < segment.docCount) {
      // Far fewer postings than documents (a query of rarer words): the matched documents are reached through the
      // postings instead of reading the segment's whole slice of the scores. Each has a positive score until its
      // first visit clears it.
      for (let r = 0; r < matched; r += 2) {
        for (let i = ranges[r]!, end = ranges[r + 1]!; i < end; i++) {
          const doc = docs[i]!;
          const score = scores[doc]!;
          if (score === 0) continue;
          scores[doc] = 0;
          if (score < least || unavailable[doc] !== 0) continue;
          best.offer(score, docKeys[doc]!);
          if (best.size === limit) least = Math.max(least, best.floor);
        }
      }
      for (let r = matched; r < ranges.length; r += 2) for (let i = ranges[r]!, end = ranges[r + 1]!; i < end; i++) scores[docs[i]!] = 0;
      continue;
    }
    for (let doc = segment.firstDoc, end = segment.firstDoc + segment.docCount; doc < end; doc++) {
      const score = scores[doc]!;
      scores[doc] = 0;
      if (score < least || unavailable[doc] !== 0) continue;
      best.offer(score, docKeys[doc]!);
      if (best.size === limit) least = Math.max(least, best.floor);
    }
  }
}

/** A typed-array constructor that can lay its array over a SharedArrayBuffer. */
export interface SharedArrayType<T> {
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A zeroed array in shared memory: the index's segments and per-document columns live there, so ranking lanes read
 * them in place (posting one to a thread passes a reference, not a copy).
 */
export function sharedArray<T>(make: SharedArrayType<T>, length: number): T {
  return new make(new SharedArrayBuffer(length * make.BYTES_PER_ELEMENT));
}

export function sharedCopy<T extends { set(source: ArrayLike<number>): void }>(make: SharedArrayType<T>, source: ArrayLike<number>): T {
  const copy = sharedArray(make, source.length);
  copy.set(source);
  return copy;
}

/** The array itself when it is in shared memory already, else a copy that is. */
export function inSharedMemory<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  return sharedCopy(array.constructor as unknown as SharedArrayType<T>, array);
}
