import type { PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import { STOPWORDS } from '../text.js';
import type { DayCounts } from './day-counts.js';
import type { MirrorBuildReport } from './postings-mirror.js';

export interface LexicalHit {
  readonly paperId: string;
  /** Higher is better; only comparable within one result list. */
  readonly score: number;
}

/** Keyword search over title (weighted higher), abstract and authors, with stemming. */
export interface LexicalIndex {
  /**
   * Brings up whatever the index keeps outside the database (reporting what it built, or null when nothing);
   * searches work, perhaps slower, before it is done.
   */
  start(): Promise<MirrorBuildReport | null>;
  /** Saves whatever the index keeps outside the database. */
  flush(): Promise<void>;
  search(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]>;
  /**
   * Every visible paper matching all of the query's words and phrases, none of its exclusions, and the filters,
   * counted by publication day. A query with neither words nor phrases counts the papers its filters select (none
   * when it has no filters either).
   */
  countByDay(query: ParsedQuery, filters: PaperFilters): Promise<DayCounts>;
}

/** Whether a query names anything a paper must contain. */
export function hasTextToMatch(query: ParsedQuery): boolean {
  return matchTerms(query).length > 0 || query.phrases.length > 0;
}

/**
 * The words a keyword query should match on: its content words. Stop words alone match nothing, on both engines
 * (PostgreSQL's english configuration drops them anyway).
 */
export function matchTerms(query: ParsedQuery): string[] {
  return [...new Set(query.terms.filter((t) => !STOPWORDS.has(t)))];
}
