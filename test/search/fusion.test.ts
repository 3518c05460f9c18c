import { describe, expect, it } from 'vitest';
import { BUILTIN_MODEL_FUSION } from '../../src/search/embedders/fusion-settings.js';
import { fuse, fuseWithFeedback, lexicalMargin, normalizeScores, type FusionMethod } from '../../src/search/fusion.js';

const rrf = { kind: 'rrf', k: 60, semanticWeight: 0.5 } as const satisfies FusionMethod;
const convex = { kind: 'convex', semanticWeight: 0.5 } as const satisfies FusionMethod;
const feedback = { kind: 'feedback', seeds: 2, feedbackWeight: 0.5, semanticWeight: 0 } as const satisfies FusionMethod;
const hits = (...pairs: [string, number][]) => pairs.map(([paperId, score]) => ({ paperId, score }));

describe('fuse', () => {
  for (const method of [rrf, convex]) {
    describe(method.kind, () => {
      it('returns nothing for two empty lists', () => {
        expect(fuse([], [], method)).toEqual([]);
      });

      it('keeps the order of a one-sided list', () => {
        const lexicalOnly = fuse(hits(['a', 9], ['b', 5], ['c', 1]), [], method);
        expect(lexicalOnly.map((h) => h.paperId)).toEqual(['a', 'b', 'c']);
        expect(lexicalOnly[0]).toMatchObject({ lexicalRank: 1, lexicalScore: 9, semanticRank: null, semanticScore: null });
        const semanticOnly = fuse([], hits(['x', 0.9], ['y', 0.8]), method);
        expect(semanticOnly.map((h) => h.paperId)).toEqual(['x', 'y']);
        expect(semanticOnly[1]).toMatchObject({ semanticRank: 2, lexicalRank: null });
      });

      it('puts papers both rankings agree on first', () => {
        const fused = fuse(hits(['a', 9], ['b', 8], ['c', 1]), hits(['b', 0.9], ['d', 0.85], ['c', 0.1]), method);
        expect(fused[0]!.paperId).toBe('b');
        expect(fused.map((h) => h.paperId).sort()).toEqual(['a', 'b', 'c', 'd']);
        expect(new Set(fused.map((h) => h.paperId)).size).toBe(4);
      });

      it('stays finite and ordered with all-zero and non-finite scores', () => {
        const fused = fuse(hits(['a', 0], ['b', 0]), hits(['c', 0], ['a', 0]), method);
        for (const h of fused) expect(Number.isFinite(h.fusedScore)).toBe(true);
        const nan = fuse(hits(['a', Number.NaN], ['b', Infinity]), [], method);
        for (const h of nan) expect(Number.isFinite(h.fusedScore)).toBe(true);
        expect(nan.map((h) => h.paperId)).toEqual(['a', 'b']);
      });

      it('ignores duplicate ids inside one list', () => {
        const fused = fuse(hits(['a', 3], ['a', 2], ['b', 1]), [], method);
        expect(fused.map((h) => h.paperId)).toEqual(['a', 'b']);
        expect(fused[0]!.lexicalRank).toBe(1);
      });
    });
  }

  it('weights: semantic weight 0 follows the lexical ranking, 1 the semantic one', () => {
    const lexical = hits(['a', 3], ['b', 2]);
    const semantic = hits(['b', 0.9], ['a', 0.1]);
    expect(fuse(lexical, semantic, { kind: 'rrf', k: 60, semanticWeight: 0 })[0]!.paperId).toBe('a');
    expect(fuse(lexical, semantic, { kind: 'rrf', k: 60, semanticWeight: 1 })[0]!.paperId).toBe('b');
    expect(fuse(lexical, semantic, { kind: 'convex', semanticWeight: 0 })[0]!.paperId).toBe('a');
    expect(fuse(lexical, semantic, { kind: 'convex', semanticWeight: 1 })[0]!.paperId).toBe('b');
  });
});

describe('normalizeScores', () => {
  it('rescales to [0, 1], keeps equal positive scores as 1 and drops lists without information', () => {
    expect(normalizeScores(hits(['a', 10], ['b', 5], ['c', 0]))).toEqual([1, 0.5, 0]);
    expect(normalizeScores(hits(['a', 2], ['b', 2]))).toEqual([1, 1]);
    expect(normalizeScores(hits(['a', 0], ['b', 0]))).toBeNull();
    expect(normalizeScores([])).toBeNull();
  });
});

