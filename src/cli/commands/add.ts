import { fetchArxivPapers } from '../../ingest/arxiv-api.js';
import { minIntervalFor, paperboyUserAgent } from '../../ingest/polite-http.js';
import { formatArxivId, parseArxivId } from '../../papers/arxiv-id.js';
import { upsertPapersNotifyingFollowers } from '../../notifications/new-papers.js';
import { openMigratedStore } from '../../runtime.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

export const addPapers: Command = {
  name: 'add',
  summary: 'Fetch papers by arXiv id or URL through the arXiv API and store them',
  usage: 'paperboy add <arxiv id or URL>... [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    if (positionals.length === 0) throw new UsageError('give at least one arXiv id or URL');
    const unreadable = positionals.filter((input) => parseArxivId(input) === null);
    if (unreadable.length > 0) {
      throw new UsageError(
        `not an arXiv id or URL: ${unreadable.map((input) => `"${input}"`).join(', ')} ` +
          '(expected e.g. 2501.12345, 2501.12345v2, hep-th/9901001 or https://arxiv.org/abs/2501.12345)',
      );
    }
    const requested = [...new Set(positionals.map((input) => formatArxivId(parseArxivId(input)!)))];

    const result = await fetchArxivPapers(ctx.config.arxivApiUrl, requested, {
      minIntervalMs: minIntervalFor(ctx.config.arxivApiUrl, ctx.config.arxivMinIntervalMs),
      userAgent: paperboyUserAgent(ctx.config.publicUrl),
      onRetry: (notice) =>
        ctx.io.err(`${notice.reason}; retry ${notice.attempt} of ${notice.maxAttempts - 1} in ${(notice.delayMs / 1000).toFixed(1)}s`),
    });

    const store = await openMigratedStore(ctx.config);
    try {
      const stamp = new Date().toISOString();
      const existing = await store.db.transaction().execute(async (trx) => {
        const ids = result.papers.map((p) => p.id);
        const rows = ids.length === 0 ? [] : await trx.selectFrom('papers').select('id').where('id', 'in', ids).execute();
        await upsertPapersNotifyingFollowers(trx, store.capabilities.maxParameters, result.papers, stamp);
        return new Set(rows.map((row) => row.id));
      });
      const added = result.papers.filter((p) => !existing.has(p.id));
      const updated = result.papers.filter((p) => existing.has(p.id));
      if (values.json) {
        ctx.io.out(
          JSON.stringify({
            added: added.map((p) => formatArxivId(p)),
            updated: updated.map((p) => formatArxivId(p)),
            missing: result.missing,
          }),
        );
      } else {
        const lines = [
          ...added.map((p) => `added    ${formatArxivId(p)}  ${p.title}`),
          ...updated.map((p) => `updated  ${formatArxivId(p)}  ${p.title}`),
          ...result.missing.map((id) => `missing  ${id}  (not found on arXiv)`),
          `added ${added.length}, updated ${updated.length}, missing ${result.missing.length}`,
        ];
        ctx.io.out(lines.join('\n'));
      }
      return result.missing.length > 0 ? ExitCode.partial : ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
