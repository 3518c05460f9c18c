import type { ParsedQuery } from './query-parser.js';

/**
 * A popularity prior for short, head-term queries ("llama", "diffusion"): such a query matches hundreds of papers
 * about equally well, and the one people mean is usually the one people upvoted (Hugging Face's own search answers
 * "llama" with "The Llama 3 Herd of Models"). Longer queries describe a paper, and there relevance alone decides.
 */

/** Queries of at most this many words count as short. */
export const HEAD_QUERY_MAX_TERMS = 3;
/** How many hits the prior may reorder: a popular paper deeper than this is not relevant enough to lift. */
export const PRIOR_CANDIDATES = 100;
/**
 * Weight of the prior against the relevance score normalised by the best hit. At 0.3 the most upvoted candidate
 * gains what a 30% better relevance score would give; chosen on the HF days (README: "llama" brings "The Llama 3
 * Herd of Models" from 24th to 7th) without touching the known-item queries, which are all longer.
 */
export const PRIOR_WEIGHT = 0.3;

/** True for plain queries of at most HEAD_QUERY_MAX_TERMS words (no phrases, no paper id). */
export function isHeadQuery(parsed: ParsedQuery): boolean {
  return parsed.jumpTo === null && parsed.phrases.length === 0 && parsed.terms.length > 0 && parsed.terms.length <= HEAD_QUERY_MAX_TERMS;
}

export interface PriorCandidate {
  readonly score: number;
  readonly upvotes: number;
}

/**
 * The candidates reordered by relevance (normalised by the best score) plus PRIOR_WEIGHT × log-upvotes (normalised
 * by the most upvoted candidate). Stable: equal blended scores keep their relevance order.
 */
export function withPopularityPrior<T extends PriorCandidate>(candidates: readonly T[], weight = PRIOR_WEIGHT): T[] {
  const best = Math.max(0, ...candidates.map((c) => c.score));
  const mostUpvoted = Math.max(0, ...candidates.map((c) => c.upvotes));
  if (best <= 0 || mostUpvoted <= 0) return [...candidates];
  const blended = (c: T) => c.score / best + (weight * Math.log1p(Math.max(0, c.upvotes))) / Math.log1p(mostUpvoted);
  return candidates
    .map((candidate, index) => ({ candidate, index, value: blended(candidate) }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .map((entry) => entry.candidate);
}
