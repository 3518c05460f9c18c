import type { Config } from '../config.js';
import type { Store } from '../db/database.js';
import { newLeaseOwner } from '../digests/outbox.repository.js';
import type { Logger } from '../logger.js';
import { PeriodicRound } from '../periodic-round.js';
import { createMailTransport } from '../mail/create-transport.js';
import { runNotificationEmails, type NotificationEmailSummary } from './email-worker.js';

export interface NotificationEmailServiceOptions {
  readonly store: Store;
  readonly config: Config;
  readonly secret: string;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** Planning and sending the batched notification emails: used by `paperboy serve`'s schedule and the CLI. */
export class NotificationEmailService {
  readonly owner = newLeaseOwner();

  constructor(private readonly options: NotificationEmailServiceOptions) {}

  send(run: { dryRun?: boolean; progress?: (line: string) => void } = {}): Promise<NotificationEmailSummary> {
    const { config } = this.options;
    return runNotificationEmails(this.options.store, () => createMailTransport(config, 'notifications'), {
      owner: this.owner,
      from: config.mailFrom,
      publicUrl: config.publicUrl,
      secret: this.options.secret,
      now: this.options.now,
      leaseMs: config.digests.leaseSeconds * 1000,
      maxAttempts: config.digests.maxAttempts,
      dryRun: run.dryRun,
      logger: this.options.logger,
      progress: run.progress,
    });
  }
}

const TICK_MS = 60_000;

/**
 * Runs inside `paperboy serve`: once a minute, plans the notification emails that are due and sends the planned
 * ones. Several instances may run it: a reader's hour is taken by a conditional UPDATE and every email is leased
 * before it is sent, so no email is planned or sent twice.
 */
export class NotificationEmailScheduler {
  private readonly rounds = new PeriodicRound(() => this.round(), TICK_MS);

  constructor(
    private readonly emails: NotificationEmailService,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.rounds.start({ runNow: true });
  }

  /** One round; overlapping calls share the round in progress. */
  tick(): Promise<void> {
    return this.rounds.run();
  }

  private async round(): Promise<void> {
    try {
      const summary = await this.emails.send();
      if (summary.sent + summary.failed + summary.retried + summary.cancelled > 0)
        this.logger.info('notification emails sent', { ...summary });
    } catch (error) {
      this.logger.error('notification email round failed', { error: String(error) });
    }
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }
}
