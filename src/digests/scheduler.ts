import { getJobState, setJobState } from '../db/job-state.repository.js';
import type { Logger } from '../logger.js';
import type { DigestConfig } from '../config/digest-config.js';
import type { DigestService } from './digest.service.js';
import type { Frequency } from './digests.table.js';
import { duePeriod } from '../feed/period.js';
import type { Store } from '../db/database.js';
import { PeriodicRound } from '../periodic-round.js';

const TICK_MS = 60_000;

/**
 * Runs inside `paperboy serve`: once a minute, plans the period that is due (daily digests on weekdays after the
 * send time, weekly ones on Mondays) unless it was planned already, then sends whatever the outbox holds that is
 * due, retries included. Planning is idempotent and the outbox is leased, so several instances may run it.
 */
export class DigestScheduler {
  private readonly rounds = new PeriodicRound(() => this.round(), TICK_MS);

  constructor(
    private readonly store: Store,
    private readonly digests: DigestService,
    private readonly config: DigestConfig,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  start(): void {
    this.rounds.start({ runNow: true });
  }

  /** One scheduling round; resolves when it is done. Overlapping calls share the round in progress. */
  tick(): Promise<void> {
    return this.rounds.run();
  }

  private async round(): Promise<void> {
    try {
      const now = this.now();
      for (const frequency of ['daily', 'weekly'] as Frequency[]) {
        const period = duePeriod(frequency, now, this.config.timeZone, this.config.sendTime);
        if (!period) continue;
        const key = `digests.planned.${frequency}`;
        if ((await getJobState(this.store.db, key)) === period.key) continue;
        const summary = await this.digests.plan(period);
        await setJobState(this.store.db, key, period.key, now.toISOString());
        this.logger.info('digests planned', { frequency, period: period.key, planned: summary.planned, empty: summary.empty });
      }
      const sent = await this.digests.send();
      if (sent.sent + sent.failed + sent.retried > 0) this.logger.info('digests sent', { ...sent });
    } catch (error) {
      this.logger.error('digest scheduler round failed', { error: String(error) });
    }
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }
}
