import { normaliseHttpUrl } from '../../config.js';
import { formatHarvestNotes, runHarvest, type HarvestSummary } from '../../ingest/harvest-runner.js';
import { formatSummary } from '../../ingest/import-runner.js';
import { minIntervalFor, paperboyUserAgent, PoliteHttpClient } from '../../ingest/polite-http.js';
import type { ProgressSink } from '../../ingest/progress.js';
import { isIsoDay } from '../../feed/period.js';
import { openMigratedStore } from '../../runtime.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

const SET_SPEC = /^[A-Za-z0-9][A-Za-z0-9:._-]*$/;

function dayOption(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!isIsoDay(value)) throw new UsageError(`--${name} must be a date like 2025-01-31 (got "${value}")`);
  return value;
}

function endpointOption(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  try {
    return normaliseHttpUrl(value);
  } catch (error) {
    throw new UsageError(`--endpoint ${(error as Error).message}`);
  }
}

export const harvestArxiv: Command = {
  name: 'harvest arxiv',
  summary: 'Incrementally harvest arXiv metadata over OAI-PMH (continues from the last harvested datestamp)',
  usage: 'paperboy harvest arxiv [--set cs] [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--endpoint URL] [--dry-run] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      set: { type: 'string' },
      from: { type: 'string' },
      until: { type: 'string' },
      endpoint: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const set = values.set ?? null;
    if (set !== null && !SET_SPEC.test(set)) throw new UsageError(`--set must be an OAI set spec like cs or physics:hep-th (got "${set}")`);
    const from = dayOption('from', values.from);
    const until = dayOption('until', values.until);
    if (from && until && from > until) throw new UsageError(`--from ${from} is after --until ${until}`);
    const endpoint = endpointOption(values.endpoint, ctx.config.oaiEndpoint);
    const dryRun = values['dry-run'] ?? false;

    const progress: ProgressSink = { line: (text) => ctx.io.err(text) };
    const client = new PoliteHttpClient({
      minIntervalMs: minIntervalFor(endpoint, ctx.config.arxivMinIntervalMs),
      userAgent: paperboyUserAgent(ctx.config.publicUrl),
      onRetry: (notice) =>
        progress.line(
          `${notice.reason}; retry ${notice.attempt} of ${notice.maxAttempts - 1} in ${(notice.delayMs / 1000).toFixed(1)}s` +
            (notice.retryAfter ? " (as the server's Retry-After asks)" : ''),
        ),
    });
    const store = await openMigratedStore(ctx.config);
    try {
      let summary: HarvestSummary;
      try {
        summary = await runHarvest(store, client, { endpoint, set, from, until, dryRun, progress });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.io.err(`paperboy harvest arxiv failed: ${message}`);
        ctx.io.err(
          dryRun
            ? 'Nothing was written (dry run).'
            : 'Every page received before the failure is stored; run the same command again to continue where it stopped.',
        );
        return ExitCode.failure;
      }
      ctx.io.out(values.json ? JSON.stringify(summary) : `${formatSummary(summary, dryRun)}\n${formatHarvestNotes(summary)}`);
      return summary.skipped > 0 ? ExitCode.partial : ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
