import { describe, expect, it } from 'vitest';
import { arxivIdOfEntry } from '../../src/library/bibtex-import.js';
import { parseBibtex } from '../../src/library/bibtex-parse.js';
import { bibtexName, latexEscape, toBibtex, toCslJson } from '../../src/library/export-formats.js';
import type { LibraryEntry } from '../../src/library/library.repository.js';
import type { Paper } from '../../src/papers/paper.js';

function paper(overrides: Partial<Paper>): Paper {
  return {
    id: '2501.00001',
    version: null,
    title: 'A title',
    abstract: 'An abstract.',
    authors: ['Ada Lovelace'],
    categories: ['cs.LG'],
    primaryCategory: 'cs.LG',
    publishedAt: '2025-01-02T00:00:00.000Z',
    updatedAt: null,
    comments: null,
    journalRef: null,
    doi: null,
    license: null,
    projectPage: null,
    organization: null,
    aiSummary: null,
    aiKeywords: null,
    thumbnail: null,
    codeRepo: null,
    hidden: false,
    ...overrides,
  };
}

const ENTRIES: LibraryEntry[] = [
  {
    paper: paper({
      id: '2501.12345',
      title: 'Costs of 100% {accuracy} & $O(n^2)$ loops_\\emph{fast} ~ #1',
      authors: ['Ada Lovelace', 'Jean-Pierre de la Fontaine', 'Plato'],
      categories: ['cs.LG', 'stat.ML'],
      primaryCategory: 'cs.LG',
      doi: '10.1000/xyz_1',
    }),
    note: 'Read §3 {twice} } unbalanced',
    tags: ['reading', 'ml'],
    savedAt: '2025-03-01T00:00:00.000Z',
  },
  {
    paper: paper({ id: 'hep-th/9901001', title: 'Old style', authors: ['Édouard Brézin'], primaryCategory: null, categories: ['hep-th'] }),
    note: '',
    tags: [],
    savedAt: '2025-03-02T00:00:00.000Z',
  },
];

