import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import { PeriodicRound } from '../periodic-round.js';
import { MapUpdater } from './map-update.js';

/** How often the server places papers embedded since the last run. */
export const MAP_UPDATE_INTERVAL_MS = 5 * 60_000;

/**
 * Places new papers on the map on a timer inside `serve`. Cheap: it reads only the vectors written after the
 * layout's last placed key and compares them with the sample exactly, in small chunks between which the server
 * answers requests. Several instances may run it: a paper placed twice is refused by its primary key, and the
 * next run starts after it.
 */
export class MapMaintenance {
  private readonly updater: MapUpdater;
  private readonly rounds: PeriodicRound;

  constructor(
    store: Store,
    private readonly activeEmbedder: () => string | null,
    private readonly logger: Logger,
    intervalMs = MAP_UPDATE_INTERVAL_MS,
  ) {
    this.updater = new MapUpdater(store);
    this.rounds = new PeriodicRound(() => this.update(), intervalMs);
  }

  start(): void {
    this.rounds.start({ runNow: false });
  }

  /** One update, unless one is still under way. */
  runOnce(): Promise<void> {
    return this.rounds.run();
  }

  stop(): Promise<void> {
    return this.rounds.stop();
  }

  private async update(): Promise<void> {
    try {
      const report = await this.updater.update(this.activeEmbedder());
      if (report.placed > 0) this.logger.info('placed new papers on the map', { placed: report.placed });
    } catch (error) {
      this.logger.error('placing new papers on the map failed', { error: String(error) });
    }
  }
}
