import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config.js';
import type { Store } from './db/database.js';
import { seedDemoIfEmpty } from './demo/seed.js';
import { restoreAuthorNameIndex } from './papers/author-name-index.js';
import { formatSummary } from './ingest/import-runner.js';
import { stderrProgress } from './ingest/progress.js';
import { jsonLogger, silentLogger, type Logger } from './logger.js';
import { buildDeps, openMigratedStore } from './runtime.js';
import { createApp } from './web/app.js';
import { DigestScheduler } from './digests/scheduler.js';
import { NotificationEmailScheduler, NotificationEmailService } from './notifications/email-service.js';
import { configuredSourceJobs } from './sources/live-sources.js';
import { SourceScheduler } from './sources/scheduler.js';
import { HTTP_TIMEOUTS, type HttpTimeouts } from './security/request-limits.js';
import { relayWrites } from './write-relay.js';
import { MapMaintenance } from './map/map-maintenance.js';

export interface RunningServer {
  readonly url: string;
  readonly store: Store;
  /** Resolves once the work taken off the response path so far (mails, subscription writes) is done. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database, seeds demo data into an empty one, and listens. A request whose headers or body arrive too
 * slowly gets 408 and its connection is closed (`timeouts`; the defaults are HTTP_TIMEOUTS).
 */
export async function startServer(
  config: Config,
  logger: Logger = config.logLevel === 'silent' ? silentLogger : jsonLogger(),
  timeouts: HttpTimeouts = HTTP_TIMEOUTS,
): Promise<RunningServer> {
  const store = await openMigratedStore(config);
  // Author pages and `author:` filters need the index an import killed during a bulk load left missing.
  if (await restoreAuthorNameIndex(store.db)) logger.info('built the author-name index an interrupted bulk import set aside');
  if (config.seedDemo) {
    const summary = await seedDemoIfEmpty(store, { progress: stderrProgress });
    if (summary) logger.info('imported demo papers', { summary: formatSummary(summary) });
  }
  const deps = await buildDeps(config, store, logger);
  // Other instances on the same database hear of this one's writes and clear their page caches, and vice versa.
  const relay = await relayWrites(deps.writes, store.openChannel, logger);
  // Vectors are kept in step with other processes and the growing corpus by timers, never by a search.
  deps.search.startBackgroundJobs();
  const app = createApp(config, deps);
  const server: ServerType = await new Promise((resolve) => {
    const serverOptions = {
      headersTimeout: timeouts.headersTimeout,
      requestTimeout: timeouts.requestTimeout,
      keepAliveTimeout: timeouts.keepAliveTimeout,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    };
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info('listening', { url, publicUrl: config.publicUrl, database: store.description });
  const scheduler = config.digests.scheduler ? new DigestScheduler(store, deps.digests, config.digests, logger, deps.now) : null;
  scheduler?.start();
  const notificationEmails = config.digests.scheduler
    ? new NotificationEmailScheduler(new NotificationEmailService({ store, config, secret: deps.secret, logger, now: deps.now }), logger)
    : null;
  notificationEmails?.start();
  // Live sources (Hugging Face mirror, GitHub stars, daily arXiv harvest): leased per job, so every instance may run this.
  const sources = config.digests.scheduler
    ? new SourceScheduler({ store, jobs: configuredSourceJobs(config, deps), logger, now: deps.now, observer: deps.metrics })
    : null;
  sources?.start();
  // Papers embedded after the map was built are placed on it without a rebuild.
  const map = config.digests.scheduler ? new MapMaintenance(store, () => deps.search.activeEmbedderId(), logger) : null;
  map?.start();
  return {
    url,
    store,
    settled: async () => {
      await deps.accounts.settled();
      await deps.subscriptions.settled();
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler?.stop();
      await notificationEmails?.stop();
      await sources?.stop();
      await relay.close();
      await map?.stop();
      // Saves the nearest-neighbour index (after any training or embedding under way), so the next start loads it
      // instead of rebuilding it from the stored vectors.
      await deps.search.flush();
      await deps.accounts.settled();
      await deps.subscriptions.settled();
      await deps.mail.close();
      await store.close();
    },
  };
}
