import { parseArxivId } from '../papers/arxiv-id.js';
import { words } from './text.js';

/** A search query split into its parts. Anything the parser does not understand stays as plain text. */
export interface ParsedQuery {
  /** The free text (words and phrases) the relevance models score. */
  readonly text: string;
  readonly terms: readonly string[];
  readonly phrases: readonly string[];
  /** Words or phrases that must not appear. */
  readonly excluded: readonly string[];
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  /** Inclusive lower bound on the publication day (YYYY-MM-DD). */
  readonly after: string | null;
  /** Exclusive upper bound on the publication day (YYYY-MM-DD). */
  readonly before: string | null;
  /** Set when the whole query is an arXiv id or arxiv.org URL. */
  readonly jumpTo: string | null;
  /** Parts that were read as plain text because they were malformed, for the user's information. */
  readonly notes: readonly string[];
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const CATEGORY = /^[a-z][a-z-]*(\.[a-z-]+)?$/i;

function validDay(value: string): boolean {
  if (!ISO_DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

interface Token {
  readonly negated: boolean;
  readonly field: string | null;
  readonly value: string;
  readonly quoted: boolean;
  /** The token as typed, for falling back to plain text. */
  readonly raw: string;
}

/** Splits on whitespace, keeping "quoted phrases" (optionally prefixed by - or field:) together. */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /(-?)(?:([a-z]+):)?(?:"([^"]*)"|(\S+))/gi;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(input)) !== null) {
    const [raw, minus, field, quotedValue, bare] = match;
    if (bare !== undefined && bare.includes('"')) {
      // An unbalanced quote: keep the words, drop the quote characters.
      tokens.push({ negated: false, field: null, value: bare.replace(/"/g, ' '), quoted: false, raw: bare.replace(/"/g, ' ') });
      continue;
    }
    tokens.push({
      negated: minus === '-',
      field: field ? field.toLowerCase() : null,
      value: (quotedValue ?? bare ?? '').trim(),
      quoted: quotedValue !== undefined,
      raw,
    });
  }
  return tokens;
}

/** Reads the query language; never throws. Malformed operators degrade to plain words. */
export function parseQuery(input: string): ParsedQuery {
  const query = input.trim();
  const whole = parseArxivId(query);
  const terms: string[] = [];
  const phrases: string[] = [];
  const excluded: string[] = [];
  const authors: string[] = [];
  const categories: string[] = [];
  const notes: string[] = [];
  let after: string | null = null;
  let before: string | null = null;

  const plain = (text: string) => {
    for (const word of words(text)) terms.push(word);
  };

  for (const token of whole ? [] : tokenize(query)) {
    const { field, value } = token;
    if (value === '') continue;
    if (field === null) {
      if (token.negated && token.raw.length > 1) excluded.push(words(value).join(' '));
      else if (token.quoted) {
        const phrase = words(value).join(' ');
        if (phrase.includes(' ')) phrases.push(phrase);
        else if (phrase) terms.push(phrase);
      } else plain(token.raw);
      continue;
    }
    if (token.negated) {
      plain(token.raw);
      continue;
    }
    if (field === 'author' || field === 'authors') {
      authors.push(value.replace(/\s+/g, ' '));
    } else if ((field === 'cat' || field === 'category') && CATEGORY.test(value)) {
      categories.push(value);
    } else if (field === 'after' || field === 'since' || field === 'from') {
      if (validDay(value)) after = value;
      else {
        notes.push(`"${token.raw}" is not a date like after:2025-01-31; searched as text`);
        plain(token.raw);
      }
    } else if (field === 'before' || field === 'until') {
      if (validDay(value)) before = value;
      else {
        notes.push(`"${token.raw}" is not a date like before:2025-01-31; searched as text`);
        plain(token.raw);
      }
    } else {
      const id = parseArxivId(token.raw);
      if (id) terms.push(id.id);
      else plain(token.raw);
    }
  }
  const text = [...terms, ...phrases].join(' ');
  return {
    text,
    terms: terms.filter((t) => t !== ''),
    phrases,
    excluded: excluded.filter((e) => e !== ''),
    authors,
    categories,
    after,
    before,
    jumpTo: whole ? whole.id : null,
    notes,
  };
}
