import { createHash } from 'node:crypto';
import { stemmer } from 'stemmer';
import { contentTerms, isContentWord, words } from '../text.js';
import { l2Normalize, type EmbeddableDocument } from './embedder.js';
import {
  cooperativeYield,
  gaussianSource,
  orthonormalizeColumns,
  sparseTimesDense,
  sparseTransposeTimesDense,
  symmetricEigen,
  type SparseRows,
} from './linear-algebra.js';

/**
 * Latent semantic analysis: a truncated SVD of the papers' TF-IDF matrix. Papers and queries are folded into
 * the top singular directions, where words that occur in similar papers land close together.
 */
export interface LsaModel {
  readonly terms: readonly string[];
  readonly idf: Float32Array;
  /** terms × dimensions, row-major: each term's coordinates in the latent space. */
  readonly projection: Float32Array;
  readonly dimensions: number;
  /** Papers in the corpus when the model was trained (the training sample may be smaller). */
  readonly trainedOn: number;
}

export interface LsaTrainingOptions {
  readonly dimensions?: number;
  readonly maxVocabulary?: number;
  readonly powerIterations?: number;
}

/** Distinct words remembered before a stemming cache starts over (bounds memory on endless vocabularies). */
const WORD_CACHE_LIMIT = 500_000;

/** Title words count this many times: titles are short and say what the paper is about. */
const TITLE_REPEAT = 2;

function weightedTerms(doc: EmbeddableDocument, terms: (text: string) => string[] = contentTerms): string[] {
  const title = terms(doc.title);
  // Concatenated, never spread into push(): a spread passes every word as an argument, and a long text overflows the stack.
  let out: string[] = [];
  for (let i = 0; i < TITLE_REPEAT; i++) out = out.concat(title);
  return out.concat(terms(doc.abstract));
}

/** contentTerms() with each distinct word stemmed once (training reads millions of words of a far smaller vocabulary). */
function memoizedContentTerms(): (text: string) => string[] {
  const stems = new Map<string, string | null>();
  return (text) => {
    const out: string[] = [];
    for (const word of words(text)) {
      let stem = stems.get(word);
      if (stem === undefined) {
        stem = isContentWord(word) ? stemmer(word) : null;
        if (stems.size >= WORD_CACHE_LIMIT) stems.clear();
        stems.set(word, stem);
      }
      if (stem !== null) out.push(stem);
    }
    return out;
  };
}

/** Sublinear TF × IDF over the model's vocabulary, as sparse (index, weight) pairs. */
function tfidf(terms: readonly string[], index: ReadonlyMap<string, number>, idf: Float32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const i = index.get(term);
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  let norm = 0;
  for (const [i, tf] of counts) {
    const w = (1 + Math.log(tf)) * idf[i]!;
    counts.set(i, w);
    norm += w * w;
  }
  if (norm > 0) for (const [i, w] of counts) counts.set(i, w / Math.sqrt(norm));
  return counts;
}

