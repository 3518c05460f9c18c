import { stemmer } from 'stemmer';
import type { ParsedQuery } from './query-parser.js';
import { isContentWord, words } from './text.js';

/** A run of text, marked when it matched the query. Rendered by the views as escaped text. */
export interface HighlightSegment {
  readonly text: string;
  readonly match: boolean;
}

const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

/** The stem of a word as typed: lower-cased, diacritics folded, cached (highlighting stems every word shown). */
function stemOf(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    const folded = /^[a-zA-Z0-9]*$/.test(word) ? word.toLowerCase() : (words(word)[0] ?? '');
    stem = stemmer(folded);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/** Stems of the query's content words and phrase words. */
export function highlightStems(query: ParsedQuery): Set<string> {
  const stems = new Set<string>();
  for (const word of [...query.terms, ...query.phrases.flatMap((p) => p.split(' '))]) {
    if (isContentWord(word)) stems.add(stemmer(word));
  }
  return stems;
}

/** False when the word starts with a plain ASCII character that no stem starts with (others are folded first: é → e). */
function couldMatch(word: string, initials: ReadonlySet<number>): boolean {
  const first = word.charCodeAt(0);
  if (first >= 128) return true;
  return initials.has(first >= 65 && first <= 90 ? first + 32 : first);
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
  // Stemming rewrites only the end of a word, so a word can match only a stem that starts with its own first
  // letter: most words of a text are told apart by that letter without being stemmed.
  const initials = new Set<number>();
  for (const stem of stems) initials.add(stem.charCodeAt(0));
  let position = 0;
  for (const found of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const start = found.index;
    push(text.slice(position, start), false);
    push(found[0], couldMatch(found[0], initials) && stems.has(stemOf(found[0])));
    position = start + found[0].length;
  }
  push(text.slice(position), false);
  return segments;
}
