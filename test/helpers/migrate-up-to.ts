import { Migrator, type Migration } from 'kysely';
import type { Store } from '../../src/db/database.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';

/**
 * Migrates a store as an older release left it: every migration named before `firstLeftOut` (e.g. '027'), under the
 * same bookkeeping tables, so a later `migrateToLatest` applies the rest as an upgrade would.
 */
export async function migrateUpTo(store: Store, firstLeftOut: string): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const m of MIGRATIONS.filter((m) => m.name < firstLeftOut)) migrations[m.name] = { up: (db) => m.up(db, store.capabilities) };
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
}