describe('fuseWithFeedback', () => {
  it('handles empty and one-sided inputs', () => {
    expect(fuseWithFeedback([], [], new Map(), feedback)).toEqual([]);
    expect(fuseWithFeedback(hits(['a', 5], ['b', 1]), [], new Map(), feedback).map((h) => h.paperId)).toEqual(['a', 'b']);
    // Without keyword hits the query similarity decides.
    const semanticOnly = fuseWithFeedback([], hits(['x', 0.9], ['y', 0.2]), new Map([['y', 1]]), feedback);
    expect(semanticOnly.map((h) => h.paperId)).toEqual(['x', 'y']);
    expect(semanticOnly[0]!.fusedScore).toBeCloseTo(0.9);
  });

  it('lets feedback reorder close keyword scores and bring in papers like the top hits', () => {
    const lexical = hits(['a', 10], ['b', 9], ['c', 8.9]);
    const semantic = hits(['a', 0.5], ['c', 0.4], ['b', 0.1], ['d', 0.3]);
    const fb = new Map([
      ['a', 0.9],
      ['b', 0.1],
      ['c', 0.8],
      ['d', 0.7],
    ]);
    const fused = fuseWithFeedback(lexical, semantic, fb, feedback);
    expect(fused.map((h) => h.paperId)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused.find((h) => h.paperId === 'd')).toMatchObject({ lexicalRank: null, semanticRank: 4, semanticScore: 0.3 });
  });

  it('stays finite with all-zero and non-finite scores', () => {
    const fused = fuseWithFeedback(hits(['a', 0], ['b', Number.NaN]), hits(['a', 0], ['c', Infinity]), new Map(), feedback);
    expect(fused.map((h) => h.paperId).sort()).toEqual(['a', 'b', 'c']);
    for (const h of fused) expect(Number.isFinite(h.fusedScore)).toBe(true);
  });

  it('weighs query similarity by how far the top keyword hit stands out', () => {
    const adaptive = { kind: 'feedback', seeds: 1, feedbackWeight: 0, semanticWeight: 0.25, marginDiscount: 0.5 } as const;
    const semantic = hits(['a', 0.2], ['b', 0.6]);
    // Margin (10 − 9) / 10 = 0.1: weight 0.25 − 0.05 = 0.2; a: 1 + 0.2·0.2 = 1.04, b: 0.9 + 0.2·0.6 = 1.02.
    const close = fuseWithFeedback(hits(['a', 10], ['b', 9]), semantic, new Map(), adaptive);
    expect(close.map((h) => [h.paperId, Number(h.fusedScore.toFixed(6))])).toEqual([
      ['a', 1.04],
      ['b', 1.02],
    ]);
    // Margin 0.02: weight 0.24; a: 1 + 0.048 = 1.048, b: 0.98 + 0.144 = 1.124 — meaning decides a near tie.
    const tie = fuseWithFeedback(hits(['a', 10], ['b', 9.8]), semantic, new Map(), adaptive);
    expect(tie.map((h) => [h.paperId, Number(h.fusedScore.toFixed(6))])).toEqual([
      ['b', 1.124],
      ['a', 1.048],
    ]);
    // Margin 0.5 or more: weight 0, the keyword ranking stands.
    const clear = fuseWithFeedback(hits(['a', 10], ['b', 5]), hits(['b', 0.9], ['a', 0.1]), new Map(), adaptive);
    expect(clear.map((h) => [h.paperId, h.fusedScore])).toEqual([
      ['a', 1],
      ['b', 0.5],
    ]);
  });

  it('measures the margin of the top keyword hit', () => {
    expect(lexicalMargin([])).toBe(0);
    expect(lexicalMargin(hits(['a', 4]))).toBe(1);
    expect(lexicalMargin(hits(['a', 4], ['b', 3], ['c', 1]))).toBe(0.25);
    expect(lexicalMargin(hits(['a', 4], ['b', 4]))).toBe(0);
    expect(lexicalMargin(hits(['a', 0], ['b', 0]))).toBe(0);
    expect(lexicalMargin(hits(['a', 4], ['b', Number.NaN]))).toBe(1);
  });

  it('fuses with the builtin model’s settings: feedback, and query similarity only when keywords are undecided', () => {
    const lexical = hits(['a', 10], ['b', 9.5], ['c', 5]);
    const semantic = hits(['c', 0.8], ['b', 0.5], ['a', 0.4]);
    const fb = new Map([
      ['a', 0.9],
      ['b', 0.9],
      ['c', 0.2],
    ]);
    // Margin 0.05: weight 0.2 − 0.025 = 0.175.
    // a: 1 + 0.175·0.4 + 0.25·0.9 = 1.295; b: 0.95 + 0.0875 + 0.225 = 1.2625; c: 0.5 + 0.14 + 0.05 = 0.69.
    const fused = fuseWithFeedback(lexical, semantic, fb, BUILTIN_MODEL_FUSION as Extract<FusionMethod, { kind: 'feedback' }>);
    expect(fused.map((h) => [h.paperId, Number(h.fusedScore.toFixed(6))])).toEqual([
      ['a', 1.295],
      ['b', 1.2625],
      ['c', 0.69],
    ]);
  });
});
