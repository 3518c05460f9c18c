import type { Kysely } from 'kysely';

/**
 * Live sources: `source_jobs` holds one leased row per source (schedule, outcome, counters, checkpoint);
 * `source_validators` the ETags of fetched resources, for conditional requests.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('source_jobs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_started_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fetches', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('papers_upserted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_run_papers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('source_validators')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('etag', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_validators_pk', ['source', 'resource'])
    .execute();
}
