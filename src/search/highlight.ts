import { porterStem } from './porter-stemmer.js';
import type { ParsedQuery } from './query-parser.js';
import { STOPWORDS, words } from './text.js';

/** A run of text, marked when it matched the query. Rendered by the views as escaped text. */
export interface HighlightSegment {
  readonly text: string;
  readonly match: boolean;
}

function fold(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Stems of the query's content words and phrase words. */
export function highlightStems(query: ParsedQuery): Set<string> {
  const stems = new Set<string>();
  for (const word of [...query.terms, ...query.phrases.flatMap((p) => p.split(' '))]) {
    if (word.length > 1 && !STOPWORDS.has(word)) stems.add(porterStem(word));
  }
  return stems;
}

/** Splits text into segments, marking the words whose stem is one of the query's. */
export function highlight(text: string, stems: ReadonlySet<string>): HighlightSegment[] {
  if (stems.size === 0 || text === '') return text === '' ? [] : [{ text, match: false }];
  const segments: HighlightSegment[] = [];
  const push = (piece: string, match: boolean) => {
    if (piece === '') return;
    const last = segments[segments.length - 1];
    if (last && last.match === match) segments[segments.length - 1] = { text: last.text + piece, match };
    else segments.push({ text: piece, match });
  };
  let position = 0;
  for (const found of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const start = found.index;
    push(text.slice(position, start), false);
    const [word] = words(found[0]);
    push(found[0], word !== undefined && stems.has(porterStem(fold(word))));
    position = start + found[0].length;
  }
  push(text.slice(position), false);
  return segments;
}
