import type { FusionMethod } from '../fusion.js';

/**
 * How hybrid search weighs each kind of model against keyword scores.
 *
 * The builtin model's: keyword score / best keyword score + 0.25 · similarity to the centroid of the top 2 keyword
 * hits + max(0, 0.2 − 0.5 · margin of the top keyword hit) · query similarity. Chosen on the development sets
 * (SciFact train and the known-item dev queries; README, "Search") as the setting whose smaller gain over keywords
 * alone, of the two sets, was largest; a setting that helped one set and hurt the other was not taken (more feedback
 * helps SciFact and hurts the known-item queries, whose single relevant paper the centroid drifts away from). With the
 * sentence-pair model a query-similarity weight of 0.2 scored above 0.25 and 0.15 on both sets.
 */
export const BUILTIN_MODEL_FUSION: FusionMethod = {
  kind: 'feedback',
  seeds: 2,
  feedbackWeight: 0.25,
  semanticWeight: 0.2,
  marginDiscount: 0.5,
};

/**
 * Sentence-embedding models (ONNX, OpenAI-compatible) rank well on their own: their min–max normalised similarity
 * counts as much as the keyword score.
 */
export const NEURAL_MODEL_FUSION: FusionMethod = { kind: 'convex', semanticWeight: 0.5 };
