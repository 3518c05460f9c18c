import { stemmer } from 'stemmer';
import { seededRandom } from '../../seeded-random.js';
import { isContentWord, words } from '../text.js';
import type { EmbeddableDocument } from './embedder.js';
import type { Pause } from './linear-algebra.js';
import type { LsaModel } from './lsa-model.js';
import { allocateTuningMemory, TuningPhase, type Bag } from './tuning-batch.js';
import { defaultLanes, TuningLanes } from './tuning-lanes.js';

/**
 * Contrastive tuning of the builtin model's term coordinates. Each paper gives free training pairs: its title, and
 * its abstract without the title's words (so the model has to learn which other words mean the same thing, as a
 * reader describing a paper from memory does); and one sentence of its abstract, and the rest of the abstract without
 * that sentence's words (as a claim, or a one-sentence description of a finding, is matched to its paper). Both sides
 * are pooled exactly as LsaFolder folds text — (1 + log tf) · idf-weighted sums of term rows, L2-normalised — and the
 * rows are moved so that each short side lands closest to its own long side among the others of its batch (InfoNCE
 * with in-batch negatives, both directions), by AdaGrad with one accumulator per term. The LSA coordinates are the
 * starting point.
 */
export interface ContrastiveOptions {
  readonly epochs: number;
  /** Pairs per batch; the other pairs of the batch are the negatives. */
  readonly batch: number;
  readonly temperature: number;
  /** Step size relative to the mean absolute coordinate of the starting model. */
  readonly learningRate: number;
  readonly seed: number;
  /**
   * Fewer pairs than this and the model is left as it is: in a small collection most of a batch's other papers are
   * on the paper's own topic, and pushing them apart would undo what LSA found.
   */
  readonly minPairs: number;
  /** Adds a sentence ↔ rest-of-the-abstract pair per paper whose abstract has enough sentences. */
  readonly sentencePairs?: boolean;
}

export const DEFAULT_CONTRASTIVE: ContrastiveOptions = {
  epochs: 3,
  batch: 256,
  temperature: 0.05,
  learningRate: 0.5,
  seed: 0x7a11,
  minPairs: 1_000,
  sentencePairs: true,
};

/** Where tuning stands after a whole epoch: enough to continue to exactly the model an uninterrupted run makes. */
export interface TuningState {
  readonly epochsDone: number;
  readonly projection: Float32Array;
  readonly accumulators: Float32Array;
}

export interface TuningHooks {
  readonly pause?: Pause;
  readonly resumeFrom?: TuningState;
  /** Called after every epoch with the state to checkpoint and the epoch's mean loss. */
  readonly onEpoch?: (state: TuningState, loss: number) => void | Promise<void>;
  /** Threads that share each batch's arithmetic (default: one per core, see tuning-lanes.ts); the model is the same. */
  readonly lanes?: number;
}

/** The short side (a title, a sentence) and the text it should land nearest (the abstract, the rest of it). */
interface TrainingPair {
  readonly short: Bag;
  readonly long: Bag;
}

function termIndexer(model: LsaModel): (text: string) => number[] {
  const index = new Map(model.terms.map((term, i) => [term, i]));
  const cache = new Map<string, number>();
  return (text) => {
    const out: number[] = [];
    for (const word of words(text)) {
      let term = cache.get(word);
      if (term === undefined) {
        term = isContentWord(word) ? (index.get(stemmer(word)) ?? -1) : -1;
        cache.set(word, term);
      }
      if (term >= 0) out.push(term);
    }
    return out;
  };
}

function bagOf(terms: readonly number[], idf: Float32Array): Bag {
  const counts = new Map<number, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const bag = { terms: new Int32Array(counts.size), weights: new Float32Array(counts.size) };
  let i = 0;
  for (const [term, count] of counts) {
    bag.terms[i] = term;
    bag.weights[i] = (1 + Math.log(count)) * idf[term]!;
    i++;
  }
  return bag;
}

