import type { AccountService } from './accounts/accounts.service.js';
import type { Store } from './db/database.js';
import type { DigestService } from './digests/digest.service.js';
import type { ForYouEngine } from './foryou/foryou-engine.js';
import type { SubscriptionService } from './digests/subscriptions.service.js';
import type { Logger } from './logger.js';
import type { MailTransport } from './mail/transport.js';
import type { Metrics } from './ops/metrics.js';
import type { SearchService } from './search/search.service.js';
import type { RateLimitCounters } from './security/rate-limit-store.js';
import type { PageCache } from './cache/page-cache.js';
import type { WriteEvents } from './write-events.js';

/** Every service the web app and the batch jobs share, built once by `buildDeps` in runtime.ts. */
export interface AppDeps {
  readonly store: Store;
  readonly logger: Logger;
  /** The clock, injectable so tests can fix "today". */
  readonly now: () => Date;
  /** Key for sessions and signed tokens (PAPERBOY_SECRET or the generated one). */
  readonly secret: string;
  readonly mail: MailTransport;
  readonly accounts: AccountService;
  /** Rate-limit windows: in memory, or in the database where several instances share it. */
  readonly rateLimits: RateLimitCounters;
  readonly metrics: Metrics;
  /** Email subscriptions (double opt-in, unsubscribe, settings). */
  readonly subscriptions: SubscriptionService;
  /** Digest planning, the outbox worker and its status. */
  readonly digests: DigestService;
  readonly search: SearchService;
  /** Announcements of committed writes; use-cases announce, caches subscribe. */
  readonly writes: WriteEvents;
  /** Rendered anonymous pages and public listings, cleared by the write announcements. */
  readonly pageCache: PageCache;
  /** For you: each period's features and each reader's trained model, kept between requests. */
  readonly forYou: ForYouEngine;
}
