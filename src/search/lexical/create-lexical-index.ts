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
   * SQLite: keep a copy of the keyword index in memory and rank plain queries there (the same bm25, far faster on
   * large collections). Long-running processes want it; a one-shot command would spend longer building it than
   * its single query takes.
   */
  readonly inMemory?: boolean;
  /** Where the in-memory copy is saved between runs (`<data dir>/search/`); null keeps it in memory only. */
  readonly dataDir?: string | null;
}

export function createLexicalIndex(store: Store, options: LexicalIndexOptions = {}): LexicalIndex {
  if (store.capabilities.fullText !== 'fts5') return new TsvectorIndex(store.db);
  const file = options.dataDir ? path.join(options.dataDir, 'search', 'keyword-index.bin') : null;
  const mirror = options.inMemory ? new PostingsMirror(store.db, FTS5_COLUMN_WEIGHTS, file) : null;
  return new Fts5Index(store.db, options.pruneFromPapers, mirror);
}
