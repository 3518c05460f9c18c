import { isIsoDay } from '../../feed/period.js';
import { formatSummary } from '../../ingest/import-runner.js';
import { openMigratedStore } from '../../runtime.js';
import { dayRange, syncHfDays } from '../../sources/hf-daily-sync.js';
import { SourceHttp } from '../../sources/source-http.js';
import { importIndexing } from './search-support.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

/** A backfill spans at most this many days (a year of daily feeds). */
const MAX_DAYS = 366;

function dayOption(name: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`--${name} is required (a date like 2026-11-27)`);
  if (!isIsoDay(value)) throw new UsageError(`--${name} must be a date like 2026-11-27 (got "${value}")`);
  return value;
}

export const syncHf: Command = {
  name: 'sync hf',
  summary: "Backfill Hugging Face's daily papers for a range of days (the scheduler's code path)",
  usage: 'paperboy sync hf --from YYYY-MM-DD --to YYYY-MM-DD [--dry-run] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const from = dayOption('from', values.from);
    const to = dayOption('to', values.to);
    if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    const days = dayRange(from, to);
    if (days.length > MAX_DAYS) throw new UsageError(`the range spans ${days.length} days; sync at most ${MAX_DAYS} at a time`);
    const dryRun = values['dry-run'] ?? false;
    const { hfUrl, minIntervalMs } = ctx.config.sources;
    const client = new SourceHttp({ publicUrl: ctx.config.publicUrl, minIntervalMs }).clientFor(hfUrl);

    const store = await openMigratedStore(ctx.config);
    try {
      const indexing = await importIndexing(ctx.config, ctx.io, store, dryRun);
      try {
        const summary = await syncHfDays({
          store,
          client,
          baseUrl: hfUrl,
          days,
          dryRun,
          progress: { line: ctx.io.err },
          onPapersWritten: indexing.onPapersWritten,
        });
        await indexing.flush();
        const { paperIds: _ids, ...report } = summary;
        ctx.io.out(
          values.json
            ? JSON.stringify(report)
            : `${formatSummary(summary, dryRun)}\n${summary.days.length} day${summary.days.length === 1 ? '' : 's'}, ${summary.pages} page${summary.pages === 1 ? '' : 's'} from ${hfUrl}`,
        );
        return summary.skipped > 0 ? ExitCode.partial : ExitCode.ok;
      } catch (error) {
        await indexing.flush();
        ctx.io.err(`paperboy sync hf failed: ${error instanceof Error ? error.message : String(error)}`);
        ctx.io.err(
          dryRun ? 'Nothing was written (dry run).' : 'Every page received before the failure is stored; run the same command again.',
        );
        return ExitCode.failure;
      }
    } finally {
      await store.close();
    }
  },
};
