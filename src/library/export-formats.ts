import { arxivAbsUrl } from '../papers/arxiv-id.js';
import type { LibraryEntry } from './library.repository.js';

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

/** Text as LaTeX reads it back literally: every special character escaped, whitespace collapsed. */
export function latexEscape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\{}&%$#_~^]/g, (ch) => LATEX_SPECIALS[ch]!);
}

/** "Ada Lovelace" → "Lovelace, Ada"; a single word stays as it is. */
export function bibtexName(name: string): string {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return parts[0] ?? '';
  const last = parts.pop()!;
  return `${last}, ${parts.join(' ')}`;
}

/** A citation key safe in every BibTeX dialect: the arXiv id with `/` as `_`. */
export function citationKey(paperId: string): string {
  return `arXiv:${paperId.replace(/\//g, '_')}`;
}

function field(name: string, value: string): string {
  return `  ${name} = {${value}}`;
}

/** One @misc entry per paper, in the form arXiv's own "Export BibTeX citation" uses. */
export function toBibtex(entries: readonly LibraryEntry[]): string {
  return entries
    .map(({ paper, note, tags }) => {
      const fields = [
        field('title', `{${latexEscape(paper.title)}}`),
        field('author', paper.authors.map((a) => latexEscape(bibtexName(a))).join(' and ')),
        ...(paper.publishedAt ? [field('year', paper.publishedAt.slice(0, 4))] : []),
        field('eprint', latexEscape(paper.id)),
        field('archivePrefix', 'arXiv'),
        ...((paper.primaryCategory ?? paper.categories[0])
          ? [field('primaryClass', latexEscape(paper.primaryCategory ?? paper.categories[0]!))]
          : []),
        ...(paper.doi ? [field('doi', latexEscape(paper.doi))] : []),
        field('url', arxivAbsUrl(paper.id)),
        ...(tags.length > 0 ? [field('keywords', latexEscape(tags.join(', ')))] : []),
        ...(note ? [field('annote', latexEscape(note))] : []),
      ];
      return `@misc{${citationKey(paper.id)},\n${fields.join(',\n')}\n}\n`;
    })
    .join('\n');
}

export interface CslName {
  readonly family: string;
  readonly given?: string;
}

export interface CslItem {
  readonly id: string;
  readonly type: 'article';
  readonly title: string;
  readonly author: CslName[];
  readonly issued?: { 'date-parts': [[number, number, number]] };
  readonly URL: string;
  readonly DOI?: string;
  readonly number: string;
  readonly publisher: 'arXiv';
  readonly note?: string;
  readonly keyword?: string;
}

function cslName(name: string): CslName {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return { family: parts[0] ?? '' };
  const family = parts.pop()!;
  return { family, given: parts.join(' ') };
}

/** CSL-JSON items (the format of citeproc, Zotero and Pandoc), one per paper. */
export function toCslJson(entries: readonly LibraryEntry[]): CslItem[] {
  return entries.map(({ paper, note, tags }) => {
    const day = paper.publishedAt?.slice(0, 10);
    const parts = day?.split('-').map(Number);
    return {
      id: citationKey(paper.id),
      type: 'article',
      title: paper.title.replace(/\s+/g, ' ').trim(),
      author: paper.authors.map(cslName),
      ...(parts && parts.length === 3
        ? { issued: { 'date-parts': [[parts[0]!, parts[1]!, parts[2]!]] as [[number, number, number]] } }
        : {}),
      URL: arxivAbsUrl(paper.id),
      // arXiv registers a DOI for every paper; the journal's, when known, wins.
      DOI: paper.doi ?? `10.48550/arXiv.${paper.id}`,
      number: `arXiv:${paper.id}`,
      publisher: 'arXiv',
      ...(note ? { note } : {}),
      ...(tags.length > 0 ? { keyword: tags.join(', ') } : {}),
    };
  });
}
