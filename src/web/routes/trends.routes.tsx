import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { TREND_INTERVALS, type TrendInterval } from '../../trends/periods.js';
import { MAX_COMPARED_QUERIES, MAX_TREND_QUERY_LENGTH, queryTrends } from '../../trends/trends.service.js';
import { renderPage } from '../anonymous-page.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import type { AppEnv } from '../env.js';
import { choiceParam, rejectInvalid } from '../request-params.js';
import { renderTrendChart } from '../views/trend-chart.js';
import { trendFigureProps, type TrendView } from '../views/trend-figure.js';
import { trendsPage } from '../views/trends-page.js';

const intervalParam = choiceParam(
  'interval',
  TREND_INTERVALS as [TrendInterval, ...TrendInterval[]],
  'month',
  'Count per ISO week or per month.',
);
const viewParam = choiceParam('view', ['count', 'share'], 'count', 'Draw the counts or the share of all papers.');

const asList = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const queryText = z
  .string({ error: 'q must be text' })
  .trim()
  .max(MAX_TREND_QUERY_LENGTH, { error: `q can be at most ${MAX_TREND_QUERY_LENGTH} characters` });
const QUERIES_DESCRIPTION = `A query in the query language; repeat q to compare up to ${MAX_COMPARED_QUERIES} queries.`;

/** The API and the image: one to three queries, none blank. */
const requiredQueries = z
  .preprocess(
    asList,
    z
      .array(queryText.min(1, { error: 'q must not be empty' }))
      .min(1, { error: 'q is required' })
      .max(MAX_COMPARED_QUERIES, { error: `q may be given at most ${MAX_COMPARED_QUERIES} times` }),
  )
  .meta({ description: QUERIES_DESCRIPTION });

/** The page's form sends three fields, some of them blank: blanks are dropped. */
const formQueries = z.preprocess(
  asList,
  z
    .array(queryText)
    .transform((queries) => queries.filter((q) => q !== ''))
    .refine((queries) => queries.length <= MAX_COMPARED_QUERIES, { error: `q may be given at most ${MAX_COMPARED_QUERIES} times` }),
);

// q comes last so that a bad interval or view is the error reported, whatever q is.
const apiQuery = z.object({ interval: intervalParam, q: requiredQueries });
const imageQuery = z.object({ interval: intervalParam, view: viewParam, q: requiredQueries });
const pageQuery = z.object({ interval: intervalParam, view: viewParam, q: formQueries });

const TrendPointSchema = z.object({
  period: z.string().meta({ description: 'A month (2026-08) or an ISO week (2026-W33).', examples: ['2026-08'] }),
  count: z.number().int().meta({ description: 'Visible papers published in the period holding every word and phrase of the query.' }),
  share: z.number().meta({ description: 'count divided by all visible papers published in the period (0 when there were none).' }),
});
const TrendSeriesSchema = z.object({ query: z.string(), series: z.array(TrendPointSchema) });
const TrendsSchema = z
  .object({
    query: z.string().meta({ description: 'The first query.' }),
    interval: z.enum(['week', 'month']),
    series: z
      .array(TrendPointSchema)
      .meta({ description: 'Every period from the first paper of the collection to the last (up to today).' }),
    compared: z.array(TrendSeriesSchema).meta({ description: 'The second and third queries, over the same periods.' }),
  })
  .meta({ ref: 'Trends' });

/** The chart as a standalone image others may embed: its own style, no script, readable in either colour scheme. */
const IMAGE_HEADERS = {
  'Content-Type': 'image/svg+xml; charset=utf-8',
  'Cache-Control': 'public, max-age=600',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export const trendsRoutes = new Hono<AppEnv>()
  .get(
    '/api/trends',
    describeRoute({
      summary: 'Papers per week or month matching queries',
      description:
        'Counts, from the keyword index, the visible papers published in each period whose title, abstract or authors hold every ' +
        'word and phrase of the query (and none of its -exclusions; cat:, author:, after: and before: filter), with their share of ' +
        'all papers of the period. The first query fills the top level; further ones are in compared, over the same periods.',
      operationId: 'getTrends',
      responses: {
        200: jsonResponse(TrendsSchema, 'The series of each query.'),
        400: errorResponse('No query, a blank one, more than three, or an unknown interval.'),
      },
    }),
    validator('query', apiQuery, rejectInvalid),
    async (c) => {
      const { q, interval } = c.req.valid('query');
      const [first, ...others] = await queryTrends(c.get('deps'), { queries: q, interval });
      return c.json({
        query: first!.query,
        interval,
        series: first!.series,
        compared: others.map(({ query, series }) => ({ query, series })),
      });
    },
  )
  .get('/trends.svg', validator('query', imageQuery, rejectInvalid), async (c) => {
    const { q, interval, view } = c.req.valid('query');
    const trends = await queryTrends(c.get('deps'), { queries: q, interval });
    const figure = trendFigureProps(trends, view as TrendView, 'trend');
    const svg = renderTrendChart(figure.series, { ...figure, standalone: true });
    return c.body(svg, 200, IMAGE_HEADERS);
  })
  .get('/trends', validator('query', pageQuery, rejectInvalid), async (c) => {
    const { q, interval, view } = c.req.valid('query');
    const body = await renderPage(c, async (page) => {
      const trends = q.length > 0 ? await queryTrends(c.get('deps'), { queries: q, interval }) : [];
      return trendsPage({ page, queries: q, interval, view: view as TrendView, trends });
    });
    return c.html(body!);
  });
