import type { Config } from './config.js';
import { openStore, type Store } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { Logger } from './logger.js';
import type { AppDeps } from './app-deps.js';
import { DigestService } from './digests/digest.service.js';
import { SubscriptionService } from './digests/subscriptions.service.js';
import { searchTopicMatcher } from './digests/topic-search.js';
import { AccountService } from './accounts/accounts.service.js';
import { ForYouEngine, searchQueryMatcher } from './foryou/foryou-engine.js';
import { createMailTransport } from './mail/create-transport.js';
import type { MailTransport } from './mail/transport.js';
import { instrumentSearch } from './ops/instrument-search.js';
import { Metrics } from './ops/metrics.js';
import { RateLimitStore, type RateLimitCounters } from './security/rate-limit-store.js';
import { DatabaseRateLimits } from './security/database-rate-limits.js';
import { loadOrCreateSecret } from './security/secret.js';
import { createSearchService } from './search/search.service.js';
import { PageCache } from './cache/page-cache.js';
import { PaperDayTotals } from './trends/paper-day-totals.js';
import { WriteEvents } from './write-events.js';

/** Rate-limit windows in the database where instances share it (or when asked to), else in this process. */
function rateLimitCounters(config: Config, store: Store): RateLimitCounters {
  const shared = config.rateLimits === 'database' || (config.rateLimits === 'auto' && store.capabilities.multiInstance);
  return shared ? new DatabaseRateLimits(store) : new RateLimitStore();
}

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

export interface DepsOverrides {
  readonly now?: () => Date;
  readonly mail?: MailTransport;
}

/**
 * Builds every service the app and the jobs need, from the config and an open store. The server, the CLI and
 * the tests all go through here, so they run the same wiring.
 */
export async function buildDeps(config: Config, store: Store, logger: Logger, overrides: DepsOverrides = {}): Promise<AppDeps> {
  const now = overrides.now ?? (() => new Date());
  const secret = loadOrCreateSecret(config.secret, config.dataDir);
  const mail = overrides.mail ?? createMailTransport(config);
  const accounts = new AccountService({ store, now, secret, mail, publicUrl: config.publicUrl, logger });
  const metrics = new Metrics(store.poolStats ? () => store.poolStats?.() : undefined);
  const search = await createSearchService({
    store,
    logger,
    now,
    embedder: config.embedder,
    embedderKey: config.embedderKey,
    dataDir: config.dataDir,
    startup: 'background',
    lexicalInMemory: config.keywordIndexInMemory,
  });
  const writes = new WriteEvents(logger);
  const pageCache = new PageCache();
  pageCache.watch(writes);
  const paperDayTotals = new PaperDayTotals(store);
  paperDayTotals.listen(writes);
  const subscriptions = new SubscriptionService(store, mail, secret, config.publicUrl, now, writes, logger);
  const forYou = new ForYouEngine({ store, logger, matchQuery: searchQueryMatcher(search, logger), writes, method: config.forYouModel });
  const digests = new DigestService({
    store,
    config,
    secret,
    logger,
    now,
    topicMatcher: searchTopicMatcher(search),
    forYou: { store, forYou },
  });
  return {
    store,
    logger,
    now,
    secret,
    mail,
    accounts,
    rateLimits: rateLimitCounters(config, store),
    metrics,
    search: instrumentSearch(search, metrics),
    subscriptions,
    digests,
    writes,
    pageCache,
    paperDayTotals,
    forYou,
  };
}
