import type { Store } from '../db/database.js';
import { publicTagsOf, taggedPaperIds, userIdByName } from '../library/library.repository.js';
import { normalizeTag } from '../library/library-limits.js';
import { Refused } from '../refused.js';
import type { SearchService } from '../search/search.service.js';
import { fullDetailZoom, inBox, tilesCovering, type Box } from './map-geometry.js';
import {
  pointsInTile,
  pointsOfPapers,
  readLayout,
  regionLabels,
  titlesOf,
  type MapLayout,
  type RegionLabel,
  type TilePoint,
} from './map.repository.js';

export const MAP_NOT_BUILT = 'The map has not been built yet; run paperboy map rebuild.';
/** Most tiles one points request may cover. */
export const MAX_TILES_PER_REQUEST = 16;
/** Most points one tile returns (a tile holds about LEVEL_BASE on average; dense regions more). */
export const MAX_POINTS_PER_TILE = 50_000;
/** Search hits lit up on the map. */
export const SEARCH_HIGHLIGHTS = 120;

export interface MapOverview {
  readonly layout: MapLayout;
  /** From this zoom on every paper is drawn. */
  readonly fullDetailZoom: number;
  readonly labels: readonly RegionLabel[];
}

async function requireLayout(store: Store): Promise<MapLayout> {
  const layout = await readLayout(store.db);
  // Not a missing resource: the map exists once it is built, so the request conflicts with the instance's state.
  if (!layout) throw new Refused('conflict', MAP_NOT_BUILT);
  return layout;
}

/** The layout's metadata and region labels, or null when no map has been built. */
export async function mapOverview(store: Store): Promise<MapOverview | null> {
  const layout = await readLayout(store.db);
  if (!layout) return null;
  return { layout, fullDetailZoom: fullDetailZoom(layout.papers, layout.level_base), labels: await regionLabels(store.db) };
}

/** The version string of what the points answer depends on: changes with every rebuild and every placement. */
export function mapVersionTag(layout: MapLayout): string {
  return `${layout.version}.${layout.revision}`;
}

export interface MapPointsAnswer {
  readonly version: string;
  readonly zoom: number;
  /** Every paper in the box is included (the zoom is at or past full detail and no tile hit its cap). */
  readonly complete: boolean;
  readonly points: readonly TilePoint[];
}

/**
 * The papers drawn at this zoom inside the box: for zoom z, those whose level is at most z — a sample whose density
 * follows the papers' — and from the full-detail zoom on, every paper.
 */
export async function mapPoints(store: Store, input: { box: Box; zoom: number }): Promise<MapPointsAnswer> {
  const layout = await requireLayout(store);
  const tiles = tilesCovering(input.box, input.zoom);
  if (tiles.length > MAX_TILES_PER_REQUEST) {
    throw new Refused(
      'invalid',
      `bbox covers ${tiles.length} tiles at zoom ${input.zoom}; at most ${MAX_TILES_PER_REQUEST}: use a smaller box or a lower zoom`,
    );
  }
  let capped = false;
  const points: TilePoint[] = [];
  for (const tile of tiles) {
    const found = await pointsInTile(store.db, tile, MAX_POINTS_PER_TILE);
    if (found.length === MAX_POINTS_PER_TILE) capped = true;
    for (const p of found) if (inBox(input.box, p.x, p.y)) points.push(p);
  }
  points.sort((a, b) => (a.paperId < b.paperId ? -1 : a.paperId > b.paperId ? 1 : 0));
  return {
    version: mapVersionTag(layout),
    zoom: input.zoom,
    complete: !capped && input.zoom >= fullDetailZoom(layout.papers, layout.level_base),
    points,
  };
}

export interface MapHighlight {
  readonly kind: 'search' | 'tag';
  /** What was asked for, as shown to the reader. */
  readonly label: string;
  readonly points: readonly (TilePoint & { readonly title: string })[];
  /** Matching papers that are not on the map (not embedded or placed yet). */
  readonly missing: number;
}

interface HighlightDeps {
  readonly store: Store;
  readonly search: SearchService;
}

/** The best search hits for a query, placed on the map, best first. */
export async function searchHighlight(deps: HighlightDeps, q: string): Promise<MapHighlight> {
  const result = await deps.search.search({ q, limit: SEARCH_HIGHLIGHTS, highlight: false });
  const titles = new Map(result.hits.map((h) => [h.paper.id, h.paper.title]));
  const points = await pointsOfPapers(deps.store.db, [...titles.keys()], deps.store.capabilities.maxParameters);
  const rank = new Map(result.hits.map((h, i) => [h.paper.id, i]));
  points.sort((a, b) => rank.get(a.paperId)! - rank.get(b.paperId)!);
  return {
    kind: 'search',
    label: q,
    points: points.map((p) => ({ ...p, title: titles.get(p.paperId) ?? '' })),
    missing: titles.size - points.length,
  };
}

export type TagHighlight = { readonly ok: true; readonly highlight: MapHighlight } | { readonly ok: false; readonly notice: string };

/**
 * A library tag's papers on the map: `tag` is one of the reader's own tags, `user/tag` someone's public tag. A tag
 * that is neither the reader's nor public is answered exactly like one that does not exist.
 */
export async function tagHighlight(deps: HighlightDeps, viewer: { readonly id: number } | null, raw: string): Promise<TagHighlight> {
  const slash = raw.indexOf('/');
  const tag = normalizeTag(slash === -1 ? raw : raw.slice(slash + 1));
  const notFound = { ok: false, notice: `No tag "${raw}" to show: use one of your own tags, or user/tag for a public one.` } as const;
  if (!tag) return notFound;
  let ownerId: number;
  if (slash === -1) {
    if (!viewer) return { ok: false, notice: 'Log in to show one of your tags on the map, or use user/tag for a public one.' };
    ownerId = viewer.id;
  } else {
    const owner = await userIdByName(deps.store.db, raw.slice(0, slash));
    if (!owner) return notFound;
    if (owner.id !== viewer?.id && !(await publicTagsOf(deps.store.db, owner.id)).has(tag)) return notFound;
    ownerId = owner.id;
  }
  const ids = await taggedPaperIds(deps.store.db, ownerId, tag);
  const points = await pointsOfPapers(deps.store.db, ids, deps.store.capabilities.maxParameters);
  const byId = await titlesOf(
    deps.store.db,
    points.map((p) => p.paperId),
    deps.store.capabilities.maxParameters,
  );
  const highlight: MapHighlight = {
    kind: 'tag',
    label: raw,
    points: points.map((p) => ({ ...p, title: byId.get(p.paperId) ?? '' })),
    missing: ids.length - points.length,
  };
  return { ok: true, highlight };
}
