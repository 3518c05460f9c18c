import type { Queryable } from '../db/schema.js';

/** What a live source does when its turn comes, and when its next turn is. */
export interface SourceJob {
  /** Stable name: the key of its row in source_jobs, the `source` label in metrics. */
  readonly name: string;
  /** What it fetches, for the status page. */
  readonly description: string;
  /** Hosts it talks to, for the offline note. */
  readonly hosts: readonly string[];
  /** When to run again after a run that ended well at `now`. */
  nextRunAfterSuccess(now: Date): Date;
  /** The longest wait between retries while the source keeps failing. */
  readonly maxRetryDelayMs: number;
  run(ctx: SourceRunContext): Promise<SourceRunResult>;
}

export interface SourceRunContext {
  readonly now: () => Date;
  /** The checkpoint a run cut short left behind (parsed JSON), or null. */
  readonly checkpoint: unknown;
  /**
   * Stores the checkpoint (null when the run is complete), inside `db` when given (the transaction that wrote what
   * the checkpoint covers); throws LeaseLost when another instance took the job over.
   */
  saveCheckpoint(state: unknown, db?: Queryable): Promise<void>;
  /** Count one HTTP request (retries included). */
  countFetch(): void;
  /** Aborted when the instance shuts down. */
  readonly signal: AbortSignal;
}

export interface SourceRunResult {
  readonly papersUpserted: number;
  /** Run again no sooner than this (GitHub's rate-limit reset), instead of after the usual interval. */
  readonly notBefore?: Date;
}

/** The lease expired and another instance runs the job now: this run stops without writing more. */
export class LeaseLost extends Error {
  constructor(name: string) {
    super(`the lease on source "${name}" was taken over by another instance`);
    this.name = 'LeaseLost';
  }
}
