import type { Config } from '../config.js';
import type { Store } from '../db/database.js';
import { readHarvestState, runHarvest } from '../ingest/harvest-runner.js';
import type { Logger } from '../logger.js';
import { recomputeTrending } from '../trending/trending.repository.js';
import type { WriteAnnouncer } from '../write-events.js';
import { GITHUB_SOURCE, refreshStars } from './github-stars.js';
import { dropStalePageCheckpoints, recentDays, syncHfDays, type HfSyncPosition } from './hf-daily-sync.js';
import type { SourceJob } from './source-job.js';
import { SourceHttp } from './source-http.js';

/** What the live sources need from the app's dependencies. */
export interface SourceDeps {
  readonly store: Store;
  readonly logger: Logger;
  readonly writes: WriteAnnouncer;
  readonly search: { indexPapers(ids: readonly string[]): Promise<void> };
}

/** arXiv announces new papers at 20:00 US Eastern (00:00 or 01:00 UTC) and updates OAI-PMH shortly after. */
export const ARXIV_HARVEST_HOUR_UTC = 3;
/** The first harvest of a set starts this many days back (not from the beginning of the archive). */
const ARXIV_FIRST_HARVEST_DAYS = 3;

/** The next `hour`:00 UTC strictly after `now`. */
export function nextDailyRun(now: Date, hour: number): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** Indexes written papers for search (a failure only defers it to the next catch-up) and clears page caches. */
function afterWrite(deps: SourceDeps, source: string) {
  return async (ids: readonly string[]) => {
    if (ids.length === 0) return;
    deps.writes.announce({ kind: 'import', paperIds: [...ids] });
    await deps.search
      .indexPapers(ids)
      .catch((error: unknown) => deps.logger.error('search indexing deferred', { source, error: String(error) }));
  };
}

function hfJob(config: Config, deps: SourceDeps, http: SourceHttp): SourceJob {
  const { hfUrl, syncIntervalSeconds } = config.sources;
  const client = http.clientFor(hfUrl);
  return {
    name: 'hf',
    description: describe(config, 'hf'),
    hosts: [hostOf(hfUrl)],
    maxRetryDelayMs: syncIntervalSeconds * 1000,
    nextRunAfterSuccess: (now) => new Date(now.getTime() + syncIntervalSeconds * 1000),
    async run(ctx) {
      const summary = await syncHfDays({
        store: deps.store,
        client,
        baseUrl: hfUrl,
        days: recentDays(ctx.now()),
        now: ctx.now,
        resumeAt: ctx.checkpoint as HfSyncPosition | null,
        onPapersWritten: afterWrite(deps, 'hf'),
        onPageDone: (next) => ctx.saveCheckpoint(next),
        countFetch: ctx.countFetch,
        signal: ctx.signal,
      });
      await dropStalePageCheckpoints(deps.store);
      return { papersUpserted: summary.inserted + summary.updated };
    },
  };
}

function githubJob(config: Config, deps: SourceDeps, http: SourceHttp): SourceJob {
  const { githubUrl, githubToken, syncIntervalSeconds } = config.sources;
  const client = http.clientFor(githubUrl);
  return {
    name: GITHUB_SOURCE,
    description: describe(config, GITHUB_SOURCE),
    hosts: [hostOf(githubUrl)],
    maxRetryDelayMs: syncIntervalSeconds * 1000,
    nextRunAfterSuccess: (now) => new Date(now.getTime() + syncIntervalSeconds * 1000),
    async run(ctx) {
      const checkpoint = ctx.checkpoint as { after?: unknown } | null;
      const result = await refreshStars({
        store: deps.store,
        client,
        baseUrl: githubUrl,
        token: githubToken,
        now: ctx.now,
        after: typeof checkpoint?.after === 'string' ? checkpoint.after : null,
        saveProgress: (trx, lastKey) => ctx.saveCheckpoint({ after: lastKey }, trx),
        onStarsChanged: (ids) => deps.writes.announce({ kind: 'import', paperIds: [...ids] }),
        countFetch: ctx.countFetch,
        signal: ctx.signal,
      });
      if (result.pausedUntil) return { papersUpserted: result.papersUpdated, notBefore: result.pausedUntil };
      await ctx.saveCheckpoint(null);
      return { papersUpserted: result.papersUpdated };
    },
  };
}

