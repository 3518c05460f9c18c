import { sql } from 'kysely';
import type { Queryable } from '../db/schema.js';
import { bytesToVector } from '../search/vectors.repository.js';
import { tileKeyRange, type Tile } from './map-geometry.js';
import type { MapLayoutsTable } from './map.table.js';

export type MapLayout = Readonly<MapLayoutsTable>;

export interface MapPoint {
  readonly paperId: string;
  readonly x: number;
  readonly y: number;
  readonly rank: number;
  readonly level: number;
  readonly morton: number;
  readonly cellX: number;
  readonly cellY: number;
  readonly inSample: boolean;
}

export interface RegionLabel {
  readonly level: number;
  readonly x: number;
  readonly y: number;
  readonly papers: number;
  readonly words: string;
}

/** Columns one point row binds (for batch sizes under the engine's parameter limit). */
const POINT_COLUMNS = 9;

export async function readLayout(db: Queryable): Promise<MapLayout | null> {
  return (await db.selectFrom('map_layouts').selectAll().where('id', '=', 1).executeTakeFirst()) ?? null;
}

function pointRow(p: MapPoint) {
  return {
    paper_id: p.paperId,
    x: p.x,
    y: p.y,
    rank: p.rank,
    level: p.level,
    morton: p.morton,
    cell_x: p.cellX,
    cell_y: p.cellY,
    in_sample: p.inSample ? 1 : 0,
  };
}

export async function insertPoints(trx: Queryable, points: readonly MapPoint[], maxParameters: number): Promise<void> {
  const batch = Math.max(1, Math.floor(maxParameters / POINT_COLUMNS) - 1);
  for (let i = 0; i < points.length; i += batch) {
    await trx
      .insertInto('map_points')
      .values(points.slice(i, i + batch).map(pointRow))
      .execute();
  }
}

/** Replaces the whole map: every point, every label and the layout row. Run in one transaction. */
export async function replaceLayout(
  trx: Queryable,
  layout: MapLayout,
  points: readonly MapPoint[],
  labels: readonly RegionLabel[],
  maxParameters: number,
): Promise<void> {
  await trx.deleteFrom('map_points').execute();
  await trx.deleteFrom('map_labels').execute();
  await trx.deleteFrom('map_layouts').execute();
  await insertPoints(trx, points, maxParameters);
  const labelBatch = Math.floor(maxParameters / 5) - 1;
  for (let i = 0; i < labels.length; i += labelBatch) {
    await trx
      .insertInto('map_labels')
      .values(labels.slice(i, i + labelBatch).map((l) => ({ ...l })))
      .execute();
  }
  await trx
    .insertInto('map_layouts')
    .values({ ...layout, id: 1 })
    .execute();
}

/** Adds newly placed points (papers not on the map yet) and moves the layout to its next revision. */
export async function addPlacedPoints(trx: Queryable, points: readonly MapPoint[], maxParameters: number): Promise<void> {
  if (points.length === 0) return;
  await insertPoints(trx, points, maxParameters);
  await trx
    .updateTable('map_layouts')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}

export interface TilePoint {
  readonly paperId: string;
  readonly x: number;
  readonly y: number;
}

/**
 * Visible papers in one tile drawn at this zoom (level ≤ zoom): for each level one contiguous range of the
 * (level, morton) index.
 */
export async function pointsInTile(db: Queryable, tile: Tile, limit: number): Promise<TilePoint[]> {
  const { from, to } = tileKeyRange(tile);
  const levels = Array.from({ length: tile.zoom + 1 }, (_, i) => i);
  const rows = await db
    .selectFrom('map_points')
    .innerJoin('papers', 'papers.id', 'map_points.paper_id')
    .select(['map_points.paper_id', 'map_points.x', 'map_points.y'])
    .where('map_points.level', 'in', levels)
    .where('map_points.morton', '>=', from)
    .where('map_points.morton', '<=', to)
    .where('papers.hidden', '=', 0)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ paperId: r.paper_id, x: Number(r.x), y: Number(r.y) }));
}

export interface NeighbourPoint extends TilePoint {
  readonly title: string;
  readonly distance: number;
}

/**
 * The paper and its nearest visible neighbours on the map, nearest first, in one statement: the paper's row by
 * key, then the 3 × 3 grid cells around it through the (cell_x, cell_y) index.
 */