export async function trainLsa(documents: readonly EmbeddableDocument[], options: LsaTrainingOptions = {}): Promise<LsaModel> {
  const pause = cooperativeYield();
  const maxVocabulary = options.maxVocabulary ?? 60_000;
  const tokenized: string[][] = [];
  const terms = memoizedContentTerms();
  for (const doc of documents) {
    tokenized.push(weightedTerms(doc, terms));
    if (tokenized.length % 500 === 0) await pause();
  }
  const df = new Map<string, number>();
  for (const terms of tokenized) for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
  const n = documents.length;
  // Words seen once cannot relate two papers; words in most papers carry no topic.
  const minDf = n >= 50 ? 2 : 1;
  const vocabulary = [...df.entries()]
    .filter(([, count]) => count >= minDf && (n < 20 || count <= n * 0.5))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxVocabulary)
    .map(([term]) => term)
    .sort();
  const index = new Map(vocabulary.map((term, i) => [term, i]));
  const idf = new Float32Array(vocabulary.length);
  vocabulary.forEach((term, i) => (idf[i] = Math.log((n + 1) / (df.get(term)! + 0.5))));

  const rowStart = new Uint32Array(n + 1);
  const columns: number[] = [];
  const values: number[] = [];
  tokenized.forEach((terms, r) => {
    for (const [i, w] of [...tfidf(terms, index, idf)].sort((a, b) => a[0] - b[0])) {
      columns.push(i);
      values.push(w);
    }
    rowStart[r + 1] = columns.length;
  });
  const a: SparseRows = {
    rowStart,
    columns: Uint32Array.from(columns),
    values: Float32Array.from(values),
    rows: n,
    cols: vocabulary.length,
  };
  const dimensions = Math.max(1, Math.min(options.dimensions ?? 256, n - 1, vocabulary.length - 1));
  if (vocabulary.length < 2 || n < 2) {
    return { terms: vocabulary, idf, projection: new Float32Array(vocabulary.length * dimensions), dimensions, trainedOn: n };
  }
  const width = Math.min(dimensions + 12, n, vocabulary.length);
  const gaussian = gaussianSource(0x5eed);
  const omega = new Float64Array(vocabulary.length * width).map(() => gaussian());
  let y = await orthonormalizeColumns(await sparseTimesDense(a, omega, width, pause), n, width, pause);
  for (let i = 0; i < (options.powerIterations ?? 1); i++) {
    // Aᵀ Y spans the same space orthonormalised or not; orthonormalising only A Aᵀ Y halves that work and is
    // stable enough in float64 (a breakdown falls back to Gram–Schmidt).
    const z = await sparseTransposeTimesDense(a, y, width, pause);
    y = await orthonormalizeColumns(await sparseTimesDense(a, z, width, pause), n, width, pause);
  }
  // Z = Aᵀ Y = Bᵀ for B = Yᵀ A; the right singular vectors of A are Z's left singular vectors.
  const z = await sparseTransposeTimesDense(a, y, width, pause);
  const gram = new Float64Array(width * width);
  for (let t = 0; t < vocabulary.length; t++) {
    if (t % 256 === 0) await pause();
    const base = t * width;
    for (let i = 0; i < width; i++) {
      const zi = z[base + i]!;
      if (zi === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j]! += zi * z[base + j]!;
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i]!;
  const { values: eigenvalues, vectors } = await symmetricEigen(gram, width, pause);
  // V_k = Z U_k / σ_k gives unit singular directions; folding in with V_k keeps each direction scaled by σ.
  // U's first `dimensions` columns, pre-divided by σ, row-major so the inner loop runs over contiguous memory.
  const scaled = new Float64Array(width * dimensions);
  for (let i = 0; i < width; i++) {
    for (let k = 0; k < dimensions; k++) scaled[i * dimensions + k] = vectors[i * width + k]! / Math.sqrt(Math.max(eigenvalues[k]!, 1e-24));
  }
  const projection = new Float32Array(vocabulary.length * dimensions);
  const row = new Float64Array(dimensions);
  for (let t = 0; t < vocabulary.length; t++) {
    if (t % 256 === 0) await pause();
    row.fill(0);
    const base = t * width;
    for (let i = 0; i < width; i++) {
      const zi = z[base + i]!;
      if (zi === 0) continue;
      const u = i * dimensions;
      for (let k = 0; k < dimensions; k++) row[k]! += zi * scaled[u + k]!;
    }
    projection.set(row, t * dimensions);
  }
  return { terms: vocabulary, idf, projection, dimensions, trainedOn: n };
}

/**
 * Folds papers and queries into a trained model's latent space: the sublinear TF-IDF vector times the projection,
 * L2-normalised. Each distinct word is stemmed and looked up once, then served from a cache, and term counts come
 * from sorting the term indices; together several times faster than stemming every token.
 */
export class LsaFolder {
  private readonly termIndex: Map<string, number>;
  /** Word as `words()` yields it → vocabulary index, or -1 for stop words, short words and unknown terms. */
  private readonly wordTerms = new Map<string, number>();
  private readonly accumulator: Float64Array;

  constructor(readonly model: LsaModel) {
    this.termIndex = new Map(model.terms.map((term, i) => [term, i]));
    this.accumulator = new Float64Array(model.dimensions);
  }

  /** Title words count TITLE_REPEAT times, as in training. */
  document(doc: EmbeddableDocument): Float32Array {
    const terms: number[] = [];
    this.collect(doc.title, TITLE_REPEAT, terms);
    this.collect(doc.abstract, 1, terms);
    return this.fold(terms);
  }

  query(text: string): Float32Array {
    const terms: number[] = [];
    this.collect(text, 1, terms);
    return this.fold(terms);
  }

  private termOfWord(word: string): number {
    let term = this.wordTerms.get(word);
    if (term === undefined) {
      // The same filter as contentTerms(): no 1-character words, no stop words, then the stem.
      term = isContentWord(word) ? (this.termIndex.get(stemmer(word)) ?? -1) : -1;
      if (this.wordTerms.size >= WORD_CACHE_LIMIT) this.wordTerms.clear();
      this.wordTerms.set(word, term);
    }
    return term;
  }

