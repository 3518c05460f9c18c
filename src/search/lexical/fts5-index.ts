import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { hasFilters, paperFilterConditions, whereAll, type PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import { words } from '../text.js';
import type { ColumnWeights } from './fts5-bm25.js';
import { addDroppedTermScores, DEFAULT_PRUNE_FROM_PAPERS, fts5DocumentFrequencies, pruneTerms } from './fts5-term-pruning.js';
import { countFilteredByDay, dayCountsFromEpochDays, type DayCounts } from './day-counts.js';
import { answerableInMemory, hasTextToMatch, matchTerms, postingsQueryOf, type LexicalHit, type LexicalIndex } from './lexical-index.js';
import type { DocumentFrequencies, MirrorBuildReport, PostingsMirror } from './postings-mirror.js';
import { readPhraseSets, searchWithPhraseSets, splitPhraseChecks, type PhraseChecks } from './phrase-admission.js';

/** bm25() column weights for title, abstract, authors (measured on SciFact train). */
export const FTS5_WEIGHTS = { title: 2, abstract: 1, authors: 1 } as const;
export const FTS5_COLUMN_WEIGHTS: ColumnWeights = [FTS5_WEIGHTS.title, FTS5_WEIGHTS.abstract, FTS5_WEIGHTS.authors];

/** How many more candidates than asked for a pruned query ranks before the dropped terms are scored back in. */
const CANDIDATE_POOL_FACTOR = 2;

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Builds an FTS5 MATCH expression: any of the words (BM25 ranks), all phrases, none of the exclusions. */
export function fts5Expression(query: ParsedQuery, terms: readonly string[] = matchTerms(query)): string | null {
  const required: string[] = [];
  if (terms.length > 0) required.push(`(${terms.map(quote).join(' OR ')})`);
  for (const phrase of query.phrases) required.push(quote(phrase));
  if (required.length === 0) return null;
  let expression = required.join(' AND ');
  for (const excluded of query.excluded) expression = `(${expression}) NOT ${quote(excluded)}`;
  return expression;
}

/** An FTS5 MATCH expression requiring every word and phrase and none of the exclusions, or null when none is given. */
export function fts5AllExpression(query: ParsedQuery): string | null {
  const required = [...matchTerms(query), ...query.phrases].map(quote);
  if (required.length === 0) return null;
  let expression = required.join(' AND ');
  for (const excluded of query.excluded) expression = `(${expression}) NOT ${quote(excluded)}`;
  return expression;
}

/** Ids per statement when asking which ranked papers satisfy a query's conditions. */
const ADMIT_CHUNK = 10_000;

/**
 * Every phrase's papers are listed once per search, by rowid, up to this many (phrase-admission.ts). At 200,000
 * papers FTS5 counted the 3,893 papers of "language models" in 10 ms and checked ranked papers for it at about 40 µs
 * each (`robustness "language models"` took 320 ms through the API checked paper by paper, 110 ms listed); listing
 * a phrase as common as "of the" (52,763 papers) only to give up costs more than it saves, hence the bound; and a
 * phrase with a word in more papers than that is not listed at all (the in-memory index counts them).
 */
const PHRASE_LISTING_UP_TO = 20_000;

export class Fts5Index implements LexicalIndex {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly pruneFromPapers = DEFAULT_PRUNE_FROM_PAPERS,
    /** When given and built, plain queries are ranked in memory (the same bm25) instead of by FTS5. */
    private readonly mirror: PostingsMirror | null = null,
    private readonly phraseListingUpTo = PHRASE_LISTING_UP_TO,
  ) {}

  start(): Promise<MirrorBuildReport | null> {
    return this.mirror?.build() ?? Promise.resolve(null);
  }

  /** FTS5 is kept in step by its triggers, within each write. */
  startBackgroundJobs(): void {}

  /** Nothing is ever pending: FTS5 is kept in step within each write. */
  finishBacklog(): Promise<number> {
    return Promise.resolve(0);
  }

  flush(): Promise<void> {
    return this.mirror?.close() ?? Promise.resolve();
  }

  async search(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]> {
    if (limit <= 0) return [];
    if (this.mirror) {
      const postingsQuery = postingsQueryOf(query, limit);
      const ranked = answerableInMemory(query, filters)
        ? await this.mirror.search(postingsQuery)
        : await this.searchAdmitted(this.mirror, query, filters, limit);
      if (ranked) return ranked;
    }
    const { kept, dropped } = await pruneTerms(this.db, matchTerms(query), this.pruneFromPapers);
    const expression = fts5Expression(query, kept);
    if (expression === null) return [];
    // Matching on the rarest terms only: take a deeper pool, then rank it with the dropped terms scored back in.
    const depth = dropped.length > 0 ? limit * CANDIDATE_POOL_FACTOR : limit;
    const hits = hasFilters(filters) ? await this.searchJoined(expression, filters, depth) : await this.searchVisible(expression, depth);
    if (dropped.length === 0) return hits;
    return (await addDroppedTermScores(this.db, hits, dropped, FTS5_COLUMN_WEIGHTS)).slice(0, limit);
  }

  /** From the in-memory index when it is ready, else from FTS5's own term counts. */
  async documentFrequencies(words: readonly string[]): Promise<DocumentFrequencies | null> {
    return (await this.mirror?.documentFrequencies(words)) ?? fts5DocumentFrequencies(this.db, words);
  }

  async countByDay(query: ParsedQuery, filters: PaperFilters): Promise<DayCounts> {
    if (!hasTextToMatch(query)) return hasFilters(filters) ? countFilteredByDay(this.db, filters) : new Map();
    if (this.mirror && answerableInMemory(query, filters)) {
      const counts = await this.mirror.countByDay(matchTerms(query), query.excluded);
      if (counts) return dayCountsFromEpochDays(counts);
    }
    const expression = fts5AllExpression(query)!;
    return countFilteredByDay(this.db, filters, sql`papers.rowid IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ${expression})`);
  }

  private async searchAdmitted(mirror: PostingsMirror, query: ParsedQuery, filters: PaperFilters, limit: number) {
    const sets = await readPhraseSets(query, (phrase, upTo) => this.papersHolding(mirror, phrase, upTo), this.phraseListingUpTo);
    const checks = splitPhraseChecks(query, sets);
    return searchWithPhraseSets(mirror, query, limit, sets, (ids) => this.admit(ids, filters, checks));
  }

  /** A phrase's papers, unless one of its words alone is in more than `limit` papers (listing would then be in vain). */
  private async papersHolding(mirror: PostingsMirror, phrase: string, limit: number): Promise<number[] | null> {
    const rarest = await mirror.rarestWordFrequency(words(phrase));
    if (rarest !== null && rarest > limit) return null;
    const { rows } = await sql<{ rowid: number }>`
      SELECT rowid FROM papers_fts WHERE papers_fts MATCH ${quote(phrase)} LIMIT ${limit + 1}`.execute(this.db);
    return rows.map((row) => Number(row.rowid));
  }

  /** Which of these papers have every phrase, none of the excluded phrases, and pass the filters. */
  private async admit(paperIds: readonly string[], filters: PaperFilters, phrases: PhraseChecks<number>): Promise<Set<string>> {
    const conditions = paperFilterConditions(filters);
    const matching = (phrase: string) =>
      sql`EXISTS (SELECT 1 FROM papers_fts WHERE papers_fts.rowid = papers.rowid AND papers_fts MATCH ${quote(phrase)})`;
    for (const phrase of phrases.required) conditions.push(matching(phrase));
    for (const phrase of phrases.excluded) conditions.push(sql`NOT ${matching(phrase)}`);
    if (conditions.length === 0 && !phrases.inMemory) return new Set(paperIds);
    const admitted = new Set<string>();
    for (let at = 0; at < paperIds.length; at += ADMIT_CHUNK) {
      const chunk = paperIds.slice(at, at + ADMIT_CHUNK);
      const { rows } = await sql<{ rowid: number; id: string }>`
        SELECT papers.rowid AS rowid, papers.id AS id FROM papers
        WHERE papers.id IN (${sql.join(chunk.map((id) => sql`${id}`))}) AND ${whereAll(conditions)}`.execute(this.db);
      for (const row of rows) if (phrases.passes(Number(row.rowid))) admitted.add(row.id);
    }
    return admitted;
  }

  /** The visible papers among ranked rowids, in the same order, with their ids. */
  private async withPaperIds(ranked: readonly { key: number; score: number }[]): Promise<LexicalHit[]> {
    if (ranked.length === 0) return [];
    const { rows } = await sql<{ rowid: number; id: string }>`
      SELECT rowid, id FROM papers WHERE hidden = 0 AND rowid IN (${sql.join(ranked.map((r) => sql`${r.key}`))})`.execute(this.db);
    const ids = new Map(rows.map((row) => [Number(row.rowid), row.id]));
    return ranked.flatMap((r) => {
      const id = ids.get(r.key);
      return id === undefined ? [] : [{ paperId: id, score: r.score }];
    });
  }

  /**
   * Without filters, rank in the full-text index alone (joining papers for every match doubles the cost of queries
   * with common words) and drop hidden papers afterwards, asking for more when too many were hidden.
   */
  private async searchVisible(expression: string, limit: number): Promise<LexicalHit[]> {
    const { title, abstract, authors } = FTS5_WEIGHTS;
    for (let fetch = limit + 16; ; fetch *= 4) {
      const ranked = await sql<{ rowid: number; rank: number }>`
        SELECT rowid, bm25(papers_fts, ${sql.lit(title)}, ${sql.lit(abstract)}, ${sql.lit(authors)}) AS rank
        FROM papers_fts WHERE papers_fts MATCH ${expression} ORDER BY rank LIMIT ${fetch}`.execute(this.db);
      if (ranked.rows.length === 0) return [];
      // bm25() is negative, smaller is better.
      const hits = await this.withPaperIds(ranked.rows.map((row) => ({ key: Number(row.rowid), score: -row.rank })));
      if (hits.length >= limit || ranked.rows.length < fetch) return hits.slice(0, limit);
    }
  }

  private async searchJoined(expression: string, filters: PaperFilters, limit: number): Promise<LexicalHit[]> {
    const { title, abstract, authors } = FTS5_WEIGHTS;
    const result = await sql<{ id: string; rank: number }>`
      SELECT papers.id AS id, bm25(papers_fts, ${sql.lit(title)}, ${sql.lit(abstract)}, ${sql.lit(authors)}) AS rank
      FROM papers_fts JOIN papers ON papers.rowid = papers_fts.rowid
      WHERE papers_fts MATCH ${expression} AND ${whereAll(paperFilterConditions(filters))}
      ORDER BY rank LIMIT ${limit}`.execute(this.db);
    return result.rows.map((row) => ({ paperId: row.id, score: -row.rank }));
  }
}
