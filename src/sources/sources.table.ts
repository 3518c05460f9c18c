import type { Generated } from 'kysely';

/**
 * One row per live source (hf, github, arxiv): its lease, schedule, outcome and counters, and the checkpoint of a
 * run in progress, so a run cut short resumes where it stopped.
 */
export interface SourceJobsTable {
  name: string;
  next_run_at: string;
  /** `host:pid:random` of the instance running the job; null when nobody is. */
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_started_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  consecutive_failures: Generated<number>;
  runs: Generated<number>;
  failures: Generated<number>;
  /** HTTP requests sent, retries and 304s included. */
  fetches: Generated<number>;
  papers_upserted: Generated<number>;
  /** Papers written by the last successful run. */
  last_run_papers: Generated<number>;
  /** JSON checkpoint of the run in progress (null between runs), and what must survive between runs (pauses). */
  state: string | null;
  updated_at: string;
}

/** HTTP validators per fetched resource (GitHub ETags), so the next request can be conditional. */
export interface SourceValidatorsTable {
  source: string;
  resource: string;
  etag: string | null;
  /** Status of the last answer (200, 304, 404 …). */
  status: number;
  checked_at: string;
}
