import type { Store } from '../db/database.js';
import type { Point2 } from './layout.js';
import { LOG_START, type LogPosition } from '../search/change-log.js';
import { bytesToVector, vectorChangeLog } from '../search/vectors.repository.js';
import { addPlacedPoints, placedPaperIds, readLayout, sampleWithVectors, type MapLayout } from './map.repository.js';
import { placeAll } from './map-rebuild.js';
import { SampleIndex } from './sample-index.js';

/**
 * Papers placed per chunk. Placement scans the sample exactly (no index to build) and is synchronous native code,
 * so chunks stay small enough (16 × 10,000 comparisons, milliseconds) that a server placing papers keeps answering.
 */
const CHUNK = 16;
/** Vectors read from the change log per statement. */
const READ_PAGE = 512;

/** Where the updater starts reading the vector log for this layout. */
function startOf(layout: MapLayout, sequencesCommitInOrder: boolean): LogPosition {
  if (layout.vector_log !== null) return JSON.parse(layout.vector_log) as LogPosition;
  // A layout from before the log position was kept: its highest key where keys commit in order, else from the start.
  return sequencesCommitInOrder ? { after: String(layout.vector_key), seen: [] } : LOG_START;
}

export interface MapUpdateReport {
  readonly placed: number;
  /** No layout has been built yet (nothing can be placed). */
  readonly noLayout: boolean;
  /** The layout was built from another embedder's vectors than the active one: a rebuild is due. */
  readonly stale: boolean;
}

interface LoadedSample {
  readonly version: string;
  readonly index: SampleIndex;
  readonly points: Point2[];
}

/**
 * Places papers that got a vector after the map was built, from their nearest sample papers, without moving any
 * other point. Follows the embedder's vectors as a commit-safe change log from the position the rebuild (or the last
 * update) recorded, so a vector that commits after one with a higher key is still placed; papers already on the map
 * are skipped. Keeps the sample (vectors and positions) loaded between runs until the layout is rebuilt.
 */
export class MapUpdater {
  private loaded: LoadedSample | null = null;

  constructor(private readonly store: Store) {}

  async update(
    activeEmbedder: string | null,
    options: { limit?: number; progress?: (line: string) => void } = {},
  ): Promise<MapUpdateReport> {
    const db = this.store.db;
    const layout = await readLayout(db);
    if (!layout) return { placed: 0, noLayout: true, stale: false };
    if (activeEmbedder !== null && activeEmbedder !== layout.embedder) return { placed: 0, noLayout: false, stale: true };
    const sample = await this.sampleOf(layout.version, layout.embedder);
    if (sample.index.size === 0) return { placed: 0, noLayout: false, stale: true };
    const scales = { papers: layout.papers, levelBase: layout.level_base, cellZoom: layout.cell_zoom };
    const log = vectorChangeLog(db, layout.embedder);
    const from = startOf(layout, this.store.capabilities.sequencesCommitInOrder);
    const limit = options.limit ?? Infinity;
    let placed = 0;
    let highestKey = layout.vector_key;
    let stale = false;
    const position = await log.read(from, READ_PAGE, async (rows) => {
      if (placed >= limit || stale) return;
      const placedAlready = await placedPaperIds(
        db,
        rows.map((row) => row.paper_id),
      );
      const fresh = rows
        .filter((row) => !placedAlready.has(row.paper_id))
        .map((row) => ({ key: Number(row.seq), paperId: row.paper_id, vector: bytesToVector(row.vector) }));
      for (let i = 0; i < fresh.length && placed < limit && !stale; i += CHUNK) {
        const chunk = fresh.slice(i, i + Math.min(CHUNK, limit - placed));
        const points = placeAll(sample.index, sample.points, chunk, sample.index.dimensions, scales, 1, true);
        const chunkHighest = Math.max(highestKey, ...chunk.map((v) => v.key));
        await db.transaction().execute(async (trx) => {
          // Only the rebuild this placement is based on may receive it.
          const current = await readLayout(trx);
          if (current?.version !== layout.version) {
            stale = true;
            return;
          }
          await addPlacedPoints(trx, points, this.store.capabilities.maxParameters);
          await trx
            .updateTable('map_layouts')
            .set({ vector_key: chunkHighest })
            .where('id', '=', 1)
            .where('vector_key', '<', chunkHighest)
            .execute();
        });
        if (stale) break;
        placed += points.length;
        highestKey = chunkHighest;
        options.progress?.(`placed ${placed} new papers`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    // Stopped early (a limit, or a rebuild meanwhile): the next run reads again from where this one started.
    if (placed < limit && !stale) {
      await db
        .updateTable('map_layouts')
        .set({ vector_log: JSON.stringify(position) })
        .where('id', '=', 1)
        .where('version', '=', layout.version)
        .execute();
    }
    return { placed, noLayout: false, stale: false };
  }

  private async sampleOf(version: string, embedder: string): Promise<LoadedSample> {
    if (this.loaded?.version === version) return this.loaded;
    const rows = await sampleWithVectors(this.store.db, embedder);
    const dimensions = rows[0]?.vector.length ?? 0;
    this.loaded = {
      version,
      index: new SampleIndex(
        rows.map((r) => r.vector),
        dimensions,
      ),
      points: rows.map((r) => ({ x: r.x, y: r.y })),
    };
    return this.loaded;
  }
}
