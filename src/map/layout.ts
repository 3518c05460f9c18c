import { UMAP } from 'umap-js';
import type { SampleIndex, Neighbour } from './sample-index.js';
import { seededRandom } from '../seeded-random.js';

export interface Point2 {
  readonly x: number;
  readonly y: number;
}

export interface UmapOptions {
  readonly seed: number;
  readonly neighbours: number;
  readonly epochs: number;
  readonly minDist: number;
  /** Called now and then with the epochs done; may yield to the event loop. */
  readonly progress?: (done: number, total: number) => void | Promise<void>;
}

export const DEFAULT_UMAP: Omit<UmapOptions, 'seed'> = { neighbours: 15, epochs: 200, minDist: 0.1 };

/** Margin left around the layout inside the unit square. */
const MARGIN = 0.03;

/** Scales points into [MARGIN, 1 − MARGIN]², keeping the aspect ratio and centring the shorter side. */
export function fitToUnitSquare(points: readonly Point2[]): Point2[] {
  if (points.length === 0) return [];
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const span = Math.max(maxX - minX, maxY - minY);
  if (span === 0) return points.map(() => ({ x: 0.5, y: 0.5 }));
  const scale = (1 - 2 * MARGIN) / span;
  const offsetX = MARGIN + (1 - 2 * MARGIN - (maxX - minX) * scale) / 2;
  const offsetY = MARGIN + (1 - 2 * MARGIN - (maxY - minY) * scale) / 2;
  return points.map((p) => ({ x: offsetX + (p.x - minX) * scale, y: offsetY + (p.y - minY) * scale }));
}

/**
 * UMAP (umap-js) of the sample papers from their embedding neighbours, seeded, scaled into the unit square. The
 * neighbour graph comes from the sample index, so umap-js never compares vectors itself.
 */
export async function umapLayout(index: SampleIndex, vectors: Float32Array, options: UmapOptions): Promise<Point2[]> {
  const n = index.size;
  if (n === 0) return [];
  if (n < 3) return fitToUnitSquare(Array.from({ length: n }, (_, i) => ({ x: i, y: 0 })));
  // umap-js counts the paper itself among its neighbours and needs more papers than that.
  const k = Math.min(options.neighbours, n - 2);
  const found = index.nearest(vectors, k + 1);
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  found.forEach((list, i) => {
    // Each paper is its own nearest neighbour at distance 0, as umap-js expects; duplicates of it keep their place.
    const others = list.filter((m) => m.index !== i).slice(0, k);
    knnIndices.push([i, ...others.map((m) => m.index)]);
    knnDistances.push([0, ...others.map((m) => Math.max(0, 1 - m.similarity))]);
  });
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: k + 1,
    nEpochs: options.epochs,
    minDist: options.minDist,
    random: seededRandom(options.seed),
  });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  // umap-js only reads X's length once the neighbours are given.
  const epochs = umap.initializeFit(Array.from({ length: n }, (_, i) => [i]));
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    if (epoch % 10 === 9 || epoch === epochs - 1) await options.progress?.(epoch + 1, epochs);
  }
  return fitToUnitSquare(umap.getEmbedding().map(([x, y]) => ({ x: x!, y: y! })));
}

/** Temperature of the neighbour weights: a neighbour 0.1 less similar weighs e² ≈ 7 times less. */
const TEMPERATURE = 0.05;

/** A paper's place from its nearest sample papers: their positions averaged, weighted by similarity. */
export function placeFromNeighbours(neighbours: readonly Neighbour[], samplePoints: readonly Point2[]): Point2 | null {
  if (neighbours.length === 0) return null;
  const best = Math.max(...neighbours.map((n) => n.similarity));
  let [sumX, sumY, sumW] = [0, 0, 0];
  for (const n of neighbours) {
    const point = samplePoints[n.index]!;
    const w = Math.exp((n.similarity - best) / TEMPERATURE);
    sumX += w * point.x;
    sumY += w * point.y;
    sumW += w;
  }
  return { x: sumX / sumW, y: sumY / sumW };
}
