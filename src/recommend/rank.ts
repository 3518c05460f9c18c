import {
  indexedLinearScores,
  indexedProfileScores,
  type CandidateIndex,
  type ProfileScores,
  type ProfileSum,
  type ProfileWalker,
} from './candidate-index.js';
import { trainLogisticRegression, type LabelledExample } from './logistic-regression.js';
import { seededRandom, seedOfText } from '../seeded-random.js';
import { dotSparse, type FeatureSpace, type SparseVector } from './tfidf.js';

/** What the reader told us: papers they want more of, and optionally papers they want less of. */
export interface Profile {
  readonly positives: readonly string[];
  readonly negatives?: readonly string[];
}

export const RANKING_METHODS = ['centroid', 'nearest-max', 'nearest-top3', 'logistic', 'centroid+nearest', 'logistic+nearest'] as const;
export type RankingMethod = (typeof RANKING_METHODS)[number];
export const DEFAULT_RANKING_METHOD: RankingMethod = 'logistic+nearest';

export interface RankOptions {
  readonly method?: RankingMethod;
  /** How many of the top items get reasons (computing them costs a little per item); default 10. */
  readonly explain?: number;
  /** Random corpus papers the linear model learns against; default 500. */
  readonly sampledNegatives?: number;
}

export interface Reason {
  /** The profile paper most like this one, and how alike (cosine of their vectors). */
  readonly closestTo: string | null;
  readonly closeness: number;
  /** Terms that added most to the score (empty in a space that cannot name its dimensions). */
  readonly words: readonly string[];
}

export interface Recommendation {
  readonly id: string;
  readonly score: number;
  readonly reason?: Reason;
}

type TrainedScorer =
  /** A weight per dimension; the score is the dot product (centroid, logistic regression). */
  | {
      readonly kind: 'linear';
      readonly weights: SparseVector;
      /** Set when the weights are a scaled sum of the profile's vectors (the centroid): scored from their cosines. */
      readonly profileSum?: { readonly positiveScale: number; readonly negativeScale: number };
    }
  /** Mean of the `k` highest cosines to a profile paper (k = 1 is the nearest paper). */
  | { readonly kind: 'nearest'; readonly k: number };

/**
 * What one reader's ranking needs, trained once and reusable for any candidates of the same space: the profile's
 * vectors and the trained scorers. Weights are sparse, so a cached model costs memory in proportion to the terms its
 * papers hold, not to the space's dimensions.
 */
export interface ReaderModel {
  readonly method: RankingMethod;
  readonly dimensions: number;
  /** The profile's positives that have a vector in the space, and their vectors. */
  readonly positiveIds: readonly string[];
  readonly positives: readonly SparseVector[];
  /** The explicit negatives' vectors. */
  readonly negatives: readonly SparseVector[];
  readonly scorers: readonly TrainedScorer[];
  /** Per-dimension weights that explain a score (the words of a reason). */
  readonly explainWeights: SparseVector;
}

const EMPTY: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

function vectorsOf(space: FeatureSpace, ids: readonly string[]): SparseVector[] {
  return ids.map((id) => space.vectors.get(id)).filter((v): v is SparseVector => v !== undefined);
}

/**
 * Sum of scaled sparse vectors, as a sparse vector: merged one vector at a time, in order (their dimensions are
 * sorted), so no dense array of a hashed space's million dimensions is touched.
 */
function sparseSum(parts: readonly { vector: SparseVector; scale: number }[]): SparseVector {
  let indices = new Int32Array(0);
  let values = new Float64Array(0);
  for (const { vector, scale } of parts) {
    const length = indices.length + vector.indices.length;
    const mergedIndices = new Int32Array(length);
    const mergedValues = new Float64Array(length);
    let i = 0;
    let j = 0;
    let out = 0;
    while (i < indices.length || j < vector.indices.length) {
      const d = i < indices.length ? indices[i]! : Infinity;
      const e = j < vector.indices.length ? vector.indices[j]! : Infinity;
      if (d <= e) {
        mergedIndices[out] = d;
        mergedValues[out] = values[i++]! + (d === e ? scale * vector.values[j++]! : 0);
      } else {
        mergedIndices[out] = e;
        mergedValues[out] = 0 + scale * vector.values[j++]!;
      }
      out++;
    }
    indices = mergedIndices.subarray(0, out);
    values = mergedValues.subarray(0, out);
  }
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) kept++;
  const sum = { indices: new Int32Array(kept), values: new Float32Array(kept) };
  for (let i = 0, at = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    sum.indices[at] = indices[i]!;
    sum.values[at++] = values[i]!;
  }
  return sum;
}

