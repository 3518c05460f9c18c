import { loadConfig, type Config } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { buildDeps, type DepsOverrides } from '../../src/runtime.js';
import { createApp } from '../../src/web/app.js';
import { closeBeforeDrop, type TestStore } from './stores.js';

/**
 * The config a test instance runs with: its own data dir and database, quiet logs, no live sources (no internet),
 * rate-limit windows of its own (tests share one database per suite; test/security/database-rate-limits.test.ts
 * covers the shared windows).
 */
export function testConfig(t: TestStore, env: Record<string, string> = {}): Config {
  return loadConfig({
    PAPERBOY_DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl,
    PUBLIC_URL: 'http://paperboy.test',
    PAPERBOY_LOG: 'silent',
    PAPERBOY_FEED_SOURCES: 'none',
    PAPERBOY_RATE_LIMITS: 'memory',
    ...env,
  });
}

/** The real app over a test store, driven in-process with `app.request()`. */
export async function testApp(t: TestStore, env: Record<string, string> = {}, overrides: DepsOverrides = {}) {
  const config = testConfig(t, env);
  const deps = await buildDeps(config, t.store, silentLogger, overrides);
  closeBeforeDrop(t.store, () => deps.search.flush());
  return { app: createApp(config, deps), config, deps };
}
