import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { paperFilterConditions, whereAll, type PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import { matchTerms, type LexicalHit, type LexicalIndex } from './lexical-index.js';

/** bm25() column weights for title, abstract, authors (measured on SciFact train). */
export const FTS5_WEIGHTS = { title: 2, abstract: 1, authors: 1 } as const;

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Builds an FTS5 MATCH expression: any of the words (BM25 ranks), all phrases, none of the exclusions. */
export function fts5Expression(query: ParsedQuery): string | null {
  const terms = matchTerms(query);
  const required: string[] = [];
  if (terms.length > 0) required.push(`(${terms.map(quote).join(' OR ')})`);
  for (const phrase of query.phrases) required.push(quote(phrase));
  if (required.length === 0) return null;
  let expression = required.join(' AND ');
  for (const excluded of query.excluded) expression = `(${expression}) NOT ${quote(excluded)}`;
  return expression;
}

export class Fts5Index implements LexicalIndex {
  constructor(private readonly db: Kysely<DB>) {}

  async search(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]> {
    const expression = fts5Expression(query);
    if (expression === null || limit <= 0) return [];
    const { title, abstract, authors } = FTS5_WEIGHTS;
    const result = await sql<{ id: string; rank: number }>`
      SELECT papers.id AS id, bm25(papers_fts, ${sql.lit(title)}, ${sql.lit(abstract)}, ${sql.lit(authors)}) AS rank
      FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
      WHERE papers_fts MATCH ${expression} AND ${whereAll(paperFilterConditions(filters))}
      ORDER BY rank LIMIT ${limit}`.execute(this.db);
    // bm25() is negative, smaller is better.
    return result.rows.map((row) => ({ paperId: row.id, score: -row.rank }));
  }
}
