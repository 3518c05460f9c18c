import type { Kysely } from 'kysely';

/**
 * Where `map update` stands in the vector change log (a LogPosition as JSON), so it follows vectors in commit-safe
 * order: on PostgreSQL a vector can commit after one with a higher key, and following keys alone skipped it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('map_layouts').addColumn('vector_log', 'text').execute();
}
