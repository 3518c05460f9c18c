import { describe, expect, it } from 'vitest';
import { informativeWords, meanIdf, queryClasses } from '../../src/search/eval/query-classes.js';

describe('query classes of an evaluation', () => {
  it('counts distinct informative words and averages bm25 idf over them', () => {
    expect(informativeWords('The diffusion of diffusion models, in 3 D')).toEqual(['diffusion', 'models']);
    const corpus = {
      papers: 100,
      frequencies: new Map([
        ['diffusion', 10],
        ['models', 50],
      ]),
    };
    expect(meanIdf(['diffusion', 'models'], corpus)).toBeCloseTo((Math.log(1 + 90.5 / 10.5) + Math.log(1 + 50.5 / 50.5)) / 2, 12);
    // A word no paper holds is as rare as can be.
    expect(meanIdf(['unheard'], corpus)).toBeCloseTo(Math.log(1 + 100.5 / 0.5), 12);
    expect(meanIdf([], corpus)).toBe(0);
  });

  it('splits at the set’s medians and scores each class', () => {
    const classes = queryClasses([
      { ndcg: 1, mrr: 1, words: 2, meanIdf: 5 },
      { ndcg: 0.5, mrr: 0.5, words: 3, meanIdf: 1 },
      { ndcg: 0, mrr: 0, words: 8, meanIdf: 2 },
      { ndcg: 0.25, mrr: 0.2, words: 9, meanIdf: 4 },
    ]);
    expect(classes.medianWords).toBe(5.5);
    expect(classes.medianIdf).toBe(3);
    expect(classes.short).toEqual({ queries: 2, 'ndcg@10': 0.75, 'mrr@10': 0.75 });
    expect(classes.long).toEqual({ queries: 2, 'ndcg@10': 0.125, 'mrr@10': 0.1 });
    expect(classes.rareTerm).toEqual({ queries: 2, 'ndcg@10': 0.625, 'mrr@10': 0.6 });
    expect(classes.commonTerm).toEqual({ queries: 2, 'ndcg@10': 0.25, 'mrr@10': 0.25 });
  });
});