function unit(vector: SparseVector): SparseVector {
  const norm = Math.sqrt(vector.values.reduce((sum, w) => sum + w * w, 0)) || 1;
  return { indices: vector.indices, values: vector.values.map((w) => w / norm) };
}

function mean(vectors: readonly SparseVector[], scale = 1): { vector: SparseVector; scale: number }[] {
  return vectors.map((vector) => ({ vector, scale: scale / vectors.length }));
}

/** Share of the negatives' mean taken off the positives' mean in a centroid. */
const CENTROID_NEGATIVE_SHARE = 0.25;

/** The mean of the positives, minus a quarter of the negatives' mean when there are any, at unit length. */
function centroidScorer(positives: SparseVector[], negatives: SparseVector[]): TrainedScorer {
  const sum = sparseSum([...mean(positives), ...(negatives.length > 0 ? mean(negatives, -CENTROID_NEGATIVE_SHARE) : [])]);
  const norm = Math.sqrt(sum.values.reduce((total, w) => total + w * w, 0)) || 1;
  return {
    kind: 'linear',
    weights: unit(sum),
    profileSum: {
      positiveScale: 1 / (positives.length * norm),
      negativeScale: negatives.length > 0 ? -CENTROID_NEGATIVE_SHARE / (negatives.length * norm) : 0,
    },
  };
}

/**
 * A per-reader logistic regression: positives against random corpus papers and the explicit negatives. It is trained
 * over the dimensions its examples use, renumbered densely, so a hashed space of millions of dimensions costs no more
 * than a small vocabulary.
 */
function logisticWeights(
  space: FeatureSpace,
  profile: Profile,
  positives: SparseVector[],
  negatives: SparseVector[],
  sampled: number,
): SparseVector {
  const excluded = new Set([...profile.positives, ...(profile.negatives ?? [])]);
  const random = seededRandom(seedOfText(profile.positives.join(' ')));
  const want = Math.min(sampled, space.ids.length - excluded.size);
  const picked = new Set<string>();
  for (let tries = 0; picked.size < want && tries < want * 4; tries++) {
    const id = space.ids[Math.floor(random() * space.ids.length)]!;
    if (!excluded.has(id)) picked.add(id);
  }
  const raw: { vector: SparseVector; label: 0 | 1; weight?: number }[] = positives.map((vector) => ({ vector, label: 1 }));
  for (const vector of vectorsOf(space, [...picked])) raw.push({ vector, label: 0 });
  // An explicit "less like this" says more than a random paper: it counts as ten of them.
  for (const vector of negatives) raw.push({ vector, label: 0, weight: 10 });
  const local = new Map<number, number>();
  const original: number[] = [];
  const examples: LabelledExample[] = raw.map(({ vector, label, weight }) => {
    const indices = new Int32Array(vector.indices.length);
    for (let i = 0; i < indices.length; i++) {
      const d = vector.indices[i]!;
      let l = local.get(d);
      if (l === undefined) {
        l = original.length;
        local.set(d, l);
        original.push(d);
      }
      indices[i] = l;
    }
    return { vector: { indices, values: vector.values }, label, ...(weight === undefined ? {} : { weight }) };
  });
  const weights = trainLogisticRegression(examples, { dimensions: original.length });
  const entries = original.map((d, l) => [d, weights[l]!] as const).sort((a, b) => a[0] - b[0]);
  return { indices: Int32Array.from(entries, ([d]) => d), values: Float32Array.from(entries, ([, w]) => w) };
}

/**
 * Trains the reader's model in one space; null when no positive of the profile has a vector there. Deterministic:
 * the sampled negatives are seeded by the profile.
 */
