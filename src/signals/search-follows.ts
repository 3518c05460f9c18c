import type { Queryable } from '../db/schema.js';
import { parseQuery } from '../search/query-parser.js';
import { Refused } from '../refused.js';
import { normalizeCategory, normalizeFollowedQuery } from './signal-limits.js';
import { followedValues } from './signals.repository.js';

export interface FollowTarget {
  readonly value: string;
  readonly followed: boolean;
}

/** What a search page offers to follow: its categories (`cat:` and the filter) and the query itself. */
export interface SearchFollowTargets {
  readonly categories: readonly FollowTarget[];
  readonly query: FollowTarget | null;
}

function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof Refused) return null;
    throw error;
  }
}

/** The followable parts of a search, with whether the reader already follows each; unusable parts are left out. */
export async function searchFollowTargets(db: Queryable, userId: number, q: string, categoryFilter: string): Promise<SearchFollowTargets> {
  const typed = [...parseQuery(q).categories, ...(categoryFilter ? [categoryFilter] : [])];
  const categories = [...new Set(typed.map((c) => orNull(() => normalizeCategory(c))).filter((c): c is string => c !== null))];
  const query = q.trim() === '' ? null : orNull(() => normalizeFollowedQuery(q));
  const [followedCategories, followedQueries] = await Promise.all([
    followedValues(db, userId, 'category', categories),
    followedValues(db, userId, 'query', query ? [query] : []),
  ]);
  return {
    categories: categories.map((value) => ({ value, followed: followedCategories.has(value) })),
    query: query ? { value: query, followed: followedQueries.has(query) } : null,
  };
}
