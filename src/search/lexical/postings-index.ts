import { stemmer } from 'stemmer';
import { words } from '../text.js';
import { B, fts5Idf, IDF_FLOOR, K1, type ColumnWeights } from './fts5-bm25.js';
import {
  DEAD,
  findTerm,
  HIDDEN,
  rankSegments,
  sharedArray,
  sharedCopy,
  inSharedMemory,
  type SharedArrayType,
  TopK,
  type RankingView,
  type RankedTerm,
  type RankingRequest,
  type ScoredKey,
  type Segment,
} from './postings-ranking.js';
import type { RankingLanes } from './ranking-lanes.js';

/**
 * An in-memory inverted index that ranks with exactly the bm25() of SQLite FTS5 (same formula, same statistics,
 * same tokens: unicode61 words with diacritics removed, Porter stems), but sums a query's postings over typed
 * arrays. FTS5 calls its bm25() once per matching row through the auxiliary-function API, at about 0.4 µs a
 * posting; summing postings into an accumulator costs a few nanoseconds each, which is what keeps keyword search
 * fast at a million papers.
 *
 * Documents are added in batches; each batch becomes an immutable segment (terms → postings in document order) and
 * small segments are merged as they accumulate, as in Lucene. Removing (or replacing) a document rewrites the
 * segments that held it without its postings, so document frequencies, the document count and the average length
 * stay exactly what FTS5 has.
 */

export interface IndexedText {
  /** The caller's key for the document (the papers rowid). */
  readonly key: number;
  readonly title: string;
  readonly abstract: string;
  /** The authors column as stored (a JSON array of names): tokenized like the rest. */
  readonly authors: string;
  /** A hidden document counts in the statistics, as in FTS5, but is never returned. */
  readonly hidden: boolean;
}

export interface PostingsQuery {
  /** Free-text words as the query parser produced them; each distinct word is one bm25 phrase, as in FTS5. */
  readonly terms: readonly string[];
  /** Single words whose documents are left out. */
  readonly excluded?: readonly string[];
  readonly limit: number;
}

/** A query's rankings: by its informative terms, then by all of them if that fills less than the page. */
interface QueryRankings {
  readonly informative: RankingRequest;
  readonly all: RankingRequest | null;
}

/** A weighted term frequency is stored in one byte; no real title, abstract and author list repeats a word more. */
const MAX_STORED_FREQUENCY = 255;
/** Segments below this many documents are merged once there are more than MAX_SMALL_SEGMENTS of them. */
const SMALL_SEGMENT_DOCS = 65_536;
const MAX_SMALL_SEGMENTS = 8;