/** Abstracts of fewer sentences give no sentence pair: what is left beside one sentence would say too little. */
const MIN_SENTENCES = 3;
/** Sentences of fewer distinct content terms give no pair ("Results are discussed."). */
const MIN_SENTENCE_TERMS = 3;

/** Sentences: end punctuation, then space and a capital or an opening parenthesis (not "e.g. the", not "2.5"). */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z(])/);
}

/**
 * The training pairs of the papers: title ↔ abstract without the title's terms, then (with `sentencePairs`) one
 * sentence of the abstract, picked by a stream seeded by `seed`, ↔ the rest of the abstract without the sentence's
 * terms. Papers without either side of a pair give none.
 */
export function trainingPairs(
  model: LsaModel,
  documents: readonly EmbeddableDocument[],
  options: Pick<ContrastiveOptions, 'seed' | 'sentencePairs'> = { seed: 0 },
): TrainingPair[] {
  const termsOf = termIndexer(model);
  const pairs: TrainingPair[] = [];
  const pairOf = (side: readonly number[], rest: readonly number[]) => {
    const inSide = new Set(side);
    const others = rest.filter((term) => !inSide.has(term));
    if (side.length > 0 && others.length > 0) pairs.push({ short: bagOf(side, model.idf), long: bagOf(others, model.idf) });
  };
  for (const doc of documents) pairOf(termsOf(doc.title), termsOf(doc.abstract));
  if (!options.sentencePairs) return pairs;
  const random = seededRandom(options.seed ^ 0x5e47e4ce);
  for (const doc of documents) {
    const sentences = sentencesOf(doc.abstract);
    if (sentences.length < MIN_SENTENCES) continue;
    const picked = Math.floor(random() * sentences.length);
    const sentence = termsOf(sentences[picked]!);
    if (new Set(sentence).size < MIN_SENTENCE_TERMS) continue;
    pairOf(sentence, termsOf(sentences.filter((_, i) => i !== picked).join(' ')));
  }
  return pairs;
}

