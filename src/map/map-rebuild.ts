import { createHash } from 'node:crypto';
import type { Store } from '../db/database.js';
import { vectorChangeLog, vectorsAfterKey } from '../search/vectors.repository.js';
import { DEFAULT_UMAP, placeFromNeighbours, umapLayout, type Point2 } from './layout.js';
import { cellZoomFor } from './map-geometry.js';
import { mapPoint, type PointScales } from './map-points-builder.js';
import { replaceLayout, titlesOf, vectorKeys, vectorsByKeys, type MapLayout, type MapPoint } from './map.repository.js';
import { regionLabels } from './region-labels.js';
import { SampleIndex } from './sample-index.js';
import { seededRandom, seededSample } from '../seeded-random.js';

export const DEFAULT_SAMPLE_SIZE = 10_000;
export const DEFAULT_SEED = 42;
/** Points drawn at zoom 0 (and, on average, per tile at any zoom). */
export const LEVEL_BASE = 8_192;
/** Sample papers each other paper is placed from. */
export const PLACEMENT_NEIGHBOURS = 8;
const PLACEMENT_BATCH = 4_096;

export interface RebuildOptions {
  readonly embedder: string;
  readonly seed?: number;
  readonly sampleSize?: number;
  readonly epochs?: number;
  readonly dryRun?: boolean;
  readonly now?: () => Date;
  /** Threads for searching the sample index while placing (the CLI uses the machine's cores). */
  readonly threads?: number;
  readonly progress?: (line: string) => void;
}

export interface RebuildReport {
  readonly embedder: string;
  readonly papers: number;
  readonly sample: number;
  readonly labels: number;
  readonly seed: number;
  readonly version: string | null;
  readonly seconds: { readonly layout: number; readonly placement: number; readonly labels: number; readonly total: number };
  readonly dryRun: boolean;
}

const seconds = (from: number) => Math.round((performance.now() - from) / 10) / 100;

/**
 * Lays out every paper that has a vector of the embedder: UMAP on a seeded sample, every other paper placed from
 * its nearest sample papers in embedding space, region labels from the sample's titles; then replaces the stored
 * map in one transaction (readers see the old map until it commits). Memory grows with the papers (about 150 bytes
 * each) plus one batch of vectors; the sample's vectors are the only ones held throughout.
 */
export async function rebuildMap(store: Store, options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const say = options.progress ?? (() => undefined);
  const { embedder } = options;
  const maxParameters = store.capabilities.maxParameters;

  // Taken before any vector is read: whatever commits after it is read again by `map update` (placed papers skipped).
  const logStart = await vectorChangeLog(store.db, embedder).end();
  const keys = await vectorKeys(store.db, embedder);
  const sampleKeys = seededSample(keys, options.sampleSize ?? DEFAULT_SAMPLE_SIZE, seededRandom(seed));
  const sample = await vectorsByKeys(store.db, embedder, sampleKeys, maxParameters);
  const dimensions = sample[0]?.vector.length ?? 0;
  say(`${keys.length} papers with vectors of ${embedder}; laying out a sample of ${sample.length}`);

  const index = new SampleIndex(
    sample.map((s) => s.vector),
    dimensions,
  );
  const flatSample = new Float32Array(sample.length * dimensions);
  sample.forEach((s, i) => flatSample.set(s.vector, i * dimensions));
  let lastShown = 0;
  const samplePoints = await umapLayout(index, flatSample, {
    ...DEFAULT_UMAP,
    epochs: options.epochs ?? DEFAULT_UMAP.epochs,
    seed,
    progress: async (done, total) => {
      if (performance.now() - lastShown > 2_000 || done === total) {
        lastShown = performance.now();
        say(`layout: epoch ${done}/${total} (${seconds(started)} s)`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  });
  const layoutSeconds = seconds(started);

  const scales: PointScales = { papers: keys.length, levelBase: LEVEL_BASE, cellZoom: cellZoomFor(keys.length) };
  const points: MapPoint[] = sample.map((s, i) => mapPoint(s.paperId, samplePoints[i]!.x, samplePoints[i]!.y, true, scales));
  const inSample = new Set(sample.map((s) => s.key));
  const placementStarted = performance.now();
  let maxKey = 0;
  for (let afterKey = 0; ;) {
    const batch = await vectorsAfterKey(store.db, embedder, afterKey, PLACEMENT_BATCH);
    if (batch.length === 0) break;
    afterKey = batch[batch.length - 1]!.key;
    maxKey = afterKey;
    const others = batch.filter((v) => !inSample.has(v.key));
    points.push(...placeAll(index, samplePoints, others, dimensions, scales, options.threads ?? 1));
    if (performance.now() - lastShown > 2_000) {
      lastShown = performance.now();
      const rate = (points.length - sample.length) / Math.max(0.001, seconds(placementStarted));
      const left = keys.length - points.length;
      say(
        `placed ${points.length}/${keys.length} (${Math.round((100 * points.length) / Math.max(1, keys.length))}%, ` +
          `${Math.round(rate)}/s, about ${Math.ceil(left / Math.max(1, rate))} s left)`,
      );
    }
  }
  const placementSeconds = seconds(placementStarted);

  const labelsStarted = performance.now();
  const titles = await titlesOf(
    store.db,
    sample.map((s) => s.paperId),
    maxParameters,
  );
  const labels = regionLabels(
    samplePoints,
    sample.map((s) => titles.get(s.paperId) ?? ''),
    seed,
  );
  const labelsSeconds = seconds(labelsStarted);
  say(`${labels.length} region labels`);

  let version: string | null = null;
  if (!options.dryRun && points.length > 0) {
    const builtAt = (options.now?.() ?? new Date()).toISOString();
    version = createHash('sha256').update(`${embedder}\n${seed}\n${builtAt}\n${points.length}`).digest('hex').slice(0, 16);
    const layout: MapLayout = {
      id: 1,
      version,
      revision: 0,
      embedder,
      vector_key: maxKey,
      vector_log: JSON.stringify(logStart),
      seed,
      papers: points.length,
      sample_size: sample.length,
      cell_zoom: scales.cellZoom,
      level_base: scales.levelBase,
      built_at: builtAt,
      build_seconds: seconds(started),
    };
    say(`writing ${points.length} points`);
    await store.db.transaction().execute((trx) => replaceLayout(trx, layout, points, labels, maxParameters));
  }
  return {
    embedder,
    papers: points.length,
    sample: sample.length,
    labels: labels.length,
    seed,
    version,
    seconds: { layout: layoutSeconds, placement: placementSeconds, labels: labelsSeconds, total: seconds(started) },
    dryRun: options.dryRun ?? false,
  };
}

/** Places papers from their nearest sample papers. */
export function placeAll(
  index: SampleIndex,
  samplePoints: readonly Point2[],
  vectors: readonly { paperId: string; vector: Float32Array }[],
  dimensions: number,
  scales: PointScales,
  threads: number,
  exact?: boolean,
): MapPoint[] {
  if (vectors.length === 0) return [];
  const queries = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => queries.set(v.vector, i * dimensions));
  const neighbours = index.nearest(queries, PLACEMENT_NEIGHBOURS, { threads, exact });
  const points: MapPoint[] = [];
  vectors.forEach((v, i) => {
    const place = placeFromNeighbours(neighbours[i]!, samplePoints);
    if (place) points.push(mapPoint(v.paperId, place.x, place.y, false, scales));
  });
  return points;
}
