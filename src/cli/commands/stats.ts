import { countFeedDays, feedDayRange } from '../../feed/feed.repository.js';
import { countPapers, publishedRange } from '../../papers/papers.repository.js';
import { openMigratedStore } from '../../runtime.js';
import { ExitCode, parseCommandArgs, type Command } from '../command.js';

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export const stats: Command = {
  name: 'stats',
  summary: 'Counts of papers and feed days, date ranges, database size',
  usage: 'paperboy stats [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    const store = await openMigratedStore(ctx.config);
    try {
      const [papers, feedDays, published, feed, bytes] = await Promise.all([
        countPapers(store.db),
        countFeedDays(store.db),
        publishedRange(store.db),
        feedDayRange(store.db),
        store.sizeBytes(),
      ]);
      const result = {
        database: store.description,
        papers,
        feedDays,
        published: { first: published.first?.slice(0, 10) ?? null, last: published.last?.slice(0, 10) ?? null },
        feed: feed,
        databaseBytes: bytes,
      };
      if (values.json) {
        ctx.io.out(JSON.stringify(result));
      } else {
        ctx.io.out(
          [
            `database:   ${result.database} (${mebibytes(bytes)})`,
            `papers:     ${papers.toLocaleString('en-US')}` +
              (result.published.first ? ` published ${result.published.first} … ${result.published.last}` : ''),
            `feed days:  ${feedDays.toLocaleString('en-US')}` + (feed.first ? ` from ${feed.first} to ${feed.last}` : ''),
          ].join('\n'),
        );
      }
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
