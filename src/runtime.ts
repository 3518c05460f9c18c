import type { Config } from './config.js';
import { openStore, type Store } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';

/** Opens the configured database and brings its schema up to date. */
export async function openMigratedStore(config: Config): Promise<Store> {
  const store = openStore(config.database);
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
