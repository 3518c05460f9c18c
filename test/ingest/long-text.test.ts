import { describe, expect, it } from 'vitest';
import { lsaDocumentTerms } from '../../src/search/embedders/lsa-model.js';
import { normalizeScores } from '../../src/search/fusion.js';
import { parseQuery } from '../../src/search/query-parser.js';

// A text of half a million words: far beyond any paper the importers accept, and far beyond the number of arguments
// a function call can take, which is what a spread (`push(...words)`, `Math.max(...scores)`) passes.
const HUGE = 'neural networks learn useful representations '.repeat(100_000);

describe('long inputs never overflow the stack', () => {
  it('tokenizes a huge abstract for the semantic index', () => {
    const title = lsaDocumentTerms({ title: 'Representation learning', abstract: '' });
    const terms = lsaDocumentTerms({ title: 'Representation learning', abstract: HUGE });
    expect(terms).toHaveLength(title.length + 500_000);
    expect(terms.slice(0, title.length)).toEqual(title);
  });

  it('normalises a candidate list longer than the argument limit', () => {
    const hits = Array.from({ length: 300_000 }, (_, i) => ({ paperId: String(i), score: i }));
    const scores = normalizeScores(hits);
    expect(scores?.[0]).toBe(0);
    expect(scores?.at(-1)).toBe(1);
  });

  it('parses a query of half a million words', () => {
    expect(parseQuery(HUGE).terms.length).toBe(500_000);
  });
});
