import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

export interface MigrationReport {
  readonly applied: string[];
}

/**
 * Applies every pending migration; safe to run concurrently from several processes (Kysely takes a lock).
 * `schema` names the PostgreSQL schema a store's search_path puts first, when it is not the default one: Kysely
 * would otherwise take the bookkeeping tables of another schema of the database for its own.
 */
export async function migrateToLatest(store: Store, options: { schema?: string } = {}): Promise<MigrationReport> {
  const migrations: Record<string, Migration> = {};
  for (const migration of MIGRATIONS) {
    migrations[migration.name] = { up: (db: Kysely<unknown>) => migration.up(db, store.capabilities) };
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, { cause: result.error });
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
