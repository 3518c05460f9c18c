export interface RankedHit {
  readonly paperId: string;
  readonly score: number;
}

export interface FusedHit {
  readonly paperId: string;
  readonly fusedScore: number;
  readonly lexicalRank: number | null;
  readonly lexicalScore: number | null;
  readonly semanticRank: number | null;
  readonly semanticScore: number | null;
}

export type FusionMethod =
  /** Reciprocal rank fusion: Σ weight / (k + rank). */
  | { readonly kind: 'rrf'; readonly k: number; readonly semanticWeight: number }
  /** Convex combination of min–max normalised scores: (1 − α)·lexical + α·semantic. */
  | { readonly kind: 'convex'; readonly semanticWeight: number }
  /**
   * Pseudo-relevance feedback in the embedding space: lexical score / best lexical score
   * + feedbackWeight · similarity to the centroid of the top `seeds` lexical hits + semanticWeight · query similarity.
   * With `marginDiscount`, the query-similarity weight depends on the query: it is
   * max(0, semanticWeight − marginDiscount · margin), where margin = (best − second lexical score) / best, so a
   * keyword match that stands out is trusted and an undecided keyword ranking leans on meaning.
   */
  | {
      readonly kind: 'feedback';
      readonly seeds: number;
      readonly feedbackWeight: number;
      readonly semanticWeight: number;
      readonly marginDiscount?: number;
    };

/**
 * How far the top lexical hit stands out: (best − second) / best, in [0, 1]; 1 for a single hit, 0 without hits or
 * when the best score is not positive.
 */
export function lexicalMargin(lexical: readonly RankedHit[]): number {
  const score = (hit: RankedHit | undefined) => (hit && Number.isFinite(hit.score) ? hit.score : 0);
  const best = score(lexical[0]);
  if (lexical.length === 0 || best <= 0) return 0;
  if (lexical.length === 1) return 1;
  return Math.min(1, Math.max(0, (best - score(lexical[1])) / best));
}

/**
 * Scores rescaled to [0, 1]. A list whose scores are all equal and positive carries rank information only (all 1);
 * a list of all-zero or non-finite scores carries none and is dropped.
 */
export function normalizeScores(hits: readonly RankedHit[]): number[] | null {
  const finite = hits.map((h) => (Number.isFinite(h.score) ? h.score : 0));
  if (finite.length === 0) return null;
  const max = finite.reduce((a, b) => Math.max(a, b));
  const min = finite.reduce((a, b) => Math.min(a, b));
  if (max - min < 1e-12) return max > 0 ? finite.map(() => 1) : null;
  return finite.map((s) => (s - min) / (max - min));
}

function byFusedScore(a: FusedHit, b: FusedHit): number {
  return (
    b.fusedScore - a.fusedScore ||
    (a.lexicalRank ?? Infinity) - (b.lexicalRank ?? Infinity) ||
    (a.semanticRank ?? Infinity) - (b.semanticRank ?? Infinity) ||
    (a.paperId < b.paperId ? -1 : a.paperId > b.paperId ? 1 : 0)
  );
}

/**
 * Feedback fusion over the union of both candidate lists. `semantic` holds the query similarity of every candidate
 * that has a vector, best first; `feedback` each candidate's similarity to the centroid of the top lexical hits.
 * Without lexical hits it is the semantic ranking; without vectors, the lexical one.
 */
export function fuseWithFeedback(
  lexical: readonly RankedHit[],
  semantic: readonly RankedHit[],
  feedback: ReadonlyMap<string, number>,
  method: Extract<FusionMethod, { kind: 'feedback' }>,
): FusedHit[] {
  // reduce(), not Math.max(...): candidate lists can be longer than the engine's argument limit.
  const best = lexical.reduce((max, h) => Math.max(max, Number.isFinite(h.score) ? h.score : 0), lexical.length > 0 ? -Infinity : 0);
  const lexicalWeight = lexical.length > 0 ? 1 : 0;
  const semanticWeight =
    lexical.length > 0 ? Math.max(0, method.semanticWeight - (method.marginDiscount ?? 0) * lexicalMargin(lexical)) : 1;
  const entries = new Map<string, FusedHit>();
  const at = (paperId: string): FusedHit =>
    entries.get(paperId) ?? { paperId, fusedScore: 0, lexicalRank: null, lexicalScore: null, semanticRank: null, semanticScore: null };
  lexical.forEach((hit, i) => {
    const e = at(hit.paperId);
    if (e.lexicalRank !== null) return;
    const normalised = best > 0 && Number.isFinite(hit.score) ? Math.max(0, hit.score) / best : 0;
    entries.set(hit.paperId, { ...e, lexicalRank: i + 1, lexicalScore: hit.score, fusedScore: e.fusedScore + lexicalWeight * normalised });
  });
  semantic.forEach((hit, i) => {
    const e = at(hit.paperId);
    if (e.semanticRank !== null) return;
    const similarity = Number.isFinite(hit.score) ? hit.score : 0;
    const fromFeedback = lexical.length > 0 ? method.feedbackWeight * (feedback.get(hit.paperId) ?? 0) : 0;
    entries.set(hit.paperId, {
      ...e,
      semanticRank: i + 1,
      semanticScore: hit.score,
      fusedScore: e.fusedScore + semanticWeight * similarity + fromFeedback,
    });
  });
  return [...entries.values()].sort(byFusedScore);
}

/** Merges two rankings; either may be empty. Ties keep the lexical order, then the paper id. */
export function fuse(
  lexical: readonly RankedHit[],
  semantic: readonly RankedHit[],
  method: Exclude<FusionMethod, { kind: 'feedback' }>,
): FusedHit[] {
  const entries = new Map<
    string,
    { lexicalRank: number | null; lexicalScore: number | null; semanticRank: number | null; semanticScore: number | null; fused: number }
  >();
  const entry = (id: string) => {
    let e = entries.get(id);
    if (!e) {
      e = { lexicalRank: null, lexicalScore: null, semanticRank: null, semanticScore: null, fused: 0 };
      entries.set(id, e);
    }
    return e;
  };
  const lexicalNorm = method.kind === 'convex' ? normalizeScores(lexical) : null;
  const semanticNorm = method.kind === 'convex' ? normalizeScores(semantic) : null;
  const alpha = Math.min(1, Math.max(0, method.semanticWeight));
  lexical.forEach((hit, i) => {
    const e = entry(hit.paperId);
    if (e.lexicalRank !== null) return;
    e.lexicalRank = i + 1;
    e.lexicalScore = hit.score;
    e.fused += method.kind === 'rrf' ? (1 - alpha) / (method.k + i + 1) : (1 - alpha) * (lexicalNorm?.[i] ?? 0);
  });
  semantic.forEach((hit, i) => {
    const e = entry(hit.paperId);
    if (e.semanticRank !== null) return;
    e.semanticRank = i + 1;
    e.semanticScore = hit.score;
    e.fused += method.kind === 'rrf' ? alpha / (method.k + i + 1) : alpha * (semanticNorm?.[i] ?? 0);
  });
  return [...entries.entries()]
    .map(([paperId, e]) => ({
      paperId,
      fusedScore: e.fused,
      lexicalRank: e.lexicalRank,
      lexicalScore: e.lexicalScore,
      semanticRank: e.semanticRank,
      semanticScore: e.semanticScore,
    }))
    .sort(byFusedScore);
}
