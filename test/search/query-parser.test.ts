import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-parser.js';

describe('parseQuery', () => {
  it('splits free text, phrases, exclusions and operators', () => {
    const q = parseQuery('action recognition "egocentric video" -survey author:"Yann LeCun" cat:cs.CV after:2025-01-01 before:2025-06-30');
    expect(q.terms).toEqual(['action', 'recognition']);
    expect(q.phrases).toEqual(['egocentric video']);
    expect(q.excluded).toEqual(['survey']);
    expect(q.authors).toEqual(['Yann LeCun']);
    expect(q.categories).toEqual(['cs.CV']);
    expect(q.after).toBe('2025-01-01');
    expect(q.before).toBe('2025-06-30');
    expect(q.text).toBe('action recognition egocentric video');
    expect(q.jumpTo).toBeNull();
    expect(q.notes).toEqual([]);
  });

  it('jumps to arXiv ids and abs/pdf URLs, with or without version', () => {
    expect(parseQuery('2501.12345').jumpTo).toBe('2501.12345');
    expect(parseQuery('  arXiv:2501.12345v3 ').jumpTo).toBe('2501.12345');
    expect(parseQuery('https://arxiv.org/abs/2501.12345v2').jumpTo).toBe('2501.12345');
    expect(parseQuery('https://arxiv.org/pdf/2501.12345.pdf').jumpTo).toBe('2501.12345');
    expect(parseQuery('hep-th/9901001').jumpTo).toBe('hep-th/9901001');
    expect(parseQuery('https://example.com/abs/2501.12345').jumpTo).toBeNull();
    expect(parseQuery('see 2501.12345 please').jumpTo).toBeNull();
  });

  it('degrades malformed syntax to plain text instead of failing', () => {
    const unbalanced = parseQuery('graph "neural networks');
    expect(unbalanced.terms).toEqual(['graph', 'neural', 'networks']);
    expect(unbalanced.phrases).toEqual([]);

    const badDate = parseQuery('galaxies after:2025-13-45');
    expect(badDate.after).toBeNull();
    expect(badDate.terms).toEqual(['galaxies', 'after', '2025', '13', '45']);
    expect(badDate.notes[0]).toMatch(/not a date/);

    const unknownField = parseQuery('title:robots');
    expect(unknownField.terms).toEqual(['title', 'robots']);

    const lonelyMinus = parseQuery('robots - arms');
    expect(lonelyMinus.terms).toEqual(['robots', 'arms']);
    expect(lonelyMinus.excluded).toEqual([]);

    const emptyPhrase = parseQuery('"" robots');
    expect(emptyPhrase.terms).toEqual(['robots']);
    expect(emptyPhrase.phrases).toEqual([]);
  });

  it('handles empty, whitespace and punctuation-only input', () => {
    for (const input of ['', '   ', '"', '---', ':::', '""""']) {
      const q = parseQuery(input);
      expect(q.terms).toEqual([]);
      expect(q.phrases).toEqual([]);
      expect(q.jumpTo).toBeNull();
    }
  });

  it('keeps single-word quotes as words, excludes quoted phrases, and folds case and accents', () => {
    const q = parseQuery('"Transformers" -"large language" Schrödinger');
    expect(q.terms).toEqual(['transformers', 'schrodinger']);
    expect(q.excluded).toEqual(['large language']);
  });

  it('treats invalid category syntax as text', () => {
    const q = parseQuery('cat:cs.CV! cat:math.AG');
    expect(q.categories).toEqual(['math.AG']);
    expect(q.terms).toEqual(['cat', 'cs', 'cv']);
  });
});
