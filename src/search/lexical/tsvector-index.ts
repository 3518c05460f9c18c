import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { hasFilters, paperFilterConditions, whereAll, type PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import { countFilteredByDay, type DayCounts } from './day-counts.js';
import { hasTextToMatch, matchTerms, type LexicalHit, type LexicalIndex } from './lexical-index.js';

/** Builds a tsquery: any of the words, all phrases, none of the exclusions (every value bound as a parameter). */
export function tsqueryExpression(query: ParsedQuery): RawBuilder<unknown> | null {
  const terms = matchTerms(query);
  const parts: RawBuilder<unknown>[] = [];
  // Words come from the tokenizer (letters and digits only), so joining them with | is a valid to_tsquery input.
  if (terms.length > 0) parts.push(sql`to_tsquery('english', ${terms.join(' | ')})`);
  for (const phrase of query.phrases) parts.push(sql`phraseto_tsquery('english', ${phrase})`);
  if (parts.length === 0) return null;
  for (const excluded of query.excluded) parts.push(sql`!! phraseto_tsquery('english', ${excluded})`);
  return sql.join(parts, sql` && `);
}

/** A tsquery requiring every word and phrase and none of the exclusions, or null when none is given. */
export function tsqueryAllExpression(query: ParsedQuery): RawBuilder<unknown> | null {
  const terms = matchTerms(query);
  const parts: RawBuilder<unknown>[] = [];
  if (terms.length > 0) parts.push(sql`to_tsquery('english', ${terms.join(' & ')})`);
  for (const phrase of query.phrases) parts.push(sql`phraseto_tsquery('english', ${phrase})`);
  if (parts.length === 0) return null;
  for (const excluded of query.excluded) parts.push(sql`!! phraseto_tsquery('english', ${excluded})`);
  return sql.join(parts, sql` && `);
}

/** PostgreSQL full text: weights A (title) 1.0, B (abstract) 0.4, C (authors) 0.2; rank normalised by length. */
export class TsvectorIndex implements LexicalIndex {
  constructor(private readonly db: Kysely<DB>) {}

  start(): Promise<null> {
    return Promise.resolve(null);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  async search(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]> {
    const expression = tsqueryExpression(query);
    if (expression === null || limit <= 0) return [];
    const result = await sql<{ id: string; score: number }>`
      SELECT papers.id AS id, ts_rank('{0.1, 0.2, 0.4, 1.0}', paper_fts.document, q.query, 1) AS score
      FROM (SELECT ${expression} AS query) q
      JOIN paper_fts ON paper_fts.document @@ q.query
      JOIN papers ON papers.id = paper_fts.paper_id
      WHERE ${whereAll(paperFilterConditions(filters))}
      ORDER BY score DESC, papers.id LIMIT ${limit}`.execute(this.db);
    return result.rows.map((row) => ({ paperId: row.id, score: Number(row.score) }));
  }

  async countByDay(query: ParsedQuery, filters: PaperFilters): Promise<DayCounts> {
    const expression = tsqueryAllExpression(query);
    if (expression === null || !hasTextToMatch(query)) return hasFilters(filters) ? countFilteredByDay(this.db, filters) : new Map();
    return countFilteredByDay(
      this.db,
      filters,
      sql`papers.id IN (SELECT paper_fts.paper_id FROM paper_fts WHERE paper_fts.document @@ (${expression}))`,
    );
  }
}
