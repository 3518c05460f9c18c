import type { Config } from '../config.js';
import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import { createMailTransport } from '../mail/create-transport.js';
import type { MailTransport } from '../mail/transport.js';
import { newLeaseOwner, outboxStatus, recentFailures, type OutboxScope } from './outbox.repository.js';
import type { Period } from '../feed/period.js';
import type { ForYouDeps } from '../foryou/recommendations.js';
import { planPeriod, type PlanSummary, type TopicMatcher } from './planner.js';
import { runOutbox, type WorkerSummary } from './worker.js';

export interface DigestServiceOptions {
  readonly store: Store;
  readonly config: Config;
  readonly secret: string;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly topicMatcher: TopicMatcher | null;
  /** Ranks For-you digests; null in a process that plans trending digests only. */
  readonly forYou: ForYouDeps | null;
}

/** Planning and sending digests: used by the CLI, the scheduler and the benchmark. */
export class DigestService {
  readonly owner = newLeaseOwner();

  constructor(private readonly options: DigestServiceOptions) {}

  /** Where digests go: SMTP_URL, or .eml files under <dataDir>/mail/digests. One per parallel connection. */
  createTransport(): MailTransport {
    return createMailTransport(this.options.config, 'digests');
  }

  /** Plans a period; every subscriber whose digest could not be planned is logged (and listed in the summary). */
  async plan(period: Period, options: { dryRun?: boolean; email?: string } = {}): Promise<PlanSummary> {
    const summary = await planPeriod(this.options.store, period, {
      now: this.options.now(),
      messageIdHost: new URL(this.options.config.publicUrl).hostname,
      topicMatcher: this.options.topicMatcher,
      forYou: this.options.forYou,
      dryRun: options.dryRun,
      email: options.email,
    });
    for (const failure of summary.failures) {
      this.options.logger.error('digest could not be planned', {
        frequency: period.frequency,
        period: period.key,
        subscription: failure.subscriptionId,
        topics: failure.topics,
        error: failure.reason,
      });
    }
    return summary;
  }

  send(scope: OutboxScope = {}, limits: { maxDigests?: number } = {}): Promise<WorkerSummary> {
    const { config } = this.options;
    return runOutbox(this.options.store, () => this.createTransport(), {
      owner: this.owner,
      from: config.mailFrom,
      publicUrl: config.publicUrl,
      secret: this.options.secret,
      now: this.options.now,
      lanes: config.digests.connections,
      ratePerSecond: config.digests.ratePerSecond,
      leaseSeconds: config.digests.leaseSeconds,
      maxAttempts: config.digests.maxAttempts,
      scope,
      logger: this.options.logger,
      maxDigests: limits.maxDigests,
    });
  }

  async status() {
    const [periods, failures] = await Promise.all([outboxStatus(this.options.store.db), recentFailures(this.options.store.db)]);
    return { periods, failures };
  }
}
