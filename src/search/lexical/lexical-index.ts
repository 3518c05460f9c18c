import type { PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import { STOPWORDS } from '../text.js';
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
}

/**
 * The words a keyword query should match on: its content words. Stop words alone match nothing, on both engines
 * (PostgreSQL's english configuration drops them anyway).
 */
export function matchTerms(query: ParsedQuery): string[] {
  return [...new Set(query.terms.filter((t) => !STOPWORDS.has(t)))];
}
