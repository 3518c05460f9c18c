import { sql, type RawBuilder } from 'kysely';
import type { ParsedQuery } from './query-parser.js';

/** Restrictions on which papers may be returned, merged from the query language and explicit request filters. */
export interface PaperFilters {
  readonly categories: readonly string[];
  readonly authors: readonly string[];
  /** Inclusive, YYYY-MM-DD. */
  readonly after: string | null;
  /** Exclusive, YYYY-MM-DD. */
  readonly before: string | null;
}

export const NO_FILTERS: PaperFilters = { categories: [], authors: [], after: null, before: null };

export function filtersFromQuery(parsed: ParsedQuery, extra: Partial<PaperFilters> = {}): PaperFilters {
  const later = (a: string | null, b: string | null | undefined) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));
  const earlier = (a: string | null, b: string | null | undefined) => (a && b ? (a < b ? a : b) : (a ?? b ?? null));
  return {
    categories: [...parsed.categories, ...(extra.categories ?? [])],
    authors: [...parsed.authors, ...(extra.authors ?? [])],
    after: later(parsed.after, extra.after),
    before: earlier(parsed.before, extra.before),
  };
}

export function hasFilters(filters: PaperFilters): boolean {
  return filters.categories.length > 0 || filters.authors.length > 0 || filters.after !== null || filters.before !== null;
}

function likePattern(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * SQL conditions on the `papers` table (aliased `papers`): visible papers matching every filter. Categories match
 * any of the given ones; authors must all appear. Written once for both engines (LIKE with an explicit escape).
 */
export function paperFilterConditions(filters: PaperFilters): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`papers.hidden = 0`];
  if (filters.categories.length > 0) {
    conditions.push(
      sql`(${sql.join(
        filters.categories.map((c) => sql`lower(papers.categories) LIKE ${likePattern(`"${c}"`)} ESCAPE '\\'`),
        sql` OR `,
      )})`,
    );
  }
  for (const author of filters.authors) conditions.push(sql`lower(papers.authors) LIKE ${likePattern(author)} ESCAPE '\\'`);
  if (filters.after) conditions.push(sql`papers.published_at >= ${filters.after}`);
  if (filters.before) conditions.push(sql`papers.published_at < ${filters.before}`);
  return conditions;
}

export function whereAll(conditions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return sql.join(conditions, sql` AND `);
}
