import fs from 'node:fs';
import { snapshotFileUnit } from '../../ingest/arxiv-snapshot.js';
import { dailyFileUnit, listDailyFiles } from '../../ingest/hf-daily.js';
import { formatSummary, runImport, type ImportSummary } from '../../ingest/import-runner.js';
import type { SourceUnit } from '../../ingest/source.js';
import { openMigratedStore } from '../../runtime.js';
import { createSearchService } from '../../search/search.service.js';
import { silentLogger } from '../../logger.js';
import { ExitCode, parseCommandArgs, UsageError, type Command, type CommandContext } from '../command.js';

function exitCodeFor(summary: ImportSummary): number {
  return summary.skipped > 0 ? ExitCode.partial : ExitCode.ok;
}

async function importUnits(ctx: CommandContext, units: SourceUnit[], dryRun: boolean, json: boolean): Promise<number> {
  const store = await openMigratedStore(ctx.config);
  try {
    const search = dryRun
      ? null
      : await createSearchService({
          store,
          logger: silentLogger,
          embedder: ctx.config.embedder,
          embedderKey: ctx.config.embedderKey,
          dataDir: ctx.config.dataDir,
          startup: 'await',
          catchUp: false,
          lexicalInMemory: false,
        });
    // Indexing failures never fail the import: papers without vectors (and a first or outgrown builtin model) are
    // handled by the next catch-up, when the server starts or `paperboy index rebuild` / `search` runs.
    const deferIndexing = (error: unknown) =>
      ctx.io.err(`search indexing deferred: ${error instanceof Error ? error.message : String(error)}`);
    const summary = await runImport(store, units, {
      dryRun,
      progress: { line: ctx.io.err },
      onPapersWritten: search ? (ids) => search.indexPapers(ids).catch(deferIndexing) : undefined,
    });
    await search?.flush();
    ctx.io.out(json ? JSON.stringify(summary) : formatSummary(summary, dryRun));
    return exitCodeFor(summary);
  } finally {
    await store.close();
  }
}

function requireFiles(paths: readonly string[]): void {
  if (paths.length === 0) throw new UsageError('give at least one file');
  for (const file of paths) if (!fs.existsSync(file)) throw new UsageError(`no such file or directory: ${file}`);
}

const FLAGS = { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } } as const;

export const importArxivSnapshot: Command = {
  name: 'import arxiv-snapshot',
  summary: 'Import arXiv bulk-metadata snapshot files (.json, .jsonl, .gz; one JSON object a line)',
  usage: 'paperboy import arxiv-snapshot <file...> [--dry-run] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, FLAGS);
    requireFiles(positionals);
    const files = positionals.flatMap((p) =>
      fs.statSync(p).isDirectory()
        ? fs
            .readdirSync(p)
            .filter((n) => /\.(json|jsonl)(\.gz)?$/.test(n))
            .sort()
            .map((n) => `${p.replace(/\/+$/, '')}/${n}`)
        : [p],
    );
    return importUnits(ctx, files.map(snapshotFileUnit), values['dry-run'] ?? false, values.json ?? false);
  },
};

export const importHfDaily: Command = {
  name: 'import hf-daily',
  summary: 'Import Hugging Face /api/daily_papers JSON files or directories of them',
  usage: 'paperboy import hf-daily <file-or-dir...> [--dry-run] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, FLAGS);
    requireFiles(positionals);
    return importUnits(ctx, listDailyFiles(positionals).map(dailyFileUnit), values['dry-run'] ?? false, values.json ?? false);
  },
};
