import type { ProfileSource } from './reader-models.js';

/** Why a paper was recommended: a sentence for people and the parts it was made of, for clients. */
export interface ForYouReason {
  readonly text: string;
  /** The paper of the reader's profile it is closest to (cosine of their TF-IDF vectors). */
  readonly closeTo: { readonly paperId: string; readonly title: string; readonly source: ProfileSource; readonly closeness: number } | null;
  /** The terms (words and word pairs) that weighed most in the reader's model. */
  readonly words: readonly string[];
  /** Followed authors among the paper's authors, followed categories it is in, saved searches it matches. */
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  readonly searches: readonly string[];
  /** True when nothing about the reader ranked it: a popular paper of the period. */
  readonly popular: boolean;
}

export type ReasonParts = Omit<ForYouReason, 'text'>;

const WHERE: Record<ProfileSource, (title: string) => string> = {
  library: (title) => `close to “${title}” in your library`,
  rating: (title) => `close to “${title}”, which you rated more like this`,
  upvote: (title) => `close to “${title}”, which you upvoted`,
  authored: (title) => `close to your paper “${title}”`,
};

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The sentence of a reason: its parts in order of strength, joined; plain text (pages escape it). */
export function reasonText(parts: ReasonParts): string {
  const phrases: string[] = [];
  if (parts.authors.length > 0)
    phrases.push(`by ${list(parts.authors)}, ${parts.authors.length === 1 ? 'an author' : 'authors'} you follow`);
  if (parts.closeTo) phrases.push(WHERE[parts.closeTo.source](parts.closeTo.title));
  if (parts.searches.length > 0) {
    phrases.push(`matches your saved ${parts.searches.length === 1 ? 'search' : 'searches'} ${list(parts.searches.map((q) => `“${q}”`))}`);
  }
  if (parts.categories.length > 0) phrases.push(`in ${list(parts.categories)}, which you follow`);
  if (parts.words.length > 0) phrases.push(`words that weighed most: ${parts.words.join(', ')}`);
  if (phrases.length === 0) return parts.popular ? 'Popular in this period.' : 'Ranked by what you told us so far.';
  const sentence = phrases.join('; ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}
