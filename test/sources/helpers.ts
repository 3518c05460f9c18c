import type { AppDeps } from '../../src/app-deps.js';
import type { Config } from '../../src/config.js';
import type { Store } from '../../src/db/database.js';
import type { Logger } from '../../src/logger.js';
import { configuredSourceJobs } from '../../src/sources/live-sources.js';
import { SourceScheduler } from '../../src/sources/scheduler.js';
import { SourceHttp } from '../../src/sources/source-http.js';

/** Empties everything the sources write, so each test starts from an empty instance. */
export async function resetSources(store: Store): Promise<void> {
  for (const table of [
    'source_jobs',
    'source_validators',
    'job_state',
    'repo_star_counts',
    'code_repos',
    'feed_entries',
    'papers',
  ] as const) {
    await store.db.deleteFrom(table).execute();
  }
}

/** The server's source scheduler over the test app's deps, with a test clock and quick retries. */
export function schedulerFor(
  config: Config,
  deps: AppDeps,
  options: { now: () => Date; logger?: Logger; minIntervalMs?: number; leaseMs?: number; retryBaseMs?: number; owner?: string },
): SourceScheduler {
  const http = new SourceHttp({
    publicUrl: config.publicUrl,
    minIntervalMs: options.minIntervalMs ?? 0,
    maxRetries: 2,
    backoffMs: 20,
    maxRetryAfterMs: 5_000,
    timeoutMs: 5_000,
  });
  return new SourceScheduler({
    store: deps.store,
    jobs: configuredSourceJobs(config, deps, http),
    logger: options.logger ?? deps.logger,
    now: options.now,
    observer: deps.metrics,
    tickMs: 3_600_000,
    leaseMs: options.leaseMs ?? 60_000,
    retryBaseMs: options.retryBaseMs ?? 30_000,
    owner: options.owner,
  });
}
