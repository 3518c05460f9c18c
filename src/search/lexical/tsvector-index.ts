import { sql, type Kysely, type RawBuilder } from 'kysely';
import { oneOf } from '../../db/bulk-rows.js';
import type { DB } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { hasFilters, paperFilterConditions, whereAll, type PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import type { SearchActivity } from '../search-activity.js';
import { countFilteredByDay, dayCountsFromEpochDays, type DayCounts } from './day-counts.js';
import {
  answerableInMemory,
  excludedPhrases,
  hasTextToMatch,
  matchTerms,
  phraseWords,
  postingsQueryOf,
  type LexicalHit,
  type LexicalIndex,
} from './lexical-index.js';
import { currentDocument, fillAllPendingDocuments, FullTextBackfill, SERVER_BACKFILL_PACING } from './full-text-backlog.js';
import { readPhraseSets, searchWithPhraseSets, splitPhraseChecks, type PhraseChecks } from './phrase-admission.js';
import type { DocumentFrequencies, MirrorBuildReport, PostingsMirror } from './postings-mirror.js';

/** Ids per statement when asking which ranked papers satisfy a query's conditions. */
const ADMIT_CHUNK = 10_000;

/**
 * Only a phrase whose every word is in at most 2,000 papers has its papers listed (phrase-admission.ts): a stored
 * tsvector checks a ranked paper quickly, while listing a common phrase's papers through GIN cost more than checking
 * (for "neural networks" at 74,728 papers, about 60 ms more).
 */
const PHRASE_LISTING_UP_TO = 2_000;

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

/**
 * PostgreSQL: the in-memory postings rank every query with the same bm25 as SQLite (same tokens, weights and
 * statistics); tsvector + GIN checks the phrases, and SQL the filters, of the papers it ranks. Until the in-memory
 * index is built, ts_rank answers: weights A (title) 1.0, B (abstract) 0.4, C (authors) 0.2, normalised by length.
 * Documents a bulk write left pending are computed on the fly by every check until the backfill stores them.
 */
export class TsvectorIndex implements LexicalIndex {
  private backfill: FullTextBackfill | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly mirror: PostingsMirror | null = null,
    /**
     * Build the in-memory index at start (a server), or at the first search (one-shot commands: an import, which
     * never searches, then never reads every paper).
     */
    private readonly buildAtStart = true,
    private readonly phraseListingUpTo = PHRASE_LISTING_UP_TO,
  ) {}

  start(): Promise<MirrorBuildReport | null> {
    return (this.buildAtStart && this.mirror?.build()) || Promise.resolve(null);
  }

  /** Computes the documents bulk writes left pending, in the background (the server). */
  startBackgroundJobs(logger: Logger, searches: SearchActivity): void {
    this.backfill ??= new FullTextBackfill(this.db, logger, SERVER_BACKFILL_PACING, searches);
    this.backfill.start();
  }

  finishBacklog(progress: (line: string) => void): Promise<number> {
    return fillAllPendingDocuments(this.db, progress);
  }

  async flush(): Promise<void> {
    await this.backfill?.stop();
    await this.mirror?.close();
  }

  async search(typed: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]> {
    if (limit <= 0) return [];
    const query = await this.withoutStopWordPhrases(typed);
    if (this.mirror) {
      if (!this.buildAtStart) await this.mirror.build();
      const postingsQuery = postingsQueryOf(query, limit);
      const ranked = answerableInMemory(query, filters)
        ? await this.mirror.search(postingsQuery)
        : await this.searchAdmitted(this.mirror, query, filters, limit);
      if (ranked) return ranked;
    }
    return this.searchByTsRank(query, filters, limit);
  }

  async documentFrequencies(words: readonly string[]): Promise<DocumentFrequencies | null> {
    if (!this.mirror) return null;
    if (!this.buildAtStart) await this.mirror.build();
    return this.mirror.documentFrequencies(words);
  }

  async countByDay(query: ParsedQuery, filters: PaperFilters): Promise<DayCounts> {
    const expression = tsqueryAllExpression(query);
    if (expression === null || !hasTextToMatch(query)) return hasFilters(filters) ? countFilteredByDay(this.db, filters) : new Map();
    if (this.mirror && answerableInMemory(query, filters)) {
      if (!this.buildAtStart) await this.mirror.build();
      const counts = await this.mirror.countByDay(matchTerms(query), query.excluded);
      if (counts) return dayCountsFromEpochDays(counts);
    }
    return countFilteredByDay(
      this.db,
      filters,
      sql`papers.id IN (
        SELECT paper_fts.paper_id FROM paper_fts WHERE paper_fts.document @@ (${expression})
        UNION ALL
        SELECT paper_fts.paper_id FROM paper_fts JOIN papers ON papers.id = paper_fts.paper_id
        WHERE paper_fts.document IS NULL AND ${currentDocument} @@ (${expression}))`,
    );
  }

  private async searchAdmitted(mirror: PostingsMirror, query: ParsedQuery, filters: PaperFilters, limit: number) {
    const sets = await readPhraseSets(query, (phrase, upTo) => this.papersHolding(mirror, phrase, upTo), this.phraseListingUpTo);
    const checks = splitPhraseChecks(query, sets);
    return searchWithPhraseSets(mirror, query, limit, sets, (ids) => this.admit(ids, filters, checks));
  }

  /**
   * A phrase's papers, when each of its words is in at most `upTo` papers: the stored documents through GIN, and the
   * pending ones (after a bulk write there can be a million) computed only for the papers the in-memory index says
   * hold every word. Null for a phrase to check paper by paper.
   */
  private async papersHolding(mirror: PostingsMirror, phrase: string, upTo: number): Promise<string[] | null> {
    const candidates = await mirror.papersHoldingAll(phraseWords(phrase), upTo);
    if (candidates === null) return null;
    const tsquery = sql`phraseto_tsquery('english', ${phrase})`;
    const stored = sql`SELECT paper_id AS id FROM paper_fts WHERE document @@ ${tsquery} LIMIT ${upTo + 1}`;
    const { rows } = await sql<{ id: string }>`${
      candidates.length > 0
        ? sql`(${stored}) UNION ALL (
            SELECT paper_fts.paper_id AS id FROM paper_fts JOIN papers ON papers.id = paper_fts.paper_id
            WHERE paper_fts.document IS NULL AND ${oneOf(this.db, sql`paper_fts.paper_id`, candidates, 'text')} AND ${currentDocument} @@ ${tsquery})`
        : stored
    }`.execute(this.db);
    return rows.map((row) => row.id);
  }

  /**
   * The query without the phrases (required or excluded) made of PostgreSQL's stop words alone ("of the"): the
   * english configuration drops those words, so such a phrase constrains nothing, as in PostgreSQL's own queries,
   * where it would otherwise admit no paper when checked on its own.
   */
  private async withoutStopWordPhrases(query: ParsedQuery): Promise<ParsedQuery> {
    const suspects = [...query.phrases, ...excludedPhrases(query)].filter((phrase) => phraseWords(phrase).length === 0);
    if (suspects.length === 0) return query;
    const { rows } = await sql<{ phrase: string }>`
      SELECT phrase FROM unnest(${suspects}::text[]) AS phrase WHERE numnode(phraseto_tsquery('english', phrase)) = 0`.execute(this.db);
    const invisible = new Set(rows.map((row) => row.phrase));
    if (invisible.size === 0) return query;
    return {
      ...query,
      phrases: query.phrases.filter((phrase) => !invisible.has(phrase)),
      excluded: query.excluded.filter((excluded) => !invisible.has(excluded)),
    };
  }

  /** Which of these papers have every phrase, none of the excluded phrases, and pass the filters. */
  private async admit(paperIds: readonly string[], filters: PaperFilters, phrases: PhraseChecks<string>): Promise<Set<string>> {
    const conditions = paperFilterConditions(filters);
    const holding = (phrase: string) => sql`${currentDocument} @@ phraseto_tsquery('english', ${phrase})`;
    const textual = [...phrases.required.map(holding), ...phrases.excluded.map((phrase) => sql`NOT (${holding(phrase)})`)];
    const candidates = paperIds.filter(phrases.passes);
    if (conditions.length + textual.length === 0) return new Set(candidates);
    const join = textual.length > 0 ? sql`JOIN paper_fts ON paper_fts.paper_id = papers.id` : sql``;
    const admitted = new Set<string>();
    for (let at = 0; at < candidates.length; at += ADMIT_CHUNK) {
      const chunk = candidates.slice(at, at + ADMIT_CHUNK);
      const { rows } = await sql<{ id: string }>`
        SELECT papers.id AS id FROM papers ${join}
        WHERE papers.id IN (${sql.join(chunk.map((id) => sql`${id}`))}) AND ${whereAll([...conditions, ...textual])}`.execute(this.db);
      for (const row of rows) admitted.add(row.id);
    }
    return admitted;
  }

  private async searchByTsRank(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]> {
    const expression = tsqueryExpression(query);
    if (expression === null) return [];
    const result = await sql<{ id: string; score: number }>`
      SELECT papers.id AS id, ts_rank('{0.1, 0.2, 0.4, 1.0}', ${currentDocument}, q.query, 1) AS score
      FROM (SELECT ${expression} AS query) q
      JOIN paper_fts ON paper_fts.document @@ q.query OR paper_fts.document IS NULL
      JOIN papers ON papers.id = paper_fts.paper_id
      WHERE ${currentDocument} @@ q.query AND ${whereAll(paperFilterConditions(filters))}
      ORDER BY score DESC, papers.id LIMIT ${limit}`.execute(this.db);
    return result.rows.map((row) => ({ paperId: row.id, score: Number(row.score) }));
  }
}
