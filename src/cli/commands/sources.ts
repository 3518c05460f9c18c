import { openMigratedStore } from '../../runtime.js';
import { configuredSources } from '../../sources/live-sources.js';
import { sourcesOverview, type SourceStatus } from '../../sources/source-status.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

function line(source: SourceStatus): string {
  return [
    `${source.name}: ${source.health}${source.runningOn ? ` (running on ${source.runningOn})` : ''} — ${source.description}`,
    `  last success: ${source.lastSuccessAt ?? 'never'}`,
    `  last error:   ${source.lastError ? `${source.lastErrorAt} ${source.lastError}` : 'none'}` +
      (source.consecutiveFailures > 0
        ? ` (${source.consecutiveFailures} failed run${source.consecutiveFailures === 1 ? '' : 's'} in a row)`
        : ''),
    `  next run:     ${source.nextRunAt ?? '—'}`,
    `  runs ${source.runs}, failed ${source.failures}, requests ${source.fetches}, papers written ${source.papersUpserted} (last run ${source.lastRunPapers})`,
  ].join('\n');
}

export const sourcesStatus: Command = {
  name: 'sources status',
  summary: "Each live source's last success, last error, next run and counts",
  usage: 'paperboy sources status [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const store = await openMigratedStore(ctx.config);
    try {
      const overview = await sourcesOverview(store.db, ctx.config, configuredSources(ctx.config), new Date());
      if (values.json) {
        ctx.io.out(JSON.stringify(overview));
        return ExitCode.ok;
      }
      const lines: string[] = [];
      if (!overview.schedulerOn) lines.push('PAPERBOY_SCHEDULER is off: `paperboy serve` runs no sources.');
      if (overview.sources.length === 0)
        lines.push('No live sources are configured (PAPERBOY_FEED_SOURCES=none, PAPERBOY_ARXIV_SETS empty).');
      if (overview.offline)
        lines.push('No source has been reached yet: this instance may be offline. Pages show the papers already stored.');
      lines.push(...overview.sources.map(line));
      ctx.io.out(lines.join('\n'));
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
