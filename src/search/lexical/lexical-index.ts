import type { Store } from '../../db/database.js';
import type { PaperFilters } from '../paper-filters.js';
import type { ParsedQuery } from '../query-parser.js';
import { STOPWORDS } from '../text.js';
import { Fts5Index } from './fts5-index.js';
import { TsvectorIndex } from './tsvector-index.js';

export interface LexicalHit {
  readonly paperId: string;
  /** Higher is better; only comparable within one result list. */
  readonly score: number;
}

/** Keyword search over title (weighted higher), abstract and authors, with stemming. */
export interface LexicalIndex {
  search(query: ParsedQuery, filters: PaperFilters, limit: number): Promise<LexicalHit[]>;
}

/**
 * The words a keyword query should match on: its content words. Stop words alone match nothing, on both engines
 * (PostgreSQL's english configuration drops them anyway).
 */
export function matchTerms(query: ParsedQuery): string[] {
  return [...new Set(query.terms.filter((t) => !STOPWORDS.has(t)))];
}

/** `pruneFromPapers`: the collection size from which SQLite queries match on their informative terms only. */
export function createLexicalIndex(store: Store, options: { pruneFromPapers?: number } = {}): LexicalIndex {
  return store.capabilities.fullText === 'fts5' ? new Fts5Index(store.db, options.pruneFromPapers) : new TsvectorIndex(store.db);
}
