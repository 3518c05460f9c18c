import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { libraryTags } from '../../library/library.repository.js';
import { MAX_ZOOM } from '../../map/map-geometry.js';
import {
  MAX_TILES_PER_REQUEST,
  mapOverview,
  mapPoints,
  mapVersionTag,
  searchHighlight,
  tagHighlight,
  type MapHighlight,
} from '../../map/map-view.js';
import { MAP_NOT_BUILT } from '../../map/map-view.js';
import { Refused } from '../../refused.js';
import type { AppEnv } from '../env.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import { integerParam, queryTextParam, rejectInvalid } from '../request-params.js';
import { pageContext } from '../viewer.js';
import { html } from '../views/components.js';
import { MapPage } from '../views/map-page.js';

const bboxParam = z
  .string({ error: 'bbox is required' })
  .transform((value, ctx) => {
    const parts = value.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
    const [x0, y0, x1, y1] = parts as [number, number, number, number];
    if (parts.length !== 4 || !parts.every(Number.isFinite)) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be four numbers: x0,y0,x1,y1' });
      return z.NEVER;
    }
    if (!(x0 < x1 && y0 < y1) || x1 < 0 || y1 < 0 || x0 > 1 || y0 > 1) {
      ctx.addIssue({ code: 'custom', message: 'bbox must have x0 < x1 and y0 < y1 and overlap the map’s square [0, 1]²' });
      return z.NEVER;
    }
    return { x0: Math.max(0, x0), y0: Math.max(0, y0), x1: Math.min(1, x1), y1: Math.min(1, y1) };
  })
  .meta({ description: 'The box to fill, x0,y0,x1,y1, in map coordinates (the map is the square [0, 1]², y down).' });

const pointsQuery = z.object({
  bbox: bboxParam,
  zoom: integerParam(
    'zoom',
    0,
    MAX_ZOOM,
    0,
    `Detail: at zoom z the map is cut into 2^z × 2^z tiles and each holds about 8,192 points; the box may cover at most ${MAX_TILES_PER_REQUEST} tiles.`,
  ),
});

const mapPageQuery = z.object({
  q: queryTextParam(false),
  tag: z
    .string()
    .trim()
    .max(81, { error: 'tag must be a tag or user/tag' })
    .default('')
    .meta({ description: 'One of your tags, or user/tag for a public one.' }),
});

const MapPointsSchema = z
  .object({
    version: z.string().meta({ description: 'The layout version; changes with each rebuild and each placement of new papers.' }),
    zoom: z.number().int(),
    complete: z.boolean().meta({ description: 'Every paper in the box is included (otherwise a density-preserving sample).' }),
    count: z.number().int(),
    ids: z.array(z.string()).meta({ description: 'arXiv ids, in the order of xy.' }),
    xy: z.array(z.number()).meta({ description: 'x and y of each paper, flattened: [x0, y0, x1, y1, …].' }),
  })
  .meta({ ref: 'MapPoints' });

const MapOverviewSchema = z
  .object({
    version: z.string(),
    papers: z.number().int(),
    builtAt: z.string(),
    embedder: z.string(),
    fullDetailZoom: z.number().int().meta({ description: 'From this zoom on, /api/map/points returns every paper.' }),
    labels: z.array(
      z.object({
        level: z.number().int().meta({ description: 'The zoom from which the label is meant to show.' }),
        x: z.number(),
        y: z.number(),
        papers: z.number().int().meta({ description: 'Sample papers in the region.' }),
        words: z.string().meta({ description: 'The region’s most distinctive title words, separated by “ · ”.' }),
      }),
    ),
  })
  .meta({ ref: 'MapOverview' });

const round = (value: number) => Math.round(value * 1e6) / 1e6;

export const mapRoutes = new Hono<AppEnv>()
  .get(
    '/api/map',
    describeRoute({
      summary: 'The map of the field: its version and region labels',
      operationId: 'getMap',
      responses: {
        200: jsonResponse(MapOverviewSchema, 'The layout and its labelled regions.'),
        409: errorResponse(MAP_NOT_BUILT),
      },
    }),
    async (c) => {
      const overview = await mapOverview(c.get('deps').store);
      if (!overview) throw new Refused('conflict', MAP_NOT_BUILT);
      c.header('etag', `"map-${mapVersionTag(overview.layout)}"`);
      return c.json({
        version: mapVersionTag(overview.layout),
        papers: overview.layout.papers,
        builtAt: overview.layout.built_at,
        embedder: overview.layout.embedder,
        fullDetailZoom: overview.fullDetailZoom,
        labels: overview.labels.map((l) => ({ ...l, x: round(l.x), y: round(l.y) })),
      });
    },
  )
  .get(
    '/api/map/points',
    describeRoute({
      summary: 'Papers on the map inside a box, at a zoom',
      description:
        'Below the full-detail zoom, a sample of the papers whose density follows theirs (each paper has a fixed rank; zoom z ' +
        'shows those ranked for z or lower, so zooming in only adds points); from it on, every paper in the box. Cacheable: ' +
        'the ETag changes with the layout version.',
      operationId: 'getMapPoints',
      responses: {
        200: jsonResponse(MapPointsSchema, 'Points in the box.'),
        400: errorResponse('A malformed bbox or zoom, or a box covering too many tiles.'),
        409: errorResponse(MAP_NOT_BUILT),
      },
    }),
    validator('query', pointsQuery, rejectInvalid),
    async (c) => {
      const { bbox, zoom } = c.req.valid('query');
      const answer = await mapPoints(c.get('deps').store, { box: bbox, zoom });
      c.header('etag', `"map-${answer.version}"`);
      return c.json({
        version: answer.version,
        zoom: answer.zoom,
        complete: answer.complete,
        count: answer.points.length,
        ids: answer.points.map((p) => p.paperId),
        xy: answer.points.flatMap((p) => [round(p.x), round(p.y)]),
      });
    },
  )
  .get('/map', validator('query', mapPageQuery, rejectInvalid), async (c) => {
    const deps = c.get('deps');
    const { q, tag } = c.req.valid('query');
    const page = pageContext(c);
    const overview = await mapOverview(deps.store);
    const notices: string[] = [];
    let highlight: MapHighlight | null = null;
    if (overview && q !== '') highlight = await searchHighlight(deps, q);
    else if (overview && tag !== '') {
      const found = await tagHighlight(deps, page.viewer, tag);
      if (found.ok) highlight = found.highlight;
      else notices.push(found.notice);
    }
    const tags = page.viewer ? (await libraryTags(deps.store.db, page.viewer.id)).map((t) => t.tag) : [];
    return c.html(html(<MapPage page={page} overview={overview} q={q} tag={tag} tags={tags} highlight={highlight} notices={notices} />));
  });
