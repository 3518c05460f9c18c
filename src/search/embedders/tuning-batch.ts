/**
 * The arithmetic of one contrastive-tuning batch that splits into independent rows: pooling each pair's two sides,
 * the batch's similarity matrix, and the gradients on the pooled vectors. Everything lives in shared memory so that
 * several threads can each take a range of rows (tuning-lanes.ts). Every output element is computed by one thread,
 * with the same operations in the same order as a single thread would, so the model is the same bit for bit
 * whatever the number of threads.
 */
export interface TuningMemory {
  readonly dimensions: number;
  /** Pairs per batch. */
  readonly size: number;
  /** terms × dimensions, the coordinates being tuned. */
  readonly projection: Float32Array;
  /** Pair p's short side is bag 2p, its long side bag 2p + 1; bag b's entries are bagStart[b] .. bagStart[b + 1]. */
  readonly bagStart: Uint32Array;
  readonly bagTerms: Int32Array;
  /** (1 + log tf) · idf of each entry. */
  readonly bagWeights: Float32Array;
  /** The epoch's order of the pairs. */
  readonly order: Uint32Array;
  /** Pooled, normalised sides of the batch (size × dimensions) and their norms before normalising. */
  readonly shorts: Float32Array;
  readonly longs: Float32Array;
  readonly shortNorms: Float32Array;
  readonly longNorms: Float32Array;
  /** size × size: similarity[i][j] = short i · long j, and ∂loss/∂similarity. */
  readonly similarity: Float64Array;
  readonly gradient: Float64Array;
  /** size × dimensions: ∂loss/∂(pooled short i) and ∂loss/∂(pooled long j). */
  readonly shortGradient: Float64Array;
  readonly longGradient: Float64Array;
}

/** A bag of distinct terms with their (1 + log tf) · idf weights. */
export interface Bag {
  readonly terms: Int32Array;
  readonly weights: Float32Array;
}

/** The buffers behind a TuningMemory, to hand to another thread (they are shared, not copied). */
export type TuningBuffers = { readonly [K in keyof TuningMemory]: TuningMemory[K] extends number ? number : SharedArrayBuffer };

function shared<T extends Float32Array | Float64Array | Uint32Array | Int32Array>(
  Kind: { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Kind(new SharedArrayBuffer(Math.max(1, length) * Kind.BYTES_PER_ELEMENT));
}

/** Lays the pairs' bags and the batch's working arrays out in shared memory, starting from `projection`. */
export function allocateTuningMemory(
  projection: Float32Array,
  dimensions: number,
  size: number,
  pairs: readonly { readonly short: Bag; readonly long: Bag }[],
): TuningMemory {
  let entries = 0;
  for (const pair of pairs) entries += pair.short.terms.length + pair.long.terms.length;
  const bagStart = shared(Uint32Array, pairs.length * 2 + 1);
  const bagTerms = shared(Int32Array, entries);
  const bagWeights = shared(Float32Array, entries);
  let at = 0;
  pairs.forEach((pair, p) => {
    for (const [side, bag] of [pair.short, pair.long].entries()) {
      bagTerms.set(bag.terms, at);
      bagWeights.set(bag.weights, at);
      at += bag.terms.length;
      bagStart[2 * p + side + 1] = at;
    }
  });
  const sharedProjection = shared(Float32Array, projection.length);
  sharedProjection.set(projection);
  return {
    dimensions,
    size,
    projection: sharedProjection,
    bagStart,
    bagTerms,
    bagWeights,
    order: shared(Uint32Array, pairs.length),
    shorts: shared(Float32Array, size * dimensions),
    longs: shared(Float32Array, size * dimensions),
    shortNorms: shared(Float32Array, size),
    longNorms: shared(Float32Array, size),
    similarity: shared(Float64Array, size * size),
    gradient: shared(Float64Array, size * size),
    shortGradient: shared(Float64Array, size * dimensions),
    longGradient: shared(Float64Array, size * dimensions),
  };
}

export function tuningBuffers(memory: TuningMemory): TuningBuffers {
  const out: Record<string, number | SharedArrayBuffer> = {};
  for (const [key, value] of Object.entries(memory)) out[key] = typeof value === 'number' ? value : (value.buffer as SharedArrayBuffer);
  return out as TuningBuffers;
}

export function tuningMemoryOf(buffers: TuningBuffers): TuningMemory {
  return {
    dimensions: buffers.dimensions,
    size: buffers.size,
    projection: new Float32Array(buffers.projection),
    bagStart: new Uint32Array(buffers.bagStart),
    bagTerms: new Int32Array(buffers.bagTerms),
    bagWeights: new Float32Array(buffers.bagWeights),
    order: new Uint32Array(buffers.order),
    shorts: new Float32Array(buffers.shorts),
    longs: new Float32Array(buffers.longs),
    shortNorms: new Float32Array(buffers.shortNorms),
    longNorms: new Float32Array(buffers.longNorms),
    similarity: new Float64Array(buffers.similarity),
    gradient: new Float64Array(buffers.gradient),
    shortGradient: new Float64Array(buffers.shortGradient),
    longGradient: new Float64Array(buffers.longGradient),
  };
}

/** Pools bag `bag` into `out` at `offset` (normalised); returns the norm before normalising. */
function pool(memory: TuningMemory, bag: number, out: Float32Array, offset: number): number {
  const { dimensions: d, projection, bagTerms, bagWeights } = memory;
  out.fill(0, offset, offset + d);
  for (let i = memory.bagStart[bag]!, end = memory.bagStart[bag + 1]!; i < end; i++) {
    const base = bagTerms[i]! * d;
    const weight = bagWeights[i]!;
    for (let k = 0; k < d; k++) out[offset + k]! += weight * projection[base + k]!;
  }
  let norm = 0;
  for (let k = 0; k < d; k++) norm += out[offset + k]! * out[offset + k]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let k = 0; k < d; k++) out[offset + k]! /= norm;
  return norm;
}

