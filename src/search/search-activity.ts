/**
 * Searches under way and when the last one ended. Background work that competes with searches for the database and
 * the cores (PostgreSQL's full-text backfill) waits for a quiet moment, so a reader's query does not queue behind it.
 */
export class SearchActivity {
  private running = 0;
  private lastEnded = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = () => performance.now()) {}

  async during<T>(search: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await search();
    } finally {
      this.running -= 1;
      this.lastEnded = this.now();
    }
  }

  /** Whether no search is under way and none ended in the last `ms` milliseconds. */
  quietFor(ms: number): boolean {
    return this.running === 0 && this.now() - this.lastEnded >= ms;
  }
}
