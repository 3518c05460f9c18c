import { stemmer } from 'stemmer';

/** English function words that carry no topic; dropped from queries and from the builtin model's vocabulary. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also via using use used based show shows shown paper propose proposed ' +
    'approach method methods however thus may might must within without whether among across et al'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[a-z0-9]+/g;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Lower-cased words with diacritics folded, in order. */
export function words(text: string): string[] {
  // Most paper text is ASCII, where folding changes nothing and the simpler pattern finds the same words faster.
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? [];
}

/** A word (as `words()` yields it) that carries content: not a stop word, not a single character. */
export function isContentWord(word: string): boolean {
  return word.length > 1 && !STOPWORDS.has(word);
}

/** Stemmed content terms of a text, in order (stop words and 1-character tokens removed). */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    if (isContentWord(word)) out.push(stemmer(word));
  }
  return out;
}
