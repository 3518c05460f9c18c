import fs from 'node:fs';
import { snapshotFileUnit } from '../../ingest/arxiv-snapshot.js';
import { dailyFileUnit, listDailyFiles } from '../../ingest/hf-daily.js';
import { formatSummary, runImport, type ImportSummary } from '../../ingest/import-runner.js';
import type { SourceUnit } from '../../ingest/source.js';
import { openMigratedStore } from '../../runtime.js';
import { importIndexing } from './search-support.js';
import { ExitCode, parseCommandArgs, UsageError, type Command, type CommandContext } from '../command.js';

function exitCodeFor(summary: ImportSummary): number {
  return summary.skipped > 0 ? ExitCode.partial : ExitCode.ok;
}

async function importUnits(ctx: CommandContext, units: SourceUnit[], dryRun: boolean, json: boolean): Promise<number> {
  const store = await openMigratedStore(ctx.config);
  try {
    const indexing = await importIndexing(ctx.config, ctx.io, store, dryRun);
    const summary = await runImport(store, units, { dryRun, progress: { line: ctx.io.err }, onPapersWritten: indexing.onPapersWritten });
    await indexing.flush();
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
