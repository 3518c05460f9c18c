import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly updater: MapUpdater;

  constructor(
    store: Store,
    private readonly activeEmbedder: () => string | null,
    private readonly logger: Logger,
    private readonly intervalMs = MAP_UPDATE_INTERVAL_MS,
  ) {
    this.updater = new MapUpdater(store);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One update, unless one is still under way. */
  runOnce(): Promise<void> {
    this.running ??= this.updater
      .update(this.activeEmbedder())
      .then((report) => {
        if (report.placed > 0) this.logger.info('placed new papers on the map', { placed: report.placed });
      })
      .catch((error: unknown) => this.logger.error('placing new papers on the map failed', { error: String(error) }))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
