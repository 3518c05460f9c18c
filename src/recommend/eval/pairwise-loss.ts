import type { Judgements } from '../../search/eval/metrics.js';

/**
 * Over every pair of judged documents with different grades: the grade difference counts as an error when the scores
 * order the pair the other way round, half of it on a tie; divided by the sum of all grade differences. 0 is perfect,
 * 0.5 is chance; null when no two judged documents differ in grade. Documents without a score rank below all others.
 */
export function pairwiseLoss(scores: ReadonlyMap<string, number>, judgements: Judgements): number | null {
  const judged = [...judgements.entries()].map(([id, grade]) => ({ grade, score: scores.get(id) ?? -Infinity }));
  let errors = 0;
  let total = 0;
  for (let i = 0; i < judged.length; i++) {
    for (let j = i + 1; j < judged.length; j++) {
      const [a, b] = judged[i]!.grade > judged[j]!.grade ? [judged[i]!, judged[j]!] : [judged[j]!, judged[i]!];
      const difference = a.grade - b.grade;
      if (difference === 0) continue;
      total += difference;
      if (a.score < b.score) errors += difference;
      else if (a.score === b.score) errors += difference / 2;
    }
  }
  return total === 0 ? null : errors / total;
}
