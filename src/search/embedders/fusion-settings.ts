import type { FusionMethod } from '../fusion.js';

/**
 * How hybrid search weighs each kind of model against keyword scores. Chosen on the development sets (SciFact train
 * and the known-item dev queries; README, "Search quality"): a setting that helped one set and hurt the other was
 * not taken.
 */
export const BUILTIN_MODEL_FUSION: FusionMethod = { kind: 'feedback', seeds: 2, feedbackWeight: 0.5, semanticWeight: 0 };

/**
 * Sentence-embedding models (ONNX, OpenAI-compatible) rank well on their own: their min–max normalised similarity
 * counts as much as the keyword score.
 */
export const NEURAL_MODEL_FUSION: FusionMethod = { kind: 'convex', semanticWeight: 0.5 };
