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
  | { readonly kind: 'convex'; readonly semanticWeight: number };

/**
 * Scores rescaled to [0, 1]. A list whose scores are all equal and positive carries rank information only (all 1);
 * a list of all-zero or non-finite scores carries none and is dropped.
 */
export function normalizeScores(hits: readonly RankedHit[]): number[] | null {
  const finite = hits.map((h) => (Number.isFinite(h.score) ? h.score : 0));
  if (finite.length === 0) return null;
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  if (max - min < 1e-12) return max > 0 ? finite.map(() => 1) : null;
  return finite.map((s) => (s - min) / (max - min));
}

/** Merges two rankings; either may be empty. Ties keep the lexical order, then the paper id. */
export function fuse(lexical: readonly RankedHit[], semantic: readonly RankedHit[], method: FusionMethod): FusedHit[] {
  const entries = new Map<string, { lexicalRank: number | null; lexicalScore: number | null; semanticRank: number | null; semanticScore: number | null; fused: number }>();
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
    .sort(
      (a, b) =>
        b.fusedScore - a.fusedScore ||
        (a.lexicalRank ?? Infinity) - (b.lexicalRank ?? Infinity) ||
        (a.semanticRank ?? Infinity) - (b.semanticRank ?? Infinity) ||
        (a.paperId < b.paperId ? -1 : a.paperId > b.paperId ? 1 : 0),
    );
}
