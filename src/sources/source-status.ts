import type { Config } from '../config.js';
import type { Queryable } from '../db/schema.js';
import { listSourceJobs, type SourceJobRow } from './source-jobs.repository.js';

export type SourceHealth = 'ok' | 'failing' | 'waiting' | 'running' | 'off';

export interface SourceStatus {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly health: SourceHealth;
  readonly lastSuccessAt: string | null;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly nextRunAt: string | null;
  readonly consecutiveFailures: number;
  readonly runs: number;
  readonly failures: number;
  readonly fetches: number;
  readonly papersUpserted: number;
  readonly lastRunPapers: number;
  /** The instance running it now, when one is. */
  readonly runningOn: string | null;
}

export interface SourcesOverview {
  /** Whether `paperboy serve` runs the sources (PAPERBOY_SCHEDULER). */
  readonly schedulerOn: boolean;
  readonly sources: readonly SourceStatus[];
  /** Set when sources are failing and none has ever fetched anything successfully: most likely no internet. */
  readonly offline: boolean;
}

function healthOf(row: SourceJobRow | undefined, enabled: boolean, now: Date): SourceHealth {
  if (!enabled) return 'off';
  if (!row) return 'waiting';
  if (row.lease_owner && row.lease_expires_at && row.lease_expires_at > now.toISOString()) return 'running';
  if (row.consecutive_failures > 0) return 'failing';
  return row.last_success_at ? 'ok' : 'waiting';
}

/** Each source's last success, last error, next run and counts: the configured ones, and any that ran before. */
export async function sourcesOverview(
  db: Queryable,
  config: Config,
  jobs: readonly { name: string; description: string }[],
  now: Date,
): Promise<SourcesOverview> {
  const rows = new Map((await listSourceJobs(db)).map((row) => [row.name, row]));
  const names = [...jobs.map((job) => job.name), ...[...rows.keys()].filter((name) => !jobs.some((job) => job.name === name))];
  const sources = names.map((name): SourceStatus => {
    const row = rows.get(name);
    const job = jobs.find((j) => j.name === name);
    const enabled = job !== undefined;
    const running = row?.lease_owner && row.lease_expires_at && row.lease_expires_at > now.toISOString() ? row.lease_owner : null;
    return {
      name,
      description: job?.description ?? 'not configured any more',
      enabled,
      health: healthOf(row, enabled, now),
      lastSuccessAt: row?.last_success_at ?? null,
      lastError: row?.last_error ?? null,
      lastErrorAt: row?.last_error_at ?? null,
      nextRunAt: enabled ? (row?.next_run_at ?? null) : null,
      consecutiveFailures: Number(row?.consecutive_failures ?? 0),
      runs: Number(row?.runs ?? 0),
      failures: Number(row?.failures ?? 0),
      fetches: Number(row?.fetches ?? 0),
      papersUpserted: Number(row?.papers_upserted ?? 0),
      lastRunPapers: Number(row?.last_run_papers ?? 0),
      runningOn: running,
    };
  });
  const enabled = sources.filter((s) => s.enabled);
  // A run that needed no request (no repositories to check yet) proves nothing about the network.
  const reachedSomething = enabled.some((s) => s.lastSuccessAt !== null && s.fetches > 0);
  const offline = !reachedSomething && enabled.some((s) => s.consecutiveFailures > 0);
  return { schedulerOn: config.digests.scheduler, sources, offline };
}