export function trainReaderModel(space: FeatureSpace, profile: Profile, options: RankOptions = {}): ReaderModel | null {
  const method = options.method ?? DEFAULT_RANKING_METHOD;
  const positiveIds = profile.positives.filter((id) => space.vectors.has(id));
  const positives = vectorsOf(space, positiveIds);
  if (positives.length === 0) return null;
  const negatives = vectorsOf(space, profile.negatives ?? []);
  const sampled = options.sampledNegatives ?? 500;
  const single = (part: RankingMethod): TrainedScorer => {
    switch (part) {
      case 'centroid':
        return centroidScorer(positives, negatives);
      case 'nearest-max':
        return { kind: 'nearest', k: 1 };
      case 'nearest-top3':
        return { kind: 'nearest', k: 3 };
      case 'logistic':
        return { kind: 'linear', weights: logisticWeights(space, profile, positives, negatives, sampled) };
      default:
        throw new Error(`not a single method: ${part}`);
    }
  };
  const parts: RankingMethod[] =
    method === 'centroid+nearest' ? ['centroid', 'nearest-max'] : method === 'logistic+nearest' ? ['logistic', 'nearest-max'] : [method];
  const scorers = parts.map(single);
  const first = scorers[0]!;
  const explainWeights = first.kind === 'linear' ? first.weights : sparseSum(mean(positives));
  return { method, dimensions: space.dimensions, positiveIds, positives, negatives, scorers, explainWeights };
}

/**
 * Scratch arrays as long as the largest space seen, shared by every scoring call (scoring is synchronous, so calls
 * never interleave); each call scatters its weights in and clears exactly those entries afterwards.
 */
let denseScratch = new Float64Array(0);
let slotScratch = new Int32Array(0);

function scratchFor(dimensions: number): { dense: Float64Array; slots: Int32Array } {
  if (denseScratch.length < dimensions) {
    denseScratch = new Float64Array(dimensions);
    slotScratch = new Int32Array(dimensions);
  }
  return { dense: denseScratch, slots: slotScratch };
}

function scoreLinear(weights: SparseVector, dimensions: number, vectors: readonly SparseVector[]): Float64Array {
  const { dense } = scratchFor(dimensions);
  for (let i = 0; i < weights.indices.length; i++) dense[weights.indices[i]!] = weights.values[i]!;
  const scores = new Float64Array(vectors.length);
  try {
    for (let c = 0; c < vectors.length; c++) {
      const vector = vectors[c]!;
      let sum = 0;
      for (let i = 0; i < vector.indices.length; i++) sum += vector.values[i]! * dense[vector.indices[i]!]!;
      scores[c] = sum;
    }
  } finally {
    for (let i = 0; i < weights.indices.length; i++) dense[weights.indices[i]!] = 0;
  }
  return scores;
}

/** Cosines of each candidate to every profile paper through an inverted index of the profile's terms. */
function scoreNearest(profile: readonly SparseVector[], k: number, dimensions: number, vectors: readonly SparseVector[]): Float64Array {
  const { slots } = scratchFor(dimensions);
  const owners: number[][] = [];
  const weights: number[][] = [];
  const used: number[] = [];
  profile.forEach((vector, owner) => {
    for (let i = 0; i < vector.indices.length; i++) {
      const d = vector.indices[i]!;
      let slot = slots[d]!;
      if (slot === 0) {
        owners.push([]);
        weights.push([]);
        slot = slots[d] = owners.length;
        used.push(d);
      }
      owners[slot - 1]!.push(owner);
      weights[slot - 1]!.push(vector.values[i]!);
    }
  });
  const sims = new Float64Array(profile.length);
  const top = new Float64Array(k);
  const scores = new Float64Array(vectors.length);
  try {
    for (let c = 0; c < vectors.length; c++) {
      const vector = vectors[c]!;
      sims.fill(0);
      for (let i = 0; i < vector.indices.length; i++) {
        const slot = slots[vector.indices[i]!]!;
        if (slot === 0) continue;
        const value = vector.values[i]!;
        const list = owners[slot - 1]!;
        const listWeights = weights[slot - 1]!;
        for (let j = 0; j < list.length; j++) sims[list[j]!]! += value * listWeights[j]!;
      }
      top.fill(0);
      for (const s of sims) {
        if (s <= top[k - 1]!) continue;
        let i = k - 1;
        while (i > 0 && top[i - 1]! < s) {
          top[i] = top[i - 1]!;
          i--;
        }
        top[i] = s;
      }
      let sum = 0;
      for (const s of top) sum += s;
      scores[c] = sum / Math.min(k, Math.max(1, profile.length));
    }
  } finally {
    for (const d of used) slots[d] = 0;
  }
  return scores;
}

/**
 * Below this variance scores count as all equal: what differs is rounding (vectors are stored as 32-bit floats), as
 * when two scorers' z-scores cancel each other out, and standardising must not blow it up to unit variance.
 */
const FLAT_VARIANCE = 1e-12;

