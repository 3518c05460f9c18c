import fc from 'fast-check';
import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import { highlight } from '../../src/search/highlight.js';
import { words } from '../../src/search/text.js';

const VOCABULARY = [
  'Running',
  'runs',
  'ran',
  'runner',
  'Graph',
  'graphs',
  'graphical',
  'neural',
  'Networks',
  'networking',
  'happy',
  'happiness',
  'ies',
  'as',
  'a',
  'x',
  'Über',
  'über',
  'éclair',
  'Éclairs',
  'naïve',
  'naive',
  'models',
  'modelling',
  '2024',
  '3D',
  'sses',
  'caresses',
  'ponies',
  'Yield',
  'yielding',
  'agreed',
  'feed',
  'relational',
  'conditional',
];

/** Every word stemmed, without the first-letter shortcut: what highlighting must agree with. */
function marked(text: string, stems: ReadonlySet<string>): string[] {
  return [...text.matchAll(/[\p{L}\p{N}]+/gu)]
    .map((m) => m[0])
    .filter((word) => stems.has(stemmer(/^[a-zA-Z0-9]*$/.test(word) ? word.toLowerCase() : (words(word)[0] ?? ''))));
}

describe('highlight', () => {
  it('marks exactly the words whose stem is the query’s, keeping the text whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 30 }),
        fc.array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(' ', ', ', ' — ', '-'),
        (textWords, queryWords, separator) => {
          const text = textWords.join(separator);
          const stems = new Set(queryWords.map((w) => stemmer(words(w)[0] ?? '')));
          const segments = highlight(text, stems);
          expect(segments.map((s) => s.text).join('')).toBe(text);
          const matched = segments.filter((s) => s.match).flatMap((s) => [...s.text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]));
          expect(matched).toEqual(marked(text, stems));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('marks a capitalised or accented word of the query’s stem', () => {
    const stems = new Set(['graph', 'eclair']);
    expect(highlight('Graphs and Éclairs', stems)).toEqual([
      { text: 'Graphs', match: true },
      { text: ' and ', match: false },
      { text: 'Éclairs', match: true },
    ]);
  });
});
