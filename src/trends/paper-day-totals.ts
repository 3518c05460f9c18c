import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import type { DayCounts } from '../search/search.service.js';
import type { WriteEvents } from '../write-events.js';

/** How long totals are kept at most: imports by another process are not announced here. */
const MAX_AGE_MS = 5 * 60_000;

/**
 * Visible papers per publication day over the whole database: the denominator of every trend's share. Counted from
 * the (published_at, hidden) index and kept until a write here changes papers or MAX_AGE_MS passes.
 */
export class PaperDayTotals {
  private cached: { readonly at: number; readonly counts: Promise<DayCounts> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets the totals whenever papers are added, changed or hidden. Returns the function that stops listening. */
  listen(writes: Pick<WriteEvents, 'subscribe'>): () => void {
    return writes.subscribe((event) => {
      if (event.kind === 'import' || event.kind === 'paper-visibility' || event.kind === 'submission') this.cached = null;
    });
  }

  byDay(): Promise<DayCounts> {
    const now = this.now();
    if (this.cached === null || now - this.cached.at > MAX_AGE_MS) {
      const counts = this.count();
      this.cached = { at: now, counts };
      counts.catch(() => {
        if (this.cached?.counts === counts) this.cached = null;
      });
    }
    return this.cached.counts;
  }

  private async count(): Promise<DayCounts> {
    const { rows } = await sql<{ day: string; n: number | string }>`
      SELECT substr(published_at, 1, 10) AS day, count(*) AS n FROM papers
      WHERE hidden = 0 AND published_at IS NOT NULL GROUP BY substr(published_at, 1, 10)`.execute(this.store.db);
    return new Map(rows.map((row) => [row.day, Number(row.n)]));
  }
}
