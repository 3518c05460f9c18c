import type { Store } from '../../db/database.js';
import { BuiltinEmbedder } from '../embedders/builtin-embedder.js';
import type { Embedder } from '../embedders/embedder.js';
import type { VectorIndex } from '../vector-index.js';
import { replaceVectors, type StoredVector } from '../vectors.repository.js';

export interface PaperText {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
}

export interface EmbeddedRow {
  readonly paperId: string;
  readonly vector: Float32Array;
}

/** Milliseconds spent waiting for embeddings, storing vectors, and adding them to the index. */
export interface PhaseClock {
  embed: number;
  store: number;
  hnsw: number;
}

export function newClock(): PhaseClock {
  return { embed: 0, store: 0, hnsw: 0 };
}

/** Papers per embedder call (an HTTP request for remote embedders). */
const EMBED_BATCH = 256;
/** Papers stored per transaction and added to the index per (multi-threaded) batch. */
export const STORE_BATCH = EMBED_BATCH * 8;

/** The papers' vectors; the builtin embedder takes a whole batch at once (on its worker thread). */
export async function embedRows(embedder: Embedder, papers: readonly PaperText[]): Promise<EmbeddedRow[]> {
  const rows: EmbeddedRow[] = [];
  const size = embedder instanceof BuiltinEmbedder ? papers.length : EMBED_BATCH;
  for (let i = 0; i < papers.length; i += size) {
    const batch = papers.slice(i, i + size);
    const vectors = await embedder.embedDocuments(batch);
    batch.forEach((p, j) => rows.push({ paperId: p.id, vector: vectors[j]! }));
  }
  return rows;
}

/** Stores the vectors (one transaction) and adds them to the index, replacing the papers' previous vectors. */
export async function storeRows(
  store: Store,
  vectors: VectorIndex,
  rows: readonly EmbeddedRow[],
  now: string,
  clock: PhaseClock = newClock(),
): Promise<void> {
  if (rows.length === 0) return;
  const perInsert = Math.max(1, Math.floor(store.capabilities.maxParameters / 4));
  const stored: StoredVector[] = [];
  const replaced: number[] = [];
  let started = performance.now();
  // One transaction per batch: one commit instead of one per statement.
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += perInsert) {
      const written = await replaceVectors(trx, vectors.embedder, rows.slice(i, i + perInsert), now);
      stored.push(...written.stored);
      replaced.push(...written.replacedKeys);
    }
  });
  clock.store += performance.now() - started;
  started = performance.now();
  vectors.add(stored, replaced);
  clock.hnsw += performance.now() - started;
}

/** Embeds these papers and stores their vectors. */
export async function embedAndStore(
  store: Store,
  embedder: Embedder,
  vectors: VectorIndex,
  papers: readonly PaperText[],
  now: string,
): Promise<void> {
  if (papers.length > 0) await storeRows(store, vectors, await embedRows(embedder, papers), now);
}