function arxivJob(config: Config, deps: SourceDeps, http: SourceHttp): SourceJob {
  const endpoint = config.oaiEndpoint;
  const sets = config.sources.arxivSets;
  // arXiv's own politeness (≥ 3 s between requests) applies whatever the per-host default is.
  const client = http.clientFor(endpoint);
  return {
    name: 'arxiv',
    description: describe(config, 'arxiv'),
    hosts: [hostOf(endpoint)],
    maxRetryDelayMs: 3_600_000,
    nextRunAfterSuccess: (now) => nextDailyRun(now, ARXIV_HARVEST_HOUR_UTC),
    async run(ctx) {
      let papers = 0;
      const onWritten = afterWrite(deps, 'arxiv');
      for (const set of sets) {
        ctx.signal.throwIfAborted();
        const state = await readHarvestState(deps.store.db, set);
        const firstFrom = new Date(ctx.now().getTime() - ARXIV_FIRST_HARVEST_DAYS * 86_400_000).toISOString().slice(0, 10);
        // An interrupted list resumes with its own `from`; a set never harvested starts a few days back.
        const from = state.inFlight ? state.inFlight.from : state.lastDatestamp ? undefined : firstFrom;
        const before = client.requestCount;
        try {
          const summary = await runHarvest(deps.store, client, {
            endpoint,
            set,
            from,
            now: ctx.now,
            onPapersWritten: async (ids) => {
              // New papers and new versions change what the trending score reads (publication dates).
              await recomputeTrending(deps.store.db, ids);
              await onWritten(ids);
            },
          });
          papers += summary.inserted + summary.updated;
        } finally {
          for (let i = before; i < client.requestCount; i++) ctx.countFetch();
        }
      }
      return { papersUpserted: papers };
    },
  };
}

/** Names and descriptions of the sources the configuration turns on, in the order they run. */
export function configuredSources(config: Config): { name: string; description: string }[] {
  const { feeds, hfUrl, githubUrl, arxivSets } = config.sources;
  const sources: { name: string; description: string }[] = [];
  if (feeds.includes('hf'))
    sources.push({ name: 'hf', description: `Hugging Face daily papers (today and the two days before) from ${hfUrl}` });
  if (feeds.includes('github')) {
    sources.push({ name: GITHUB_SOURCE, description: `GitHub star counts of papers featured in the last 30 days, from ${githubUrl}` });
  }
  if (arxivSets.length > 0) {
    const at = `${String(ARXIV_HARVEST_HOUR_UTC).padStart(2, '0')}:00 UTC`;
    sources.push({ name: 'arxiv', description: `arXiv OAI-PMH sets ${arxivSets.join(', ')} from ${config.oaiEndpoint}, daily at ${at}` });
  }
  return sources;
}

function describe(config: Config, name: string): string {
  return configuredSources(config).find((source) => source.name === name)?.description ?? name;
}

/** The sources the configuration turns on, in the order they run. */
export function configuredSourceJobs(config: Config, deps: SourceDeps, http?: SourceHttp): SourceJob[] {
  const pool = http ?? new SourceHttp({ publicUrl: config.publicUrl, minIntervalMs: config.sources.minIntervalMs });
  const jobs: SourceJob[] = [];
  if (config.sources.feeds.includes('hf')) jobs.push(hfJob(config, deps, pool));
  if (config.sources.feeds.includes('github')) jobs.push(githubJob(config, deps, pool));
  if (config.sources.arxivSets.length > 0) jobs.push(arxivJob(config, deps, pool));
  return jobs;
}
