import { openPostgres } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { copyStore, planStoreCopy, type StoreCopyPlan } from '../../db/store-copy.js';
import { openMigratedStore } from '../../runtime.js';
import { ExitCode, parseCommandArgs, UsageError, type Command, type CommandIo } from '../command.js';

function parseTarget(raw: string | undefined): string {
  if (raw === undefined) throw new UsageError('--to postgres://user:pass@host:5432/db is required');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError('--to must be a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new UsageError('--to must be a postgres:// URL');
  return raw;
}

function printPlan(io: CommandIo, plan: StoreCopyPlan, target: string): void {
  io.out(`Copy into ${target}, in this order (one transaction):`);
  for (const table of plan.tables) {
    const counters = table.counters.length > 0 ? `; counters advanced: ${table.counters.join(', ')}` : '';
    io.out(`  ${table.table}: ${table.sourceRows} rows, ${table.columns.length} columns${counters}`);
  }
  if (plan.sourceOnly.length > 0) io.out(`Not copied (the source engine's own indexes): ${plan.sourceOnly.join(', ')}`);
  if (plan.targetOnly.length > 0) io.out(`Filled by the target itself: ${plan.targetOnly.join(', ')}`);
}

export const migrateStore: Command = {
  name: 'migrate-store',
  summary: 'Copy everything in the configured SQLite database into an empty PostgreSQL database and verify the row counts',
  usage: 'paperboy migrate-store --to postgres://user:pass@host:5432/db [--dry-run] [--replace]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
      replace: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const targetUrl = parseTarget(values.to);
    if (ctx.config.database.kind !== 'sqlite') {
      ctx.io.err('migrate-store copies from a SQLite database (DATABASE_URL=sqlite:…); this instance already uses PostgreSQL.');
      return ExitCode.usage;
    }
    const source = await openMigratedStore(ctx.config);
    const target = openPostgres(targetUrl, 2);
    try {
      await migrateToLatest(target);
      const plan = await planStoreCopy(source, target);
      printPlan(ctx.io, plan, target.description);
      if (values['dry-run']) return ExitCode.ok;
      if (plan.targetRows > 0 && !values.replace) {
        ctx.io.err(
          `${target.description} already holds ${plan.targetRows} rows in these tables; nothing was copied. ` +
            'Use an empty database, or pass --replace to empty these tables first.',
        );
        return ExitCode.failure;
      }
      const started = Date.now();
      const report = await copyStore(source, target, plan, {
        replace: values.replace,
        progress: { table: (table, rows) => ctx.io.err(`copied ${table}: ${rows} rows`) },
      });
      for (const count of report.mismatches) {
        ctx.io.err(`Row counts differ in ${count.table}: ${count.source} in the source, ${count.target} in the target.`);
      }
      if (report.mismatches.length > 0) return ExitCode.failure;
      const rows = report.counts.reduce((sum, c) => sum + c.target, 0);
      ctx.io.out(
        `Copied ${rows} rows in ${report.counts.length} tables in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          'every table has the same number of rows on both sides. Set DATABASE_URL to the new database and restart.',
      );
      return ExitCode.ok;
    } finally {
      await target.close();
      await source.close();
    }
  },
};
