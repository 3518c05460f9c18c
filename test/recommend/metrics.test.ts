import { describe, expect, it } from 'vitest';
import { pairwiseLoss } from '../../src/recommend/eval/pairwise-loss.js';
import { ndcgAt, recallAt } from '../../src/search/eval/metrics.js';

const judgements = new Map([
  ['a', 2],
  ['b', 1],
  ['c', 0],
]);

function scoresOf(ranking: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(ranking));
}

describe('ranking metrics', () => {
  it('nDCG@10 discounts a relevant paper by its position', () => {
    expect(ndcgAt(['a', 'b', 'x'], judgements, 10)).toBeCloseTo(1, 12);
    // DCG = 1/log2(2) + 3/log2(3); ideal = 3/log2(2) + 1/log2(3).
    const expected = (1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3));
    expect(ndcgAt(['b', 'a'], judgements, 10)).toBeCloseTo(expected, 12);
    expect(ndcgAt(['x', 'y'], judgements, 10)).toBe(0);
  });

  it('recall@k counts the relevant papers in the top k', () => {
    expect(recallAt(['a', 'x', 'b'], judgements, 2)).toBe(0.5);
    expect(recallAt(['a', 'x', 'b'], judgements, 3)).toBe(1);
  });
});

describe('pairwise loss', () => {
  it('is 0 for a perfect order and 1 for the reverse', () => {
    expect(pairwiseLoss(scoresOf({ a: 3, b: 2, c: 1 }), judgements)).toBe(0);
    expect(pairwiseLoss(scoresOf({ a: 1, b: 2, c: 3 }), judgements)).toBe(1);
  });

  it('weighs an error by the grade difference and counts half of it on a tie', () => {
    // Pairs: a>b (1), a>c (2), b>c (1); total 4. Swapping b and c costs 1 of 4.
    expect(pairwiseLoss(scoresOf({ a: 3, b: 1, c: 2 }), judgements)).toBe(0.25);
    // a ties c: half of 2 of 4.
    expect(pairwiseLoss(scoresOf({ a: 1, b: 2, c: 1 }), judgements)).toBe((1 + 1 + 0) / 4);
    // every score equal: half of everything, chance.
    expect(pairwiseLoss(scoresOf({ a: 0, b: 0, c: 0 }), judgements)).toBe(0.5);
  });

  it('ranks an unscored judged paper below every scored one', () => {
    expect(pairwiseLoss(scoresOf({ b: 2, c: 1 }), judgements)).toBe(3 / 4);
  });

  it('is undefined when no two judged papers differ in grade', () => {
    expect(
      pairwiseLoss(
        scoresOf({ a: 1, b: 2 }),
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
      ),
    ).toBeNull();
  });
});
