import type { Store } from '../db/database.js';
import type { Point2 } from './layout.js';
import { addPlacedPoints, readLayout, sampleWithVectors, unplacedVectors } from './map.repository.js';
import { placeAll } from './map-rebuild.js';
import { SampleIndex } from './sample-index.js';

/**
 * Papers placed per chunk. Placement scans the sample exactly (no index to build) and is synchronous native code,
 * so chunks stay small enough (16 × 10,000 comparisons, milliseconds) that a server placing papers keeps answering.
 */
const CHUNK = 16;

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
 * other point. Keeps the sample (vectors and positions) loaded between runs until the layout is rebuilt.
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
    let placed = 0;
    let afterKey = layout.vector_key;
    const limit = options.limit ?? Infinity;
    while (placed < limit) {
      const batch = await unplacedVectors(db, layout.embedder, afterKey, Math.min(CHUNK, limit - placed));
      if (batch.length === 0) break;
      const points = placeAll(sample.index, sample.points, batch, sample.index.dimensions, scales, 1, true);
      const lastKey = batch[batch.length - 1]!.key;
      await db.transaction().execute(async (trx) => {
        // Only the rebuild this placement is based on may receive it.
        const current = await readLayout(trx);
        if (current?.version !== layout.version) return;
        await addPlacedPoints(trx, points, this.store.capabilities.maxParameters);
        await trx.updateTable('map_layouts').set({ vector_key: lastKey }).where('id', '=', 1).where('vector_key', '<', lastKey).execute();
      });
      placed += points.length;
      afterKey = lastKey;
      options.progress?.(`placed ${placed} new papers`);
      await new Promise((resolve) => setImmediate(resolve));
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
