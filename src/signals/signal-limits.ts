import { parseQuery } from '../search/query-parser.js';
import { Refused } from '../refused.js';

/** Most follows (authors, categories and saved searches together) one reader keeps. */
export const MAX_FOLLOWS = 500;
/** Most papers one reader rates. */
export const MAX_RATINGS = 10_000;
/** Longest followed author name, in characters. */
export const MAX_AUTHOR_NAME_LENGTH = 200;
/** Longest arXiv category, in characters (the longest real one, cond-mat.mes-hall, has 17). */
export const MAX_CATEGORY_LENGTH = 40;
/** Longest saved search: the search box's own limit. */
export const MAX_FOLLOWED_QUERY_LENGTH = 500;

export const FOLLOW_KINDS = ['author', 'category', 'query'] as const;
export type FollowKind = (typeof FOLLOW_KINDS)[number];

export type RatingValue = 1 | -1;

/** arXiv's category syntax: an archive (cs, hep-th, q-bio) and, for most, a subject class (CV, stat-mech). */
const CATEGORY = /^[a-z]+(?:-[a-z]+)*(?:\.[a-z]+(?:-[a-z]+)*)?$/i;
const CONTROL = /\p{Cc}/u;

/** Collapses runs of whitespace and trims, after Unicode normalisation, so the same name is stored once. */
export function tidy(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** An author name as written (case kept), trimmed and bounded. */
export function normalizeAuthor(raw: string): string {
  const name = tidy(raw);
  if (name === '') throw new Refused('invalid', 'An author name is required.');
  if (name.length > MAX_AUTHOR_NAME_LENGTH) {
    throw new Refused('invalid', `An author name can be at most ${MAX_AUTHOR_NAME_LENGTH} characters.`);
  }
  if (CONTROL.test(name)) throw new Refused('invalid', 'An author name cannot contain control characters.');
  return name;
}

/**
 * An arXiv category in arXiv's own spelling: the archive in lowercase, a two-letter subject class in uppercase
 * (cs.CV, math.AG, astro-ph.GA) and a longer one in lowercase (physics.optics, cond-mat.stat-mech).
 */
export function normalizeCategory(raw: string): string {
  const value = raw.trim();
  if (value.length > MAX_CATEGORY_LENGTH || !CATEGORY.test(value)) {
    throw new Refused('invalid', 'A category is an arXiv category such as cs.CV, hep-th or cond-mat.stat-mech.');
  }
  const [archive, subject] = value.split('.');
  if (subject === undefined) return archive!.toLowerCase();
  return `${archive!.toLowerCase()}.${subject.length === 2 ? subject.toUpperCase() : subject.toLowerCase()}`;
}

/** A saved search: a query the search box accepts that asks for something (not empty, not a single paper id). */
export function normalizeFollowedQuery(raw: string): string {
  const query = tidy(raw);
  if (query === '') throw new Refused('invalid', 'A saved search needs a query.');
  if (query.length > MAX_FOLLOWED_QUERY_LENGTH) {
    throw new Refused('invalid', `A saved search can be at most ${MAX_FOLLOWED_QUERY_LENGTH} characters.`);
  }
  if (CONTROL.test(query)) throw new Refused('invalid', 'A saved search cannot contain control characters.');
  const parsed = parseQuery(query);
  if (parsed.jumpTo !== null) throw new Refused('invalid', 'That query names one paper; save the paper to your library instead.');
  const asksForSomething =
    parsed.terms.length + parsed.phrases.length + parsed.authors.length + parsed.categories.length > 0 ||
    parsed.after !== null ||
    parsed.before !== null;
  if (!asksForSomething) throw new Refused('invalid', 'That query matches nothing in particular.');
  return query;
}

export function normalizeFollowValue(kind: FollowKind, raw: string): string {
  switch (kind) {
    case 'author':
      return normalizeAuthor(raw);
    case 'category':
      return normalizeCategory(raw);
    case 'query':
      return normalizeFollowedQuery(raw);
  }
}

export function isFollowKind(value: string): value is FollowKind {
  return (FOLLOW_KINDS as readonly string[]).includes(value);
}
