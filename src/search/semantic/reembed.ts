import type { Store } from '../../db/database.js';
import type { Embedder } from '../embedders/embedder.js';
import type { VectorIndex } from '../vector-index.js';
import { embedRows, newClock, storeRows, STORE_BATCH, type EmbeddedRow, type PaperText, type PhaseClock } from './vector-writer.js';

/** Every paper's text, in id order, one page at a time (keyset pagination, so memory stays flat). */
async function* paperPages(store: Store, size: number): AsyncIterable<PaperText[]> {
  let after = '';
  for (;;) {
    const page = await store.db
      .selectFrom('papers')
      .select(['id', 'title', 'abstract'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(size)
      .execute();
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Embeds every paper into an empty index, as a pipeline: the next page is embedded (on the builtin embedder's
 * worker thread, or by the remote service) while this one is stored and added to the index.
 */
export async function reembedAllPapers(
  store: Store,
  embedder: Embedder,
  vectors: VectorIndex,
  options: { readonly total: number; readonly now: string; readonly progress: (line: string) => void },
): Promise<{ papers: number; clock: PhaseClock }> {
  const clock = newClock();
  let done = 0;
  let embedding: { rows: Promise<EmbeddedRow[]>; papers: number } | null = null;
  const storeEmbedded = async (pending: { rows: Promise<EmbeddedRow[]>; papers: number }) => {
    const waiting = performance.now();
    const rows = await pending.rows;
    clock.embed += performance.now() - waiting;
    await storeRows(store, vectors, rows, options.now, clock);
    done += pending.papers;
    options.progress(`embedded ${done} / ${options.total} papers`);
  };
  for await (const page of paperPages(store, STORE_BATCH)) {
    const next = { rows: embedRows(embedder, page), papers: page.length };
    next.rows.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled
    if (embedding) await storeEmbedded(embedding);
    embedding = next;
  }
  if (embedding) await storeEmbedded(embedding);
  const saving = performance.now();
  vectors.save();
  clock.hnsw += performance.now() - saving;
  return { papers: done, clock };
}