export async function mapNeighbourhood(db: Queryable, paperId: string, limit: number): Promise<NeighbourPoint[]> {
  const result = await sql<{ paper_id: string; x: number; y: number; title: string; distance: number }>`
    SELECT p.paper_id AS paper_id, p.x AS x, p.y AS y, papers.title AS title,
      (p.x - c.x) * (p.x - c.x) + (p.y - c.y) * (p.y - c.y) AS distance
    FROM map_points c
    JOIN map_points p ON p.cell_x IN (c.cell_x - 1, c.cell_x, c.cell_x + 1)
      AND p.cell_y BETWEEN c.cell_y - 1 AND c.cell_y + 1
    JOIN papers ON papers.id = p.paper_id
    WHERE c.paper_id = ${paperId} AND papers.hidden = 0
    ORDER BY distance, p.paper_id
    LIMIT ${limit}`.execute(db);
  return result.rows.map((r) => ({ paperId: r.paper_id, x: Number(r.x), y: Number(r.y), title: r.title, distance: Number(r.distance) }));
}

/** Map positions of these papers (visible ones only), for lighting up a search or a tag. */
export async function pointsOfPapers(db: Queryable, paperIds: readonly string[], maxParameters: number): Promise<TilePoint[]> {
  const found: TilePoint[] = [];
  const chunk = Math.max(1, maxParameters - 2);
  for (let i = 0; i < paperIds.length; i += chunk) {
    const rows = await db
      .selectFrom('map_points')
      .innerJoin('papers', 'papers.id', 'map_points.paper_id')
      .select(['map_points.paper_id', 'map_points.x', 'map_points.y'])
      .where('map_points.paper_id', 'in', paperIds.slice(i, i + chunk))
      .where('papers.hidden', '=', 0)
      .execute();
    for (const r of rows) found.push({ paperId: r.paper_id, x: Number(r.x), y: Number(r.y) });
  }
  return found;
}

export async function regionLabels(db: Queryable): Promise<RegionLabel[]> {
  const rows = await db.selectFrom('map_labels').selectAll().orderBy('level').orderBy('papers', 'desc').execute();
  return rows.map((r) => ({ level: r.level, x: Number(r.x), y: Number(r.y), papers: r.papers, words: r.words }));
}

export interface SampleRow {
  readonly paperId: string;
  readonly x: number;
  readonly y: number;
  readonly vector: Float32Array;
}

/** The papers the layout was computed on, with their positions and their vectors of the layout's embedder. */
export async function sampleWithVectors(db: Queryable, embedder: string): Promise<SampleRow[]> {
  const rows = await db
    .selectFrom('map_points')
    .innerJoin('search_vectors', 'search_vectors.paper_id', 'map_points.paper_id')
    .select(['map_points.paper_id', 'map_points.x', 'map_points.y', 'search_vectors.vector'])
    .where('map_points.in_sample', '=', 1)
    .where('search_vectors.embedder', '=', embedder)
    .orderBy('map_points.paper_id')
    .execute();
  return rows.map((r) => ({ paperId: r.paper_id, x: Number(r.x), y: Number(r.y), vector: bytesToVector(r.vector) }));
}

/** A paper's search vector with its key in the vector table. */
export interface KeyedVector {
  readonly key: number;
  readonly paperId: string;
  readonly vector: Float32Array;
}

/** Which of these papers already have a point on the map. */
export async function placedPaperIds(db: Queryable, paperIds: readonly string[]): Promise<Set<string>> {
  if (paperIds.length === 0) return new Set();
  const rows = await db.selectFrom('map_points').select('paper_id').where('paper_id', 'in', paperIds).execute();
  return new Set(rows.map((row) => row.paper_id));
}

/** Every vector key of the embedder, ascending (the rebuild samples from them). */
export async function vectorKeys(db: Queryable, embedder: string): Promise<number[]> {
  const rows = await db.selectFrom('search_vectors').select('key').where('embedder', '=', embedder).orderBy('key').execute();
  return rows.map((r) => Number(r.key));
}

export async function vectorsByKeys(
  db: Queryable,
  embedder: string,
  keys: readonly number[],
  maxParameters: number,
): Promise<KeyedVector[]> {
  const found: KeyedVector[] = [];
  const chunk = Math.max(1, maxParameters - 2);
  for (let i = 0; i < keys.length; i += chunk) {
    const rows = await db
      .selectFrom('search_vectors')
      .select(['key', 'paper_id', 'vector'])
      .where('embedder', '=', embedder)
      .where('key', 'in', keys.slice(i, i + chunk))
      .execute();
    for (const r of rows) found.push({ key: Number(r.key), paperId: r.paper_id, vector: bytesToVector(r.vector) });
  }
  return found.sort((a, b) => a.key - b.key);
}

/** Titles of these papers (chunked under the parameter limit). */
export async function titlesOf(db: Queryable, paperIds: readonly string[], maxParameters: number): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const chunk = Math.max(1, maxParameters - 2);
  for (let i = 0; i < paperIds.length; i += chunk) {
    const rows = await db
      .selectFrom('papers')
      .select(['id', 'title'])
      .where('id', 'in', paperIds.slice(i, i + chunk))
      .execute();
    for (const r of rows) titles.set(r.id, r.title);
  }
  return titles;
}