/** Pools both sides of the batch's pairs from..to (the batch starts at `start` in the epoch's order). */
export function poolPairs(memory: TuningMemory, start: number, from: number, to: number): void {
  const d = memory.dimensions;
  for (let b = from; b < to; b++) {
    const pair = memory.order[start + b]!;
    memory.shortNorms[b] = pool(memory, 2 * pair, memory.shorts, b * d);
    memory.longNorms[b] = pool(memory, 2 * pair + 1, memory.longs, b * d);
  }
}

/** Rows from..to of the similarity matrix. */
export function similarityRows(memory: TuningMemory, from: number, to: number): void {
  const { dimensions: d, size, shorts, longs, similarity } = memory;
  for (let i = from; i < to; i++) {
    for (let j = 0; j < size; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += shorts[i * d + k]! * longs[j * d + k]!;
      similarity[i * size + j] = s;
    }
  }
}

/** ∂loss/∂(pooled short) for shorts from..to, and ∂loss/∂(pooled long) for longs from..to. */
export function pooledGradientRows(memory: TuningMemory, from: number, to: number): void {
  const { dimensions: d, size, shorts, longs, gradient, shortGradient, longGradient } = memory;
  shortGradient.fill(0, from * d, to * d);
  longGradient.fill(0, from * d, to * d);
  for (let i = from; i < to; i++) {
    for (let j = 0; j < size; j++) {
      const g = gradient[i * size + j]!;
      for (let k = 0; k < d; k++) shortGradient[i * d + k]! += g * longs[j * d + k]!;
    }
  }
  for (let i = 0; i < size; i++) {
    for (let j = from; j < to; j++) {
      const g = gradient[i * size + j]!;
      for (let k = 0; k < d; k++) longGradient[j * d + k]! += g * shorts[i * d + k]!;
    }
  }
}

/** The phases of a batch that split into rows, in the order they run. */
export const TuningPhase = { Pool: 1, Similarity: 2, PooledGradient: 3 } as const;
export type TuningPhase = (typeof TuningPhase)[keyof typeof TuningPhase];

/** Runs one phase over rows from..to; the batch's start in the epoch's order matters only to pooling. */
export function runPhase(memory: TuningMemory, phase: TuningPhase, start: number, from: number, to: number): void {
  if (phase === TuningPhase.Pool) poolPairs(memory, start, from, to);
  else if (phase === TuningPhase.Similarity) similarityRows(memory, from, to);
  else pooledGradientRows(memory, from, to);
}
