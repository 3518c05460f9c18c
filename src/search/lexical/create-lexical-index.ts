import path from 'node:path';
import type { Store } from '../../db/database.js';
import { Fts5Index, FTS5_COLUMN_WEIGHTS } from './fts5-index.js';
import type { LexicalIndex } from './lexical-index.js';
import { PostingsMirror } from './postings-mirror.js';
import { TsvectorIndex } from './tsvector-index.js';

export interface LexicalIndexOptions {
  /** The collection size from which SQLite queries match on their informative terms only. */
  readonly pruneFromPapers?: number;
  /**
   * Keep a copy of the keyword index in memory and rank plain queries there (the same bm25, far faster on large
   * collections). Long-running processes want it; a one-shot command would spend longer building it than its
   * single query takes. Engines whose full-text search cannot rank by that bm25 (PostgreSQL) always keep it, so
   * every engine ranks alike: built at start when asked for, otherwise at the first search.
   */
  readonly inMemory?: boolean;
  /** Where the in-memory copy is saved between runs (`<data dir>/search/`); null keeps it in memory only. */
  readonly dataDir?: string | null;
}

export function createLexicalIndex(store: Store, options: LexicalIndexOptions = {}): LexicalIndex {
  const ranksBm25InDatabase = store.capabilities.fullText === 'fts5';
  const file = options.dataDir ? path.join(options.dataDir, 'search', 'keyword-index.bin') : null;
  const mirror = options.inMemory || !ranksBm25InDatabase ? new PostingsMirror(store, FTS5_COLUMN_WEIGHTS, file) : null;
  return ranksBm25InDatabase
    ? new Fts5Index(store.db, options.pruneFromPapers, mirror)
    : new TsvectorIndex(store.db, mirror, options.inMemory ?? false);
}
