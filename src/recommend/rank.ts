import { trainLogisticRegression, type LabelledExample } from './logistic-regression.js';
import { seededRandom } from './random.js';
import { addScaled, dotDense, dotSparse, type SparseVector, type TfidfModel } from './tfidf.js';

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
  /** The profile paper most like this one, and how alike (cosine of their TF-IDF vectors). */
  readonly closestTo: string | null;
  readonly closeness: number;
  /** Stemmed terms that added most to the score. */
  readonly words: readonly string[];
}

export interface Recommendation {
  readonly id: string;
  readonly score: number;
  readonly reason?: Reason;
}

interface Scorer {
  /** Per-term weights that explain a score (the words of a reason). */
  readonly termWeights: Float64Array;
  score(vector: SparseVector): number;
}

const EMPTY: SparseVector = { indices: new Int32Array(0), values: new Float32Array(0) };

function vectorsOf(model: TfidfModel, ids: readonly string[]): SparseVector[] {
  return ids.map((id) => model.vectors.get(id)).filter((v): v is SparseVector => v !== undefined);
}

function meanVector(model: TfidfModel, vectors: readonly SparseVector[]): Float64Array {
  const dense = new Float64Array(model.terms.length);
  for (const vector of vectors) addScaled(dense, vector, 1 / vectors.length);
  return dense;
}

function normalised(dense: Float64Array): Float64Array {
  const norm = Math.sqrt(dense.reduce((sum, w) => sum + w * w, 0)) || 1;
  return dense.map((w) => w / norm);
}

/** Cosine to the mean of the positives (minus a quarter of the negatives' mean, when there are any). */
function centroidScorer(model: TfidfModel, positives: SparseVector[], negatives: SparseVector[]): Scorer {
  const centroid = meanVector(model, positives);
  if (negatives.length > 0) {
    const away = meanVector(model, negatives);
    for (let d = 0; d < centroid.length; d++) centroid[d]! -= 0.25 * away[d]!;
  }
  const termWeights = normalised(centroid);
  return { termWeights, score: (vector) => dotDense(vector, termWeights) };
}

/** Similarity of a candidate to each profile paper, through an inverted index of the profile's terms. */
class ProfileSimilarity {
  private readonly postings: ({ owners: number[]; weights: number[] } | undefined)[];
  readonly sims: Float64Array;

  constructor(
    dimensions: number,
    readonly profile: readonly SparseVector[],
  ) {
    this.postings = new Array(dimensions);
    this.sims = new Float64Array(profile.length);
    profile.forEach((vector, owner) => {
      for (let i = 0; i < vector.indices.length; i++) {
        const term = vector.indices[i]!;
        const list = (this.postings[term] ??= { owners: [], weights: [] });
        list.owners.push(owner);
        list.weights.push(vector.values[i]!);
      }
    });
  }

  /** Fills `sims` with the cosine of the candidate to each profile paper. */
  compute(vector: SparseVector): Float64Array {
    this.sims.fill(0);
    for (let i = 0; i < vector.indices.length; i++) {
      const list = this.postings[vector.indices[i]!];
      if (!list) continue;
      const value = vector.values[i]!;
      for (let j = 0; j < list.owners.length; j++) this.sims[list.owners[j]!]! += value * list.weights[j]!;
    }
    return this.sims;
  }
}

/** Mean of the `k` highest similarities to a profile paper (k = 1 is the nearest paper). */
function nearestScorer(model: TfidfModel, positives: SparseVector[], k: number): Scorer {
  const similarity = new ProfileSimilarity(model.terms.length, positives);
  const top = new Float64Array(k);
  return {
    termWeights: meanVector(model, positives),
    score(vector) {
      const sims = similarity.compute(vector);
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
      return sum / Math.min(k, Math.max(1, positives.length));
    },
  };
}