/** The array, or a copy at least `needed` long (in shared memory, which ranking lanes read). */
function grow<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = sharedArray(array.constructor as SharedArrayType<T>, Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/** Builds a segment from (term, doc, frequency) triples already in document order; term ids are below termCount. */
function buildSegment(triples: Triples, termCount: number, firstDoc: number, docCount: number): Segment {
  const { termIds, docs, frequencies, count } = triples;
  const perTerm = new Uint32Array(termCount);
  for (let i = 0; i < count; i++) perTerm[termIds[i]!]!++;
  let distinct = 0;
  for (let t = 0; t < termCount; t++) if (perTerm[t]! > 0) distinct++;
  const terms = sharedArray(Int32Array, distinct);
  const offsets = sharedArray(Uint32Array, distinct + 1);
  // perTerm becomes each term's next free slot.
  for (let t = 0, at = 0; t < termCount; t++) {
    const n = perTerm[t]!;
    if (n === 0) continue;
    terms[at] = t;
    offsets[at + 1] = offsets[at]! + n;
    perTerm[t] = offsets[at]!;
    at++;
  }
  const outDocs = sharedArray(Uint32Array, count);
  const outFrequencies = sharedArray(Uint8Array, count);
  for (let i = 0; i < count; i++) {
    const slot = perTerm[termIds[i]!]!++;
    outDocs[slot] = docs[i]!;
    outFrequencies[slot] = frequencies[i]!;
  }
  return { terms, offsets, docs: outDocs, frequencies: outFrequencies, firstDoc, docCount };
}

interface Triples {
  termIds: Int32Array;
  docs: Uint32Array;
  frequencies: Uint8Array;
  count: number;
}

/** Everything an index holds but its caches: what a file needs to bring it back. */
export interface PostingsState {
  /** Stems by term id. */
  readonly vocabulary: readonly string[];
  readonly documentFrequency: Int32Array;
  readonly docKeys: Float64Array;
  readonly docLengths: Uint32Array;
  readonly unavailable: Uint8Array;
  readonly docCount: number;
  readonly liveDocs: number;
  readonly liveTokens: number;
  readonly segments: readonly Segment[];
}

export class PostingsIndex {
  private readonly termIds = new Map<string, number>();
  /** Word → term id, so a word seen before is neither folded nor stemmed again. */
  private readonly wordTerms = new Map<string, number>();
  private segments: Segment[] = [];
  /** Postings per term id, dead documents included until their segment is merged. */
  private documentFrequency: Int32Array = new Int32Array(1024);
  /** A term's weighted frequency in the document being added (zero between documents). */
  private docFrequencyScratch: Int32Array = new Int32Array(1024);

  private docKeys: Float64Array = sharedArray(Float64Array, 1024);
  private docLengths: Uint32Array = sharedArray(Uint32Array, 1024);
  /** DEAD and HIDDEN flags per document. */
  private unavailable: Uint8Array = sharedArray(Uint8Array, 1024);
  private docCount = 0;

  private readonly docByKey = new Map<number, number>();
  private liveDocs = 0;
  private liveTokens = 0;

  /** What ranking reads, kept while neither the segments nor the per-document arrays change (ranking lanes hold it). */
  private view: RankingView | null = null;
  private scores = new Float64Array(0);
  /** How many of a match's terms each document holds so far (zero between matches). */
  private marks = new Uint8Array(0);
  /** Postings of documents added but not yet sealed into a segment. */
  private pending: (Triples & { readonly firstDoc: number }) | null = null;

  constructor(private readonly weights: ColumnWeights) {}

  /**
   * The index's contents, sealed first. Arrays that later changes rewrite in place are copied; the rest (segments,
   * and keys and lengths of documents already added) never change, so the state stays consistent while it is
   * written out asynchronously.
   */
  state(): PostingsState {
    this.seal();
    return {
      vocabulary: [...this.termIds.keys()],
      documentFrequency: this.documentFrequency.slice(0, this.termIds.size),
      docKeys: this.docKeys.subarray(0, this.docCount),
      docLengths: this.docLengths.subarray(0, this.docCount),
      unavailable: this.unavailable.slice(0, this.docCount),
      docCount: this.docCount,
      liveDocs: this.liveDocs,
      liveTokens: this.liveTokens,
      segments: [...this.segments],
    };
  }

  /** An index holding what `state()` returned (its arrays are used as they are when in shared memory). */
  static restore(weights: ColumnWeights, state: PostingsState): PostingsIndex {
    const index = new PostingsIndex(weights);
    state.vocabulary.forEach((stem, termId) => index.termIds.set(stem, termId));
    index.documentFrequency = state.documentFrequency;
    index.docFrequencyScratch = new Int32Array(state.vocabulary.length);
    index.docKeys = inSharedMemory(state.docKeys);
    index.docLengths = inSharedMemory(state.docLengths);
    index.unavailable = inSharedMemory(state.unavailable);
    index.docCount = state.docCount;
    index.liveDocs = state.liveDocs;
    index.liveTokens = state.liveTokens;
    index.segments = state.segments.map((segment) => ({
      ...segment,
      terms: inSharedMemory(segment.terms),
      offsets: inSharedMemory(segment.offsets),
      docs: inSharedMemory(segment.docs),
      frequencies: inSharedMemory(segment.frequencies),
    }));
    for (let doc = 0; doc < state.docCount; doc++) if (state.unavailable[doc] !== DEAD) index.docByKey.set(state.docKeys[doc]!, doc);
    return index;
  }

  /** Documents that are searchable now. */
  get size(): number {
    return this.liveDocs;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get postingCount(): number {
    this.seal();
    return this.segments.reduce((sum, s) => sum + s.docs.length, 0);
  }

  /**
   * Adds (or replaces, by key) a batch of documents. They become searchable as one segment when the batch is sealed
   * (by default at once); `seal: false` lets a large segment be built over several calls, so a long build can yield
   * between them.
   */
  add(batch: readonly IndexedText[], options: { seal?: boolean } = {}): void {
    // A key given twice in one batch is added once, as its last text.
    const texts = [...new Map(batch.map((text) => [text.key, text])).values()];
    this.purge(texts.map((text) => this.markDead(text.key)).filter((doc) => doc !== null));
    if (this.pending === null && texts.length > 0) {
      const capacity = texts.length * 128;
      this.pending = {
        termIds: new Int32Array(capacity),
        docs: new Uint32Array(capacity),
        frequencies: new Uint8Array(capacity),
        count: 0,
        firstDoc: this.docCount,
      };
    }
    const triples = this.pending;
    const seen: number[] = [];
    this.reserveDocs(this.docCount + texts.length);
    for (const text of texts) {
      if (triples === null) break;
      const doc = this.docCount++;
      let length = 0;
      const fields = [text.title, text.abstract, text.authors];
      for (let column = 0; column < 3; column++) {
        const weight = this.weights[column]!;
        for (const word of words(fields[column]!)) {
          length++;
          const termId = this.termOfWord(word);
          if (this.docFrequencyScratch[termId] === 0) seen.push(termId);
          this.docFrequencyScratch[termId]! += weight;
        }
      }
      if (triples.count + seen.length > triples.termIds.length) {
        const needed = Math.max(triples.termIds.length * 2, triples.count + seen.length);
        triples.termIds = grow(triples.termIds, needed);
        triples.docs = grow(triples.docs, needed);
        triples.frequencies = grow(triples.frequencies, needed);
      }
      for (const termId of seen) {
        triples.termIds[triples.count] = termId;
        triples.docs[triples.count] = doc;
        triples.frequencies[triples.count] = Math.min(MAX_STORED_FREQUENCY, this.docFrequencyScratch[termId]!);
        triples.count++;
        this.docFrequencyScratch[termId] = 0;
        this.documentFrequency[termId]!++;
      }
      seen.length = 0;
      this.docKeys[doc] = text.key;
      this.docLengths[doc] = length;
      this.unavailable[doc] = text.hidden ? HIDDEN : 0;
      this.docByKey.set(text.key, doc);
      this.liveDocs++;
      this.liveTokens += length;
    }
    if (options.seal !== false) this.seal();
  }

  /** Turns the documents added since the last seal into a searchable segment. */
  private seal(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    let segment = buildSegment(pending, this.termIds.size, pending.firstDoc, this.docCount - pending.firstDoc);
    // Documents replaced while the segment was open are dropped from it now.
    if (this.unavailable.subarray(pending.firstDoc, this.docCount).includes(DEAD)) segment = this.withoutDead(segment);
    this.segments.push(segment);
    this.mergeSmallSegments();
    this.view = null;
  }

  /** Leaves documents out of every later search and out of the statistics. */
  remove(keys: Iterable<number>): void {
    const docs: number[] = [];
    for (const key of keys) {
      const doc = this.markDead(key);
      if (doc !== null) docs.push(doc);
    }
    this.purge(docs);
  }

  private markDead(key: number): number | null {
    const doc = this.docByKey.get(key);
    if (doc === undefined) return null;
    this.docByKey.delete(key);
    this.unavailable[doc] = DEAD;
    this.liveDocs--;
    this.liveTokens -= this.docLengths[doc]!;
    return doc;
  }

  /** Rewrites the segments holding these (dead) documents without their postings. */
  private purge(docs: readonly number[]): void {
    const holding = new Set(docs.map((doc) => this.segments.findIndex((s) => doc >= s.firstDoc && doc < s.firstDoc + s.docCount)));
    for (const index of holding) if (index >= 0) this.segments[index] = this.withoutDead(this.segments[index]!);
    // A view holding the old segments would rank the same (their removed documents are flagged), but keep them in
    // memory.
    if (holding.size > 0) this.view = null;
  }

  private withoutDead(segment: Segment): Segment {
    const terms: number[] = [];
    const offsets = [0];
    const docs = new Uint32Array(segment.docs.length);
    const frequencies = new Uint8Array(segment.docs.length);
    let count = 0;
    for (let t = 0; t < segment.terms.length; t++) {
      const termId = segment.terms[t]!;
      for (let i = segment.offsets[t]!; i < segment.offsets[t + 1]!; i++) {
        const doc = segment.docs[i]!;
        if (this.unavailable[doc] === DEAD) {
          this.documentFrequency[termId]!--;
          continue;
        }
        docs[count] = doc;
        frequencies[count++] = segment.frequencies[i]!;
      }
      if (count > offsets[offsets.length - 1]!) {
        terms.push(termId);
        offsets.push(count);
      }
    }
    return {
      terms: sharedCopy(Int32Array, terms),
      offsets: sharedCopy(Uint32Array, offsets),
      docs: sharedCopy(Uint32Array, docs.subarray(0, count)),
      frequencies: sharedCopy(Uint8Array, frequencies.subarray(0, count)),
      firstDoc: segment.firstDoc,
      docCount: segment.docCount,
    };
  }

  /**
   * The best `limit` visible documents for an OR over the terms, by bm25 (higher is better; FTS5 reports the same
   * value negated), ties broken by key.
   *
   * The terms' postings are summed into a score per document (no branch in the loop: at a million papers a branch
   * per posting cost more than the arithmetic), then one pass picks the best. Terms in half the documents or
   * more weigh IDF_FLOOR, as in FTS5; they are scored only when the other terms match fewer than `limit` documents,
   * so a few millionths may be missing from a score, never a document from a page it would have made.
   */
  search(query: PostingsQuery): ScoredKey[] {
    const rankings = this.rankings(query);
    if (rankings === null) return [];
    const best = this.rank(rankings.informative);
    if (best.length === query.limit || rankings.all === null) return best;
    return this.rank(rankings.all);
  }

  /** `search`, with the segments shared out over the lanes' threads when the query is worth it. */
  async searchInLanes(query: PostingsQuery, lanes: RankingLanes): Promise<ScoredKey[]> {
    const rankings = this.rankings(query);
    if (rankings === null) return [];
    const rank = (request: RankingRequest) => lanes.rank(this.rankingView(), request, this.scores);
    const best = await rank(rankings.informative);
    if (best.length === query.limit || rankings.all === null) return best;
    return rank(rankings.all);
  }

  /** The rankings that answer a query (see `search`), or null when no document can match. */
  private rankings(query: PostingsQuery): QueryRankings | null {
    this.seal();
    if (query.limit <= 0 || this.liveDocs === 0) return null;
    const repeats = new Map<number, number>();
    for (const term of new Set(query.terms)) {
      const termId = this.termIds.get(stemmer(term));
      if (termId !== undefined) repeats.set(termId, (repeats.get(termId) ?? 0) + 1);
    }
    if (repeats.size === 0) return null;

    const n = this.liveDocs;
    const averageLength = this.liveTokens / n;
    const terms: RankedTerm[] = [];
    const informative: RankedTerm[] = [];
    for (const [termId, count] of repeats) {
      const idf = fts5Idf(n, this.documentFrequency[termId]!);
      const term = { termId, weight: idf * count };
      terms.push(term);
      if (idf !== IDF_FLOOR) informative.push(term);
    }
    const excluded: number[] = [];
    for (const word of query.excluded ?? []) {
      const termId = this.termIds.get(stemmer(word));
      if (termId !== undefined) excluded.push(termId);
    }
    if (this.scores.length < this.docCount) this.scores = new Float64Array(Math.max(this.docCount, this.scores.length * 2));
    const request = { excluded, base: K1 * (1 - B), perToken: (K1 * B) / averageLength, limit: query.limit };
    return {
      informative: { ...request, terms: informative },
      all: informative.length === terms.length ? null : { ...request, terms },
    };
  }

  private rank(request: RankingRequest): ScoredKey[] {
    const best = new TopK(request.limit);
    const { columns, segments } = this.rankingView();
    rankSegments(columns, segments, request, this.scores, best);
    return best.sorted();
  }

  private rankingView(): RankingView {
    this.view ??= {
      segments: [...this.segments],
      columns: { docKeys: this.docKeys, docLengths: this.docLengths, unavailable: this.unavailable },
    };
    return this.view;
  }

  /** How many live papers hold each word (stemmed as the index stems), and how many live papers there are. */
  documentFrequencies(words: readonly string[]): { papers: number; frequencies: Map<string, number> } {
    const frequencies = new Map<string, number>();
    for (const word of words) {
      const termId = this.termIds.get(stemmer(word));
      frequencies.set(word, termId === undefined ? 0 : this.documentFrequency[termId]!);
    }
    return { papers: this.liveDocs, frequencies };
  }

  /**
   * Calls `visit` with the key of every visible document that holds all of `terms` and none of `excluded` (single
   * words), in no particular order: the match set a count needs, without ranking. Per segment, each term's postings
   * raise a document's mark only when every earlier term already did, so the last term's postings name the matches.
   */
  forEachMatch(terms: readonly string[], excluded: readonly string[], visit: (key: number) => void): void {
    this.seal();
    const required = [...new Set(terms.map((term) => stemmer(term)))].map((stem) => this.termIds.get(stem));
    if (required.length === 0 || required.some((termId) => termId === undefined)) return;
    const termIds = required as number[];
    const excludedIds = excluded.flatMap((word) => this.termIds.get(stemmer(word)) ?? []);
    if (termIds.length > 254) return;
    if (this.marks.length < this.docCount) this.marks = new Uint8Array(Math.max(this.docCount, this.marks.length * 2));
    const marks = this.marks;
    const last = termIds.length;
    for (const segment of this.segments) {
      const ranges = termIds.map((termId) => {
        const at = findTerm(segment, termId);
        return at < 0 ? null : [segment.offsets[at]!, segment.offsets[at + 1]!];
      });
      if (ranges.some((range) => range === null)) continue;
      const { docs } = segment;
      ranges.forEach((range, step) => {
        for (let i = range![0]!, end = range![1]!; i < end; i++) if (marks[docs[i]!] === step) marks[docs[i]!] = step + 1;
      });
      for (const termId of excludedIds) {
        const at = findTerm(segment, termId);
        if (at >= 0) for (let i = segment.offsets[at]!, end = segment.offsets[at + 1]!; i < end; i++) marks[docs[i]!] = 255;
      }
      const [start, end] = ranges[last - 1]!;
      for (let i = start!; i < end!; i++) {
        const doc = docs[i]!;
        if (marks[doc] === last && this.unavailable[doc] === 0) visit(this.docKeys[doc]!);
      }
      for (const range of ranges) for (let i = range![0]!, stop = range![1]!; i < stop; i++) marks[docs[i]!] = 0;
      for (const termId of excludedIds) {
        const at = findTerm(segment, termId);
        if (at >= 0) for (let i = segment.offsets[at]!, stop = segment.offsets[at + 1]!; i < stop; i++) marks[docs[i]!] = 0;
      }
    }
  }

  private termOfWord(word: string): number {
    let termId = this.wordTerms.get(word);
    if (termId === undefined) {
      const stem = stemmer(word);
      termId = this.termIds.get(stem);
      if (termId === undefined) {
        termId = this.termIds.size;
        this.termIds.set(stem, termId);
        this.documentFrequency = grow(this.documentFrequency, termId + 1);
        this.docFrequencyScratch = grow(this.docFrequencyScratch, termId + 1);
      }
      this.wordTerms.set(word, termId);
    }
    return termId;
  }

  private reserveDocs(needed: number): void {
    this.docKeys = grow(this.docKeys, needed);
    this.docLengths = grow(this.docLengths, needed);
    this.unavailable = grow(this.unavailable, needed);
  }

  /** Merges the trailing small segments into one once there are too many. */
  private mergeSmallSegments(): void {
    let first = this.segments.length;
    while (first > 0 && this.segments[first - 1]!.docCount < SMALL_SEGMENT_DOCS) first--;
    if (this.segments.length - first <= MAX_SMALL_SEGMENTS) return;
    const merging = this.segments.slice(first);
    // Segments hold consecutive document ranges, so a term's merged postings are its postings in each segment in
    // turn: count them, then copy each run into place.
    const perTerm = new Uint32Array(this.termIds.size);
    let total = 0;
    for (const segment of merging) {
      for (let t = 0; t < segment.terms.length; t++) perTerm[segment.terms[t]!]! += segment.offsets[t + 1]! - segment.offsets[t]!;
      total += segment.docs.length;
    }
    let distinct = 0;
    for (let t = 0; t < perTerm.length; t++) if (perTerm[t]! > 0) distinct++;
    const terms = sharedArray(Int32Array, distinct);
    const offsets = sharedArray(Uint32Array, distinct + 1);
    for (let t = 0, at = 0; t < perTerm.length; t++) {
      if (perTerm[t] === 0) continue;
      terms[at] = t;
      offsets[at + 1] = offsets[at]! + perTerm[t]!;
      perTerm[t] = offsets[at]!; // from here on: the term's next free slot
      at++;
    }
    const docs = sharedArray(Uint32Array, total);
    const frequencies = sharedArray(Uint8Array, total);
    for (const segment of merging) {
      for (let t = 0; t < segment.terms.length; t++) {
        const start = segment.offsets[t]!;
        const end = segment.offsets[t + 1]!;
        const slot = perTerm[segment.terms[t]!]!;
        docs.set(segment.docs.subarray(start, end), slot);
        frequencies.set(segment.frequencies.subarray(start, end), slot);
        perTerm[segment.terms[t]!] = slot + end - start;
      }
    }
    const docCount = merging.reduce((sum, s) => sum + s.docCount, 0);
    this.segments = [...this.segments.slice(0, first), { terms, offsets, docs, frequencies, firstDoc: merging[0]!.firstDoc, docCount }];
  }
}
