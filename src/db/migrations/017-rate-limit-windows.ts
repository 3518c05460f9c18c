import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Rate-limit windows in the database, so that instances sharing it share every caller's budget. Counters are
 * disposable (losing them after a crash only resets budgets), so where several instances use them the table is
 * UNLOGGED: no write-ahead log on every counted request.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_windows_reset_at').on('rate_limit_windows').column('reset_at').execute();
  if (caps.multiInstance) await sql`ALTER TABLE rate_limit_windows SET UNLOGGED`.execute(db);
}
