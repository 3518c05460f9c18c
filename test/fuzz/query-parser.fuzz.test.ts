import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArxivId } from '../../src/papers/arxiv-id.js';
import { parseQuery, type ParsedQuery } from '../../src/search/query-parser.js';

const RUNS = { numRuns: 400 };

/** Query text built from the characters and words the query language gives meaning to. */
const queryish = fc
  .array(
    fc.constantFrom(
      '"',
      '-',
      ':',
      ' ',
      '  ',
      'author:',
      'authors:',
      'cat:',
      'category:',
      'after:',
      'before:',
      'since:',
      'until:',
      'from:',
      'title:',
      'arxiv:',
      '2025-01-31',
      '2025-02-30',
      '+275760-09-13',
      '9999-12-31',
      'cs.LG',
      'cs..',
      'Yann LeCun',
      'x',
      'graph',
      'neural',
      '2501.12345',
      'hep-th/9901001',
      'https://arxiv.org/abs/2501.12345v2',
      'é',
      'Ω',
      '\t',
      '\n',
      '\u0000',
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

const anyQuery = fc.oneof(
  { arbitrary: queryish, weight: 3 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function isRealDay(value: string): boolean {
  return ISO_DAY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

function expectWellFormed(parsed: ParsedQuery): void {
  for (const list of [parsed.terms, parsed.phrases, parsed.excluded, parsed.authors, parsed.categories]) {
    for (const item of list) {
      expect(typeof item).toBe('string');
      expect(item).not.toBe('');
    }
  }
  for (const term of parsed.terms) expect(term).not.toMatch(/\s/);
  for (const phrase of parsed.phrases) expect(phrase).toMatch(/^\S+( \S+)+$/);
  for (const category of parsed.categories) expect(category).toMatch(/^[a-z][a-z-]*(\.[a-z-]+)?$/i);
  for (const day of [parsed.after, parsed.before]) if (day !== null) expect(isRealDay(day)).toBe(true);
  if (parsed.jumpTo !== null) expect(parseArxivId(parsed.jumpTo)?.id).toBe(parsed.jumpTo);
  expect(parsed.text).toBe([...parsed.terms, ...parsed.phrases].join(' '));
}

/** Writes parsed fields back in the query language. */
function unparse(parsed: ParsedQuery): string {
  return [
    // An arXiv id given as `arxiv:2501.12345` inside other text is kept whole as one term.
    ...parsed.terms.map((term) => (/^[\p{L}\p{N}]+$/u.test(term) ? term : `arxiv:${term}`)),
    ...parsed.phrases.map((phrase) => `"${phrase}"`),
    ...parsed.excluded.map((word) => (word.includes(' ') ? `-"${word}"` : `-${word}`)),
    ...parsed.authors.map((author) => `author:"${author}"`),
    ...parsed.categories.map((category) => `cat:${category}`),
    ...(parsed.after ? [`after:${parsed.after}`] : []),
    ...(parsed.before ? [`before:${parsed.before}`] : []),
  ].join(' ');
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{1,8}$/).filter((w) => parseArxivId(w) === null);
const day = fc
  .date({ min: new Date('1991-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('query parser (property-based)', () => {
  it('never throws and always answers well-formed fields', () => {
    fc.assert(
      fc.property(anyQuery, (input) => {
        expectWellFormed(parseQuery(input));
      }),
      RUNS,
    );
  });

  it('reads back every field from a query written from them', () => {
    const fields = fc.record({
      terms: fc.array(word, { maxLength: 4 }),
      phrases: fc.array(
        fc.array(word, { minLength: 2, maxLength: 3 }).map((ws) => ws.join(' ')),
        { maxLength: 2 },
      ),
      excluded: fc.array(word, { maxLength: 2 }),
      authors: fc.array(
        fc.array(fc.stringMatching(/^[A-Z][a-z]{1,8}$/), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
        {
          maxLength: 2,
        },
      ),
      categories: fc.array(fc.stringMatching(/^[a-z]{2,5}(\.[A-Z]{2})?$/), { maxLength: 2 }),
      after: fc.option(day, { nil: null }),
      before: fc.option(day, { nil: null }),
    });
    fc.assert(
      fc.property(fields, (f) => {
        const parsed = parseQuery(unparse({ ...f, text: '', jumpTo: null, notes: [] }));
        expect(parsed).toMatchObject(f);
        expect(parsed.notes).toEqual([]);
      }),
      RUNS,
    );
  });

  it('parses its own rendering of any query to the same fields', () => {
    fc.assert(
      fc.property(anyQuery, (input) => {
        const first = parseQuery(input);
        if (first.jumpTo !== null) return;
        const rendered = unparse(first);
        // A lone id written back is a whole-query id, which jumps to the paper instead of searching for it.
        if (parseArxivId(rendered.trim())) return;
        const second = parseQuery(rendered);
        expect({ ...second, notes: [] }).toEqual({ ...first, notes: [] });
      }),
      { ...RUNS, examples: [['arxiv:2501.12345 foo'], ['-"a b" -x author:"A  B" -author:x'], ['cat:cs.LG after:2025-02-30 "x']] },
    );
  });
});
