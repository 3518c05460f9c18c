import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { paperFilterConditions, whereAll, type PaperFilters } from '../paper-filters.js';

/** Matching visible papers by publication day (`YYYY-MM-DD`); papers without a date are not counted. */
export type DayCounts = ReadonlyMap<string, number>;

const DAY_MS = 86_400_000;

/** Turns counts keyed by days since 1970-01-01 into counts keyed by ISO day. */
export function dayCountsFromEpochDays(counts: ReadonlyMap<number, number>): DayCounts {
  const out = new Map<string, number>();
  for (const [day, n] of counts) out.set(new Date(day * DAY_MS).toISOString().slice(0, 10), n);
  return out;
}

export function dayCountsFromRows(rows: readonly { day: string | null; n: number | string }[]): DayCounts {
  const out = new Map<string, number>();
  for (const row of rows) if (row.day !== null) out.set(row.day, Number(row.n));
  return out;
}

/**
 * Visible papers meeting the filters and `matching` (a condition on `papers`, if any), counted by day in the
 * database. Written once for both engines.
 */
export async function countFilteredByDay(
  db: Kysely<DB>,
  filters: PaperFilters,
  matching: RawBuilder<unknown> | null = null,
): Promise<DayCounts> {
  const conditions = [...paperFilterConditions(filters), sql`papers.published_at IS NOT NULL`];
  if (matching) conditions.push(matching);
  const { rows } = await sql<{ day: string | null; n: number | string }>`
    SELECT substr(papers.published_at, 1, 10) AS day, count(*) AS n FROM papers
    WHERE ${whereAll(conditions)} GROUP BY substr(papers.published_at, 1, 10)`.execute(db);
  return dayCountsFromRows(rows);
}
