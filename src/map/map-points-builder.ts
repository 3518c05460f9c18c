import { cellOf, levelOf, mortonKey, rankOf } from './map-geometry.js';
import type { MapPoint } from './map.repository.js';

/** The scales a layout fixes when it is built, so papers placed later get keys on the same scales. */
export interface PointScales {
  readonly papers: number;
  readonly levelBase: number;
  readonly cellZoom: number;
}

/** A stored point for a paper at (x, y) on a layout with these scales. */
export function mapPoint(paperId: string, x: number, y: number, inSample: boolean, scales: PointScales): MapPoint {
  const rank = rankOf(paperId);
  return {
    paperId,
    x,
    y,
    rank,
    level: levelOf(rank, scales.papers, scales.levelBase),
    morton: mortonKey(x, y),
    cellX: cellOf(x, scales.cellZoom),
    cellY: cellOf(y, scales.cellZoom),
    inSample,
  };
}