/** A per-reader logistic regression: positives against random corpus papers and the explicit negatives. */
function logisticScorer(
  model: TfidfModel,
  profile: Profile,
  positives: SparseVector[],
  negatives: SparseVector[],
  sampled: number,
): Scorer {
  const excluded = new Set([...profile.positives, ...(profile.negatives ?? [])]);
  const random = seededRandom(profile.positives.join(' '));
  const examples: LabelledExample[] = positives.map((vector) => ({ vector, label: 1 }));
  const want = Math.min(sampled, model.ids.length - excluded.size);
  const picked = new Set<string>();
  for (let tries = 0; picked.size < want && tries < want * 4; tries++) {
    const id = model.ids[Math.floor(random() * model.ids.length)]!;
    if (!excluded.has(id)) picked.add(id);
  }
  for (const vector of vectorsOf(model, [...picked])) examples.push({ vector, label: 0 });
  // An explicit "less like this" says more than a random paper: it counts as ten of them.
  for (const vector of negatives) examples.push({ vector, label: 0, weight: 10 });
  const termWeights = trainLogisticRegression(examples, { dimensions: model.terms.length });
  return { termWeights, score: (vector) => dotDense(vector, termWeights) };
}

/** Sums two scores after scaling each to zero mean and unit variance over the candidates. */
function standardised(scores: Float64Array): Float64Array {
  const n = scores.length || 1;
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  return scores.map((s) => (s - mean) / sd);
}

function scoreAll(scorer: Scorer, vectors: readonly SparseVector[]): Float64Array {
  const scores = new Float64Array(vectors.length);
  for (let i = 0; i < vectors.length; i++) scores[i] = scorer.score(vectors[i]!);
  return scores;
}

function topWords(model: TfidfModel, vector: SparseVector, termWeights: Float64Array, count: number): string[] {
  const contributions: [number, number][] = [];
  for (let i = 0; i < vector.indices.length; i++) {
    const term = vector.indices[i]!;
    const contribution = vector.values[i]! * termWeights[term]!;
    if (contribution > 0) contributions.push([term, contribution]);
  }
  return contributions
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([term]) => model.terms[term]!);
}

function explain(
  model: TfidfModel,
  vector: SparseVector,
  profileIds: readonly string[],
  profile: readonly SparseVector[],
  termWeights: Float64Array,
): Reason {
  let closestTo: string | null = null;
  let closeness = 0;
  profile.forEach((p, i) => {
    const s = dotSparse(vector, p);
    if (s > closeness) [closestTo, closeness] = [profileIds[i]!, s];
  });
  return { closestTo, closeness, words: topWords(model, vector, termWeights, 3) };
}

/**
 * Ranks the candidates for a reader, best first, with a score for each and reasons for the top `explain`. Candidates
 * the model has no vector for score lowest. A profile without known positives leaves the candidates in their order.
 */
export function rankCandidates(
  model: TfidfModel,
  profile: Profile,
  candidates: readonly string[],
  options: RankOptions = {},
): Recommendation[] {
  const method = options.method ?? DEFAULT_RANKING_METHOD;
  const knownPositives = profile.positives.filter((id) => model.vectors.has(id));
  const positives = vectorsOf(model, knownPositives);
  const negatives = vectorsOf(model, profile.negatives ?? []);
  if (positives.length === 0) return candidates.map((id) => ({ id, score: 0 }));
  const vectors = candidates.map((id) => model.vectors.get(id) ?? EMPTY);
  const sampled = options.sampledNegatives ?? 500;
  const scorerFor = (single: RankingMethod): Scorer => {
    switch (single) {
      case 'centroid':
        return centroidScorer(model, positives, negatives);
      case 'nearest-max':
        return nearestScorer(model, positives, 1);
      case 'nearest-top3':
        return nearestScorer(model, positives, 3);
      case 'logistic':
        return logisticScorer(model, profile, positives, negatives, sampled);
      default:
        throw new Error(`not a single method: ${single}`);
    }
  };
  const parts: RankingMethod[] =
    method === 'centroid+nearest' ? ['centroid', 'nearest-max'] : method === 'logistic+nearest' ? ['logistic', 'nearest-max'] : [method];
  const scorers = parts.map(scorerFor);
  let scores = scoreAll(scorers[0]!, vectors);
  if (scorers.length > 1) {
    const fused = standardised(scores);
    for (const scorer of scorers.slice(1)) {
      const more = standardised(scoreAll(scorer, vectors));
      for (let i = 0; i < fused.length; i++) fused[i]! += more[i]!;
    }
    scores = fused;
  }
  const order = Array.from(candidates.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const explainCount = options.explain ?? 10;
  return order.map((index, rank) => {
    const item: Recommendation = { id: candidates[index]!, score: scores[index]! };
    if (rank >= explainCount || vectors[index] === EMPTY) return item;
    return { ...item, reason: explain(model, vectors[index]!, knownPositives, positives, scorers[0]!.termWeights) };
  });
}
