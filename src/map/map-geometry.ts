/**
 * The map's coordinate system: every paper sits in [0, 1]². Zoom z cuts the square into 2^z × 2^z tiles; a paper's
 * quadtree key interleaves 15 bits of x and y, so the points of any tile are one contiguous key range.
 */
export const MAX_ZOOM = 15;
const SIDE = 1 << MAX_ZOOM;

function spread(v: number): number {
  let x = v & 0x7fff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

function gridIndex(value: number, side: number): number {
  return Math.min(side - 1, Math.max(0, Math.floor(value * side)));
}

/** The quadtree key of a point in [0, 1]² (30 bits: fits a 32-bit signed integer column). */
export function mortonKey(x: number, y: number): number {
  return spread(gridIndex(x, SIDE)) | (spread(gridIndex(y, SIDE)) << 1);
}

export interface Tile {
  readonly zoom: number;
  readonly tx: number;
  readonly ty: number;
}

/** The inclusive key range of a tile. */
export function tileKeyRange(tile: Tile): { readonly from: number; readonly to: number } {
  const shift = 2 * (MAX_ZOOM - tile.zoom);
  const prefix = spread(tile.tx) | (spread(tile.ty) << 1);
  return { from: prefix * 2 ** shift, to: (prefix + 1) * 2 ** shift - 1 };
}

/** A box in map coordinates, half-open: [x0, x1) × [y0, y1), except that an edge at 1 includes 1. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The last grid index a half-open range ending at `end` reaches. */
function lastIndex(start: number, end: number, side: number): number {
  return Math.max(gridIndex(start, side), Math.min(side - 1, Math.ceil(end * side) - 1));
}

/** The tiles of one zoom that cover a box, read as half-open [x0, x1) × [y0, y1) (so a tile's own bounds give just it). */
export function tilesCovering(box: Box, zoom: number): Tile[] {
  const side = 2 ** zoom;
  const tiles: Tile[] = [];
  const [tx0, tx1] = [gridIndex(box.x0, side), lastIndex(box.x0, box.x1, side)];
  const [ty0, ty1] = [gridIndex(box.y0, side), lastIndex(box.y0, box.y1, side)];
  for (let tx = tx0; tx <= tx1; tx++) for (let ty = ty0; ty <= ty1; ty++) tiles.push({ zoom, tx, ty });
  return tiles;
}

/** A number in [0, 1) fixed by the text (FNV-1a), so a paper's rank never depends on the other papers. */
export function rankOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return (hash >>> 0) / 2 ** 32;
}

/**
 * The lowest zoom a point of this rank is drawn at. A layout of `papers` points shows about `base` of them at zoom 0,
 * four times as many at each further zoom (a quarter of the area each), so a tile holds about `base` points on average.
 */
export function levelOf(rank: number, papers: number, base: number): number {
  const scaled = (rank * papers) / base;
  if (scaled < 1) return 0;
  return Math.min(MAX_ZOOM, Math.ceil(Math.log(scaled) / Math.log(4)));
}

/** The zoom at which every point is drawn. */
export function fullDetailZoom(papers: number, base: number): number {
  return levelOf(1 - 1e-12, papers, base);
}

/** The grid for the paper page's neighbourhood: about `perCell` papers a cell on average. */
export function cellZoomFor(papers: number, perCell = 40): number {
  return Math.min(12, Math.max(1, Math.round(Math.log(Math.max(1, papers / perCell)) / Math.log(4))));
}

export function cellOf(value: number, cellZoom: number): number {
  return gridIndex(value, 2 ** cellZoom);
}

/** Whether a point lies in the box (half-open, the square's far edges included). */
export function inBox(box: Box, x: number, y: number): boolean {
  return x >= box.x0 && (x < box.x1 || box.x1 >= 1) && y >= box.y0 && (y < box.y1 || box.y1 >= 1);
}