/** The standard deviation to divide by: 1 for flat scores, which keeps them (near) zero once the mean is taken off. */
function deviation(variance: number): number {
  return variance > FLAT_VARIANCE ? Math.sqrt(variance) : 1;
}

/** Mean and standard deviation of scores over the candidates (a deviation of 1 when they are all equal). */
function spread(scores: Float64Array): { mean: number; sd: number } {
  const n = scores.length || 1;
  let total = 0;
  for (let i = 0; i < scores.length; i++) total += scores[i]!;
  const mean = total / n;
  let squares = 0;
  for (let i = 0; i < scores.length; i++) squares += (scores[i]! - mean) ** 2;
  return { mean, sd: deviation(squares / n) };
}

/** Scales scores to zero mean and unit variance over the candidates, so differently scaled scores can be added. */
export function standardised(scores: Float64Array): Float64Array {
  const { mean, sd } = spread(scores);
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i]! - mean) / sd;
  return out;
}

/**
 * The sum of each list's standardised scores, itself standardised: what `standardised` of the sum of `standardised`
 * lists gives, written into one array. A reader's ranking runs this over a whole period for every digest, so it
 * makes no array per step.
 */
export function standardisedFusion(each: readonly Float64Array[]): Float64Array {
  if (each.length === 1) return standardised(each[0]!);
  const size = each[0]!.length;
  const n = size || 1;
  const out = new Float64Array(size);
  let total = 0;
  let squares = 0;
  for (let part = 0; part < each.length; part++) {
    const scores = each[part]!;
    const { mean, sd } = spread(scores);
    const last = part === each.length - 1;
    for (let i = 0; i < size; i++) {
      const value = out[i]! + (scores[i]! - mean) / sd;
      out[i] = value;
      if (last) {
        total += value;
        squares += value * value;
      }
    }
  }
  // The parts' z-scores each average zero, so the sum's variance is its mean square (less the rounding left in its mean).
  const mean = total / n;
  const sd = deviation(squares / n - mean * mean);
  for (let i = 0; i < size; i++) out[i] = (out[i]! - mean) / sd;
  return out;
}

/** The model's standardised score for each vector (a fusion adds its scorers' standardised scores). */
export function scoreVectors(model: ReaderModel, vectors: readonly SparseVector[]): Float64Array {
  return standardisedFusion(
    model.scorers.map((scorer) =>
      scorer.kind === 'linear'
        ? scoreLinear(scorer.weights, model.dimensions, vectors)
        : scoreNearest(model.positives, scorer.k, model.dimensions, vectors),
    ),
  );
}

/** What one walk over the profile's papers must compute for a model: its nearest-paper scorer and its centroid together. */
interface PlannedWalk {
  readonly k: number;
  readonly centroid: TrainedScorer | undefined;
  readonly sum: ProfileSum | undefined;
}

function planWalk(model: ReaderModel): PlannedWalk {
  const k = model.scorers.find((s) => s.kind === 'nearest')?.k ?? 0;
  const centroid = model.scorers.find((s) => s.kind === 'linear' && s.profileSum);
  const sum = centroid?.kind === 'linear' && centroid.profileSum ? { negatives: model.negatives, ...centroid.profileSum } : undefined;
  return { k, centroid, sum };
}

function fusedFromWalk(model: ReaderModel, index: CandidateIndex, plan: PlannedWalk, walked: ProfileScores): Float64Array {
  return standardisedFusion(
    model.scorers.map((scorer) => {
      if (scorer === plan.centroid) return walked.sum!;
      if (scorer.kind === 'linear') return indexedLinearScores(index, scorer.weights);
      return scorer.k === plan.k ? walked.nearest! : indexedProfileScores(index, model.positives, scorer.k).nearest!;
    }),
  );
}

/**
 * The same scores as `scoreVectors` for a fixed set of candidates inverted once (`invertVectors`): the cost follows
 * the postings of the reader's dimensions rather than the candidates' terms. One walk over the profile's papers
 * serves the nearest-paper scorer and a centroid together.
 */
export function scoreIndexed(model: ReaderModel, index: CandidateIndex): Float64Array {
  const plan = planWalk(model);
  return fusedFromWalk(model, index, plan, indexedProfileScores(index, model.positives, plan.k, plan.sum));
}

/** `scoreIndexed` with the walk done by `walk` (e.g. on a worker thread). */
export async function scoreIndexedWith(model: ReaderModel, index: CandidateIndex, walk: ProfileWalker): Promise<Float64Array> {
  const plan = planWalk(model);
  return fusedFromWalk(model, index, plan, await walk(index, model.positives, plan.k, plan.sum));
}

