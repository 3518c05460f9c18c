/** Graded relevance judgements for one query: document id → grade (> 0 is relevant). */
export type Judgements = ReadonlyMap<string, number>;

export function ndcgAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const grade = judgements.get(id) ?? 0;
    if (grade > 0) dcg += (2 ** grade - 1) / Math.log2(i + 2);
  });
  const ideal = [...judgements.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  const idcg = ideal.reduce((sum, grade, i) => sum + (2 ** grade - 1) / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function mrrAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  const position = ranked.slice(0, k).findIndex((id) => (judgements.get(id) ?? 0) > 0);
  return position < 0 ? 0 : 1 / (position + 1);
}

export function recallAt(ranked: readonly string[], judgements: Judgements, k: number): number {
  const relevant = [...judgements.entries()].filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