/** Undoes latexEscape, to compare what LaTeX would print with the original text. */
function latexUnescape(text: string): string {
  return text
    .replace(/\\textbackslash\{\}/g, '\\')
    .replace(/\\textasciitilde\{\}/g, '~')
    .replace(/\\textasciicircum\{\}/g, '^')
    .replace(/\\([{}&%$#_])/g, '$1');
}

describe('BibTeX export', () => {
  it('writes @misc entries that parse back to the same papers, with special characters escaped', () => {
    const text = toBibtex(ENTRIES);
    const parsed = parseBibtex(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.type, e.key])).toEqual([
      ['misc', 'arXiv:2501.12345'],
      ['misc', 'arXiv:hep-th_9901001'],
    ]);
    const [first, second] = parsed.entries;
    expect(first!.fields).toMatchObject({
      eprint: '2501.12345',
      archiveprefix: 'arXiv',
      primaryclass: 'cs.LG',
      year: '2025',
      url: 'https://arxiv.org/abs/2501.12345',
      doi: '10.1000/xyz\\_1',
      keywords: 'reading, ml',
    });
    expect(first!.fields.author).toBe('Lovelace, Ada and Fontaine, Jean-Pierre de la and Plato');
    // The title is double-braced to keep its case; inside, every special character is escaped.
    expect(latexUnescape(first!.fields.title!.slice(1, -1))).toBe(ENTRIES[0]!.paper.title);
    expect(first!.fields.title).not.toMatch(/(?<!\\)[&%$#_]/);
    expect(latexUnescape(first!.fields.annote!)).toBe(ENTRIES[0]!.note);
    expect(second!.fields).toMatchObject({ eprint: 'hep-th/9901001', primaryclass: 'hep-th', author: 'Brézin, Édouard' });
    expect(second!.fields.annote).toBeUndefined();
    // Every exported entry imports again.
    expect(parsed.entries.map(arxivIdOfEntry)).toEqual(['2501.12345', 'hep-th/9901001']);
  });

  it('escapes LaTeX specials and orders names as "Last, First"', () => {
    expect(latexEscape('a\\b {c} 50% _x_ ~ ^')).toBe('a\\textbackslash{}b \\{c\\} 50\\% \\_x\\_ \\textasciitilde{} \\textasciicircum{}');
    expect(bibtexName('  Grace   Brewster Hopper ')).toBe('Hopper, Grace Brewster');
    expect(bibtexName('Plato')).toBe('Plato');
  });
});

describe('CSL-JSON export', () => {
  it('writes valid article items with names, dates, URL, DOI and the note', () => {
    const items = JSON.parse(JSON.stringify(toCslJson(ENTRIES))) as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      id: 'arXiv:2501.12345',
      type: 'article',
      title: ENTRIES[0]!.paper.title,
      author: [{ family: 'Lovelace', given: 'Ada' }, { family: 'Fontaine', given: 'Jean-Pierre de la' }, { family: 'Plato' }],
      issued: { 'date-parts': [[2025, 1, 2]] },
      URL: 'https://arxiv.org/abs/2501.12345',
      DOI: '10.1000/xyz_1',
      number: 'arXiv:2501.12345',
      publisher: 'arXiv',
      note: ENTRIES[0]!.note,
      keyword: 'reading, ml',
    });
    expect(items[1]).toMatchObject({ id: 'arXiv:hep-th_9901001', DOI: '10.48550/arXiv.hep-th/9901001' });
    expect(items[1]).not.toHaveProperty('note');
    for (const item of items) {
      expect(typeof item.id).toBe('string');
      expect(item.type).toBe('article');
      expect(Array.isArray(item.author)).toBe(true);
    }
  });
});

describe('BibTeX reader', () => {
  it('reads braces, quotes, numbers, @string macros and # concatenation, and skips comments', () => {
    const { entries, problems } = parseBibtex(`
% a line comment
@comment{ignored @misc{not, an = entry} }
@string{ prefix = "https://arxiv.org/abs/" }
@preamble{ "\\newcommand{\\x}{y}" }
@Article(paren,
  Title = "Quoted {with \\"braces\\"} title",
  year = 2024,
  month = mar,
  url = prefix # "2401.00001",
)`);
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      {
        type: 'article',
        key: 'paren',
        line: 6,
        fields: { title: 'Quoted {with \\"braces\\"} title', year: '2024', month: '3', url: 'https://arxiv.org/abs/2401.00001' },
      },
    ]);
    expect(arxivIdOfEntry(entries[0]!)).toBe('2401.00001');
  });

  it('reports malformed entries with their line and keeps reading the next ones', () => {
    const { entries, problems } = parseBibtex(
      [
        '@misc{good1, eprint = {2401.00001}}',
        '@misc{nocomma eprint = {2401.00002}}',
        '@misc{unbalanced, title = {never closed',
        '@misc{noequals, title {x}}',
        '@misc{good2, eprint = "2401.00003"}',
        '@{nokey}',
      ].join('\n'),
    );
    expect(entries.map((e) => [e.key, e.line])).toEqual([
      ['good1', 1],
      ['good2', 5],
    ]);
    expect(problems.map((p) => [p.line, p.key])).toEqual([
      [2, 'nocomma'],
      [3, 'unbalanced'],
      [4, 'noequals'],
      [6, null],
    ]);
    for (const problem of problems) expect(problem.reason).toMatch(/^malformed entry: /);
  });

  it('finds arXiv ids only where they are arXiv ids', () => {
    const id = (fields: Record<string, string>) => arxivIdOfEntry({ type: 'misc', key: 'k', line: 1, fields });
    expect(id({ eprint: '2401.00001v3' })).toBe('2401.00001');
    expect(id({ eprint: 'math/0501001', archiveprefix: 'arXiv' })).toBe('math/0501001');
    expect(id({ eprint: '12345', archiveprefix: 'PubMed' })).toBeNull();
    expect(id({ url: 'https://arxiv.org/pdf/2401.00002' })).toBe('2401.00002');
    expect(id({ url: 'https://example.org/abs/2401.00002' })).toBeNull();
    expect(id({ doi: 'https://doi.org/10.48550/arXiv.2401.00003' })).toBe('2401.00003');
    expect(id({ doi: '10.1103/PhysRevLett.1.1' })).toBeNull();
  });
});