function topWords(space: FeatureSpace, vector: SparseVector, weights: SparseVector, count: number): string[] {
  const contributions: [string, number][] = [];
  let j = 0;
  for (let i = 0; i < vector.indices.length; i++) {
    const d = vector.indices[i]!;
    while (j < weights.indices.length && weights.indices[j]! < d) j++;
    if (j >= weights.indices.length || weights.indices[j] !== d) continue;
    const contribution = vector.values[i]! * weights.values[j]!;
    const name = space.termName(d);
    if (contribution > 0 && name !== undefined) contributions.push([name, contribution]);
  }
  return contributions
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name]) => name);
}

/** The profile paper most like `vector` (highest cosine; none when no cosine is positive). */
export function closestPositive(model: ReaderModel, vector: SparseVector): Pick<Reason, 'closestTo' | 'closeness'> {
  let closestTo: string | null = null;
  let closeness = 0;
  for (let i = 0; i < model.positives.length; i++) {
    const s = dotSparse(vector, model.positives[i]!);
    if (s > closeness) {
      closestTo = model.positiveIds[i]!;
      closeness = s;
    }
  }
  return { closestTo, closeness };
}

/** Why a vector scored as it did: the closest profile paper and the terms that added most. */
export function explainVector(space: FeatureSpace, model: ReaderModel, vector: SparseVector): Reason {
  return { ...closestPositive(model, vector), words: topWords(space, vector, model.explainWeights, 3) };
}

/** Scores of every candidate in one space, and the reason for any one of them. */
export interface SpaceScores {
  readonly scores: Float64Array;
  reasonFor(index: number): Reason | undefined;
}

/** Scores the candidates in one representation; all zero (and no reasons) when no positive has a vector there. */
export function scoreCandidates(
  space: FeatureSpace,
  profile: Profile,
  candidates: readonly string[],
  options: RankOptions = {},
): SpaceScores {
  const model = trainReaderModel(space, profile, options);
  if (!model) return { scores: new Float64Array(candidates.length), reasonFor: () => undefined };
  const vectors = candidates.map((id) => space.vectors.get(id) ?? EMPTY);
  return {
    scores: scoreVectors(model, vectors),
    reasonFor: (index) => (vectors[index] === EMPTY ? undefined : explainVector(space, model, vectors[index]!)),
  };
}

function rankedWithReasons(candidates: readonly string[], { scores, reasonFor }: SpaceScores, explainCount: number): Recommendation[] {
  const order = Array.from(candidates.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.map((index, rank) => {
    const item: Recommendation = { id: candidates[index]!, score: scores[index]! };
    const reason = rank < explainCount ? reasonFor(index) : undefined;
    return reason ? { ...item, reason } : item;
  });
}

/**
 * Ranks the candidates for a reader, best first, with a score for each and reasons for the top `explain`. Candidates
 * the space has no vector for score lowest. A profile without known positives leaves the candidates in their order.
 */
export function rankCandidates(
  space: FeatureSpace,
  profile: Profile,
  candidates: readonly string[],
  options: RankOptions = {},
): Recommendation[] {
  return rankedWithReasons(candidates, scoreCandidates(space, profile, candidates, options), options.explain ?? 10);
}

/** One representation of the papers and how much its standardised score counts in a fusion. */
export interface WeightedSpace {
  readonly space: FeatureSpace;
  readonly weight: number;
}

/**
 * Ranks in each space and adds the standardised scores, weighted. Reasons come from the first space (TF-IDF, whose
 * terms are words). With one space this is `rankCandidates`.
 */
export function rankInSpaces(
  spaces: readonly WeightedSpace[],
  profile: Profile,
  candidates: readonly string[],
  options: RankOptions = {},
): Recommendation[] {
  if (spaces.length === 1) return rankCandidates(spaces[0]!.space, profile, candidates, options);
  const parts = spaces.map(({ space }) => scoreCandidates(space, profile, candidates, options));
  const fused = new Float64Array(candidates.length);
  // Each space's scores come standardised (scoreVectors).
  parts.forEach(({ scores }, s) => {
    for (let i = 0; i < fused.length; i++) fused[i]! += spaces[s]!.weight * scores[i]!;
  });
  return rankedWithReasons(candidates, { scores: fused, reasonFor: parts[0]!.reasonFor }, options.explain ?? 10);
}
