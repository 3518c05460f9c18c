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

/** The words a keyword query should match on: content words, or every word when the query has nothing else. */
export function matchTerms(query: ParsedQuery): string[] {
  const content = query.terms.filter((t) => !STOPWORDS.has(t));
  return [...new Set(content.length > 0 ? content : query.terms)];
}

export function createLexicalIndex(store: Store): LexicalIndex {
  return store.capabilities.fullText === 'fts5' ? new Fts5Index(store.db) : new TsvectorIndex(store.db);
}