  private collect(text: string, repeat: number, into: number[]): void {
    for (const word of words(text)) {
      const term = this.termOfWord(word);
      if (term >= 0) for (let r = 0; r < repeat; r++) into.push(term);
    }
  }

  private fold(terms: number[]): Float32Array {
    const { dimensions, idf, projection } = this.model;
    const sorted = Int32Array.from(terms).sort();
    const acc = this.accumulator.fill(0);
    for (let start = 0; start < sorted.length;) {
      const term = sorted[start]!;
      let end = start + 1;
      while (end < sorted.length && sorted[end] === term) end++;
      // The TF-IDF vector's own normalisation is skipped: the result is normalised anyway.
      const weight = (1 + Math.log(end - start)) * idf[term]!;
      const base = term * dimensions;
      for (let k = 0; k < dimensions; k++) acc[k]! += weight * projection[base + k]!;
      start = end;
    }
    let norm = 0;
    for (let k = 0; k < dimensions; k++) norm += acc[k]! * acc[k]!;
    const out = new Float32Array(dimensions);
    if (norm === 0) return out;
    const scale = 1 / Math.sqrt(norm);
    for (let k = 0; k < dimensions; k++) out[k] = acc[k]! * scale;
    return out;
  }
}

/** Reference implementation of folding (plain TF-IDF over stemmed terms); LsaFolder must agree with it. */
export function lsaVectorOfTerms(model: LsaModel, index: ReadonlyMap<string, number>, terms: readonly string[]): Float32Array {
  const out = new Float32Array(model.dimensions);
  for (const [i, w] of tfidf(terms, index, model.idf)) {
    const base = i * model.dimensions;
    for (let k = 0; k < model.dimensions; k++) out[k]! += w * model.projection[base + k]!;
  }
  return l2Normalize(out);
}

export function lsaDocumentTerms(doc: EmbeddableDocument): string[] {
  return weightedTerms(doc);
}

export function lsaQueryTerms(text: string): string[] {
  return contentTerms(text);
}

/** [u32 header length][JSON header][padding to 4][idf f32…][projection f32…] */
export function serializeLsa(model: LsaModel): Uint8Array {
  const header = Buffer.from(
    JSON.stringify({ format: 'lsa-1', dimensions: model.dimensions, trainedOn: model.trainedOn, terms: model.terms }),
  );
  const headerEnd = 4 + header.length;
  const start = Math.ceil(headerEnd / 4) * 4;
  const out = Buffer.alloc(start + (model.idf.length + model.projection.length) * 4);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  Buffer.from(model.idf.buffer, model.idf.byteOffset, model.idf.byteLength).copy(out, start);
  Buffer.from(model.projection.buffer, model.projection.byteOffset, model.projection.byteLength).copy(out, start + model.idf.byteLength);
  return out;
}

export function deserializeLsa(data: Uint8Array): LsaModel {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const headerLength = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as {
    format: string;
    dimensions: number;
    trainedOn: number;
    terms: string[];
  };
  if (header.format !== 'lsa-1') throw new Error(`unknown builtin model format ${header.format}`);
  const start = Math.ceil((4 + headerLength) / 4) * 4;
  const copy = new Uint8Array(buffer.subarray(start)).slice();
  const floats = new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  const vocabulary = header.terms.length;
  return {
    terms: header.terms,
    idf: floats.slice(0, vocabulary),
    projection: floats.slice(vocabulary, vocabulary + vocabulary * header.dimensions),
    dimensions: header.dimensions,
    trainedOn: header.trainedOn,
  };
}

/** Model ids of plain LSA models start with this; of contrastively tuned ones, with TUNED_LSA_ID_PREFIX. */
export const LSA_ID_PREFIX = 'builtin:lsa-';
export const TUNED_LSA_ID_PREFIX = 'builtin:lsa-ct1-';

/** The id names the method, so vectors of a model trained another way are never mixed with this one's. */
export function lsaModelId(serialized: Uint8Array, tuned = false): string {
  return `${tuned ? TUNED_LSA_ID_PREFIX : LSA_ID_PREFIX}${createHash('sha256').update(serialized).digest('hex').slice(0, 12)}`;
}

export function isTunedLsaModelId(id: string): boolean {
  return id.startsWith(TUNED_LSA_ID_PREFIX);
}