/** The epoch's order of the pairs: a Fisher–Yates shuffle seeded by the seed and the epoch alone. */
function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const random = seededRandom((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/**
 * Symmetric InfoNCE over a batch: fills `gradient` (∂loss/∂similarity, already divided by the temperature) and
 * returns the batch's mean loss.
 */
function contrastiveGradient(similarity: Float64Array, size: number, temperature: number, gradient: Float64Array): number {
  gradient.fill(0);
  let loss = 0;
  const scale = 1 / (2 * size * temperature);
  for (let direction = 0; direction < 2; direction++) {
    // direction 0: each title against every abstract (rows); 1: each abstract against every title (columns).
    const at = (i: number, j: number) => (direction === 0 ? i * size + j : j * size + i);
    for (let i = 0; i < size; i++) {
      let max = -Infinity;
      for (let j = 0; j < size; j++) max = Math.max(max, similarity[at(i, j)]! / temperature);
      let sum = 0;
      for (let j = 0; j < size; j++) sum += Math.exp(similarity[at(i, j)]! / temperature - max);
      loss += Math.log(sum) + max - similarity[at(i, i)]! / temperature;
      for (let j = 0; j < size; j++) {
        const p = Math.exp(similarity[at(i, j)]! / temperature - max) / sum;
        gradient[at(i, j)]! += (p - (i === j ? 1 : 0)) * scale;
      }
    }
  }
  return loss / (2 * size);
}

/**
 * Tunes the model's projection contrastively (see ContrastiveOptions); returns the tuned model. The same model,
 * pairs and options always give the same result, and resuming from the state passed to onEpoch after epoch k gives
 * exactly what an uninterrupted run gives.
 */
export async function tuneProjection(
  model: LsaModel,
  pairs: readonly TrainingPair[],
  options: ContrastiveOptions,
  hooks: TuningHooks = {},
): Promise<LsaModel> {
  const d = model.dimensions;
  const vocabulary = model.terms.length;
  const size = Math.min(options.batch, pairs.length);
  if (size < 2 || vocabulary === 0 || pairs.length < options.minPairs) return model;
  const memory = allocateTuningMemory(hooks.resumeFrom?.projection ?? model.projection, d, size, pairs);
  const { projection, bagStart, bagTerms, bagWeights, shorts, longs, shortNorms, longNorms, gradient, shortGradient, longGradient } =
    memory;
  const accumulators = Float32Array.from(hooks.resumeFrom?.accumulators ?? new Float32Array(vocabulary));
  let meanAbs = 0;
  for (let i = 0; i < model.projection.length; i++) meanAbs += Math.abs(model.projection[i]!);
  const step = (options.learningRate * meanAbs) / Math.max(1, model.projection.length);

  const rowGradient = new Float32Array(vocabulary * d);
  const touched = new Uint8Array(vocabulary);
  const touchedList: number[] = [];

  /** Adds ∂loss/∂(term rows) of one pooled side: the gradient on the normalised vector, projected and unnormalised. */
  const backPropagate = (bag: number, pooled: Float32Array, grad: Float64Array, offset: number, norm: number) => {
    if (norm === 0) return;
    let along = 0;
    for (let k = 0; k < d; k++) along += grad[offset + k]! * pooled[offset + k]!;
    for (let i = bagStart[bag]!, end = bagStart[bag + 1]!; i < end; i++) {
      const term = bagTerms[i]!;
      if (!touched[term]) {
        touched[term] = 1;
        touchedList.push(term);
      }
      const base = term * d;
      const weight = bagWeights[i]! / norm;
      for (let k = 0; k < d; k++) rowGradient[base + k]! += weight * (grad[offset + k]! - along * pooled[offset + k]!);
    }
  };

  const lanes = new TuningLanes(memory, Math.max(1, Math.min(hooks.lanes ?? defaultLanes(), size)));
  try {
    for (let epoch = hooks.resumeFrom?.epochsDone ?? 0; epoch < options.epochs; epoch++) {
      const order = epochOrder(pairs.length, options.seed, epoch);
      memory.order.set(order);
      let lossSum = 0;
      let batches = 0;
      // The last incomplete batch is left out: fewer negatives would make its loss easier than the rest.
      for (let start = 0; start + size <= order.length; start += size) {
        await lanes.run(TuningPhase.Pool, start);
        await lanes.run(TuningPhase.Similarity, start);
        lossSum += contrastiveGradient(memory.similarity, size, options.temperature, gradient);
        batches++;
        await lanes.run(TuningPhase.PooledGradient, start);
        for (let b = 0; b < size; b++) {
          const pair = order[start + b]!;
          backPropagate(2 * pair, shorts, shortGradient, b * d, shortNorms[b]!);
          backPropagate(2 * pair + 1, longs, longGradient, b * d, longNorms[b]!);
        }
        for (const term of touchedList) {
          const base = term * d;
          let squared = 0;
          for (let k = 0; k < d; k++) squared += rowGradient[base + k]! * rowGradient[base + k]!;
          accumulators[term]! += squared / d;
          const rate = step / Math.sqrt(accumulators[term]! + 1e-30);
          for (let k = 0; k < d; k++) {
            projection[base + k]! -= rate * rowGradient[base + k]!;
            rowGradient[base + k] = 0;
          }
          touched[term] = 0;
        }
        touchedList.length = 0;
        await hooks.pause?.();
      }
      await hooks.onEpoch?.(
        { epochsDone: epoch + 1, projection: Float32Array.from(projection), accumulators: Float32Array.from(accumulators) },
        batches > 0 ? lossSum / batches : 0,
      );
    }
  } finally {
    await lanes.close();
  }
  return { ...model, projection: Float32Array.from(projection) };
}
