import type { Store } from '../db/database.js';
import { restoreAuthorNameIndex, setAsideAuthorNameIndex } from '../papers/author-name-index.js';
import { countPapers, IMPORT_BATCH_SIZE } from '../papers/papers.repository.js';
import type { ProgressSink } from './progress.js';

/**
 * New papers an import writes before it is asked whether it is a bulk load: one batch. Every author row written
 * before the index is set aside pays for a random index insert, and rebuilding the index for a collection no
 * larger than the import costs little, so the question comes early; it is asked again only once the import could
 * have caught up with what was stored.
 */
export const BULK_IMPORT_PAPERS = IMPORT_BATCH_SIZE;

/**
 * Sets the author-name index aside once an import proves to be a bulk load — it has written at least `from` new
 * papers and at least as many as were stored before it — and builds the index again when the import ends. Building
 * it sorts every author row once, which costs less than a few more batches of random index inserts; a smaller import
 * into a large collection keeps the index as it is.
 */
export class AuthorIndexDeferral {
  private setAside = false;
  private nextCheck: number;

  constructor(
    private readonly store: Store,
    private readonly progress: ProgressSink,
    private readonly from: number = BULK_IMPORT_PAPERS,
  ) {
    this.nextCheck = from;
  }

  /** Called between batches with the papers this import has inserted so far. */
  async beforeBatch(inserted: number): Promise<void> {
    if (this.setAside || inserted < this.nextCheck) return;
    const storedBefore = (await countPapers(this.store.db)) - inserted;
    // Counting a large collection is not free: an import into one asks again only when it could have outgrown it.
    this.nextCheck = Math.max(inserted + this.from, storedBefore);
    if (inserted < storedBefore) return;
    await setAsideAuthorNameIndex(this.store.db);
    this.setAside = true;
    this.progress.line(`bulk import: the author-name index is set aside until the papers are written (${inserted} new so far)`);
  }

  /** Builds the index again if this import set it aside; called however the import ends. */
  async finish(): Promise<void> {
    if (!this.setAside) return;
    const started = performance.now();
    await restoreAuthorNameIndex(this.store.db);
    this.setAside = false;
    this.progress.line(`built the author-name index in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
