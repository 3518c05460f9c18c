import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { PeriodicRound } from '../../periodic-round.js';
import { SearchActivity } from '../search-activity.js';

/**
 * PostgreSQL's full-text documents (paper_fts, used to check phrases) that bulk writes left pending (migration 023),
 * and the background work that fills them.
 */

/** A paper's document: the stored one, or computed on the fly while it is pending. Needs paper_fts joined to papers. */
export const currentDocument = sql`coalesce(paper_fts.document, paper_document(papers.title, papers.abstract, papers.authors))`;

/** Papers per transaction for `paperboy index fulltext`: a few hundred milliseconds of the database's time. */
const FILL_BATCH = 2_000;

/**
 * How the server's backfill shares the database with the queries it serves meanwhile (after a bulk import there can
 * be a million pending documents): small transactions, each started only once searches have paused for `quietMs`
 * (or after `maxDeferMs` of waiting for that, so a server that is never quiet still gets through its backlog), and
 * after each one a rest `restRatio` times as long as the transaction took, so the backfill keeps at most
 * 1 / (1 + restRatio) of one database core.
 */
export interface BackfillPacing {
  /** How often to look for pending documents once none was left. */
  readonly intervalMs: number;
  /** Papers per transaction. */
  readonly batch: number;
  readonly restRatio: number;
  readonly quietMs: number;
  readonly maxDeferMs: number;
  /** Waits `ms` milliseconds (a timer; tests pass their own). */
  readonly rest: (ms: number) => Promise<void>;
}

export const SERVER_BACKFILL_PACING: BackfillPacing = {
  intervalMs: 10_000,
  batch: 200,
  restRatio: 1,
  quietMs: 250,
  maxDeferMs: 5_000,
  rest: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};

/** Papers whose document is pending. */
export async function countPendingDocuments(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM paper_fts WHERE document IS NULL`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Locks the next `limit` papers whose document is pending, skipping those another process holds. In the order of
 * paper_fts_pending, so the planner walks that index whatever its statistics say: with ones taken while a backlog
 * was being filled, a plain LIMIT was planned as a scan of the whole table (1.4 GB at a million papers, 0.65 s),
 * which the server repeated every 10 s once nothing was left.
 */
export function nextPendingDocuments(limit: number): RawBuilder<{ paper_id: string }> {
  return sql<{ paper_id: string }>`
    SELECT paper_id FROM paper_fts WHERE document IS NULL ORDER BY paper_id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

/**
 * Computes up to `limit` pending documents in one transaction; returns how many. The rows are locked first (skipping
 * those another instance or a writer holds), and the text read by a second statement, whose snapshot is taken after
 * the locks: a writer that changes a paper's text meanwhile waits for this transaction and leaves the document
 * pending again, so a stale text is never stored.
 */
export async function fillPendingDocuments(db: Kysely<DB>, limit = FILL_BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await nextPendingDocuments(limit).execute(trx);
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.paper_id);
    await sql`
      UPDATE paper_fts SET document = paper_document(papers.title, papers.abstract, papers.authors)
      FROM papers WHERE papers.id = paper_fts.paper_id AND paper_fts.paper_id = ANY(${ids}::text[])`.execute(trx);
    return ids.length;
  });
}

/**
 * Fills every pending document at full speed (`paperboy index fulltext`, `paperboy index rebuild`), reporting progress;
 * returns how many it filled.
 */
export async function fillAllPendingDocuments(db: Kysely<DB>, progress: (line: string) => void = () => undefined): Promise<number> {
  const pending = await countPendingDocuments(db);
  let filled = 0;
  for (;;) {
    const n = await fillPendingDocuments(db);
    if (n === 0) break;
    filled += n;
    progress(`full-text documents: ${filled}/${pending}`);
  }
  if (filled > 0) await refreshPendingStatistics(db);
  return filled;
}

/**
 * Lets the planner see that the backlog is gone (autovacuum's next ANALYZE waits for another tenth of the table to
 * change): statistics from while it was filled put many pending rows where none are.
 */
async function refreshPendingStatistics(db: Kysely<DB>): Promise<void> {
  await sql`ANALYZE paper_fts`.execute(db);
}

/**
 * Inside `serve` on PostgreSQL: fills pending documents batch after batch, resting between batches, until none is
 * left, then looks again every `intervalMs`. Several instances may run it; they lock different rows.
 */
export class FullTextBackfill {
  private readonly rounds: PeriodicRound;
  private stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
    private readonly pacing: BackfillPacing = SERVER_BACKFILL_PACING,
    private readonly searches: SearchActivity = new SearchActivity(),
  ) {
    this.rounds = new PeriodicRound(
      () =>
        this.fillWhilePending().catch((error: unknown) =>
          this.logger.error('computing full-text documents failed', { error: String(error) }),
        ),
      pacing.intervalMs,
    );
  }

  start(): void {
    this.stopped = false;
    this.rounds.start({ runNow: true });
  }

  /** Fills until nothing is pending (or the backfill is stopped), unless a run is under way. */
  runOnce(): Promise<void> {
    return this.rounds.run();
  }

  private async fillWhilePending(): Promise<void> {
    let filled = 0;
    while (!this.stopped) {
      await this.untilSearchesPause();
      if (this.stopped) break;
      const started = performance.now();
      const n = await fillPendingDocuments(this.db, this.pacing.batch);
      if (n === 0) break;
      filled += n;
      await this.pacing.rest((performance.now() - started) * this.pacing.restRatio);
    }
    if (filled > 0) {
      if (!this.stopped) await refreshPendingStatistics(this.db);
      this.logger.info('computed pending full-text documents', { papers: filled });
    }
  }

  private async untilSearchesPause(): Promise<void> {
    const { quietMs, maxDeferMs } = this.pacing;
    for (let waited = 0; waited < maxDeferMs && !this.stopped && !this.searches.quietFor(quietMs); waited += quietMs) {
      await this.pacing.rest(quietMs);
    }
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.rounds.stop();
  }
}
