import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { votePaper } from '../../community/voting.js';
import { latestFeedDay } from '../../feed/feed.repository.js';
import { getListedPaper, listPapers } from '../../feed/paper-listing.js';
import { dayPeriod, monthPeriod, weekPeriod, type FeedPeriod } from '../../feed/period.js';
import { Refused } from '../../refused.js';
import { requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { apiDailyEntry, apiPaper } from '../api-shapes.js';
import { DailyPaperSchema, PaperSchema, RATE_LIMIT_HEADERS, UpvoteResultSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { PAPER_ID_PATHS, choiceParam, integerParam, paperIdOf, rejectInvalid } from '../request-params.js';
import { actorOf } from '../viewer.js';

export const API_DEFAULT_LIMIT = 50;
export const API_MAX_LIMIT = 100;

const dailyPapersQuery = z
  .object({
    date: z
      .string()
      .refine((v) => dayPeriod(v) !== null, { error: 'date must be YYYY-MM-DD' })
      .optional()
      .meta({ description: 'A feed day, YYYY-MM-DD. Default: the latest day with papers.', format: 'date' }),
    week: z
      .string()
      .refine((v) => weekPeriod(v) !== null, { error: 'week must be an ISO week like 2025-W03' })
      .optional()
      .meta({ description: 'An ISO week, YYYY-Www.' }),
    month: z
      .string()
      .refine((v) => monthPeriod(v) !== null, { error: 'month must be YYYY-MM' })
      .optional()
      .meta({ description: 'A month, YYYY-MM.' }),
    limit: integerParam('limit', 1, API_MAX_LIMIT, API_DEFAULT_LIMIT, 'Papers per page.'),
    p: integerParam('p', 0, 100_000, 0, 'Zero-based page index.'),
    sort: choiceParam('sort', ['publishedAt', 'trending', 'upvotes'], 'publishedAt', 'Order of the papers.'),
  })
  .refine((q) => [q.date, q.week, q.month].filter((v) => v !== undefined).length <= 1, {
    error: 'give at most one of date, week and month',
  });

async function requestedPeriod(c: Context<AppEnv>, query: { date?: string; week?: string; month?: string }): Promise<FeedPeriod | null> {
  if (query.date !== undefined) return dayPeriod(query.date);
  if (query.week !== undefined) return weekPeriod(query.week);
  if (query.month !== undefined) return monthPeriod(query.month);
  // The latest day changes only with writes, so it lives in the write-invalidated cache too.
  const { pageCache, store } = c.get('deps');
  let latest = pageCache.get('latest-day');
  if (latest === null) {
    latest = (await latestFeedDay(store.db)) ?? '';
    pageCache.set('latest-day', latest);
  }
  return latest ? dayPeriod(latest) : null;
}

const upvoteResponses = {
  200: jsonResponse(UpvoteResultSchema, "The paper's upvote count after the change."),
  401: errorResponse('Not signed in and no API token.'),
  403: errorResponse('CSRF token missing or wrong (cookie sessions), or the account is banned.'),
  404: errorResponse('No such paper.'),
  429: errorResponse('Too many votes; see Retry-After.'),
};

function vote(action: 'add' | 'remove') {
  return async (c: Context<AppEnv>) => {
    const outcome = await votePaper(c.get('deps'), actorOf(c.get('user')!), { paperId: paperIdOf(c), action });
    return c.json({ id: outcome.paperId, upvotes: outcome.upvotes, upvoted: outcome.upvoted, changed: outcome.changed });
  };
}

export const apiRoutes = new Hono<AppEnv>();

apiRoutes.get(
  '/api/daily_papers',
  describeRoute({
    summary: 'Papers featured on a day, ISO week or month',
    operationId: 'listDailyPapers',
    responses: {
      200: jsonResponse(z.array(DailyPaperSchema), 'One page of featured papers.', {
        ...RATE_LIMIT_HEADERS,
        'X-Total-Count': { description: 'Papers in the whole period.', schema: { type: 'integer' } },
      }),
      429: errorResponse('Rate limited.'),
    },
  }),
  validator('query', dailyPapersQuery, rejectInvalid),
  async (c) => {
    const query = c.req.valid('query');
    const period = await requestedPeriod(c, query);
    const { limit, p: page, sort } = query;
    if (!period) return c.json([]);
    // The answer is the same for every caller, so it is cached like anonymous pages (cleared on every write).
    const { pageCache, store } = c.get('deps');
    const key = `api:daily:${period.key}:${sort}:${limit}:${page}`;
    let cached = pageCache.get(key);
    if (cached === null) {
      const listing = await listPapers(store.db, { range: { from: period.from, to: period.to }, sort, limit, offset: page * limit });
      cached = `${listing.total}\n${JSON.stringify(listing.items.map(apiDailyEntry))}`;
      pageCache.set(key, cached);
    }
    const split = cached.indexOf('\n');
    c.header('X-Total-Count', cached.slice(0, split));
    return c.body(cached.slice(split + 1), 200, { 'content-type': 'application/json; charset=utf-8' });
  },
);

for (const [index, path] of PAPER_ID_PATHS.entries()) {
  // Old-style ids (hep-th/9901001) are routed too but documented once, under {id}.
  const describe = (spec: Parameters<typeof describeRoute>[0]) => describeRoute({ ...spec, hide: index > 0 });
  apiRoutes
    .get(
      `/api/papers/${path}`,
      describe({
        summary: 'One paper',
        operationId: 'getPaper',
        responses: {
          200: jsonResponse(PaperSchema, 'The paper.'),
          404: errorResponse('No such paper.'),
          429: errorResponse('Rate limited.'),
        },
      }),
      async (c) => {
        const id = paperIdOf(c);
        const item = await getListedPaper(c.get('deps').store.db, id);
        if (!item || item.paper.hidden) throw new Refused('not_found', `No paper with id ${id}.`);
        return c.json(apiPaper(item));
      },
    )
    .post(
      `/api/papers/${path}/upvote`,
      describe({ summary: 'Upvote a paper (idempotent)', operationId: 'upvotePaper', responses: upvoteResponses }),
      requireUser,
      rateLimit('vote', RATE_LIMITS.vote),
      vote('add'),
    )
    .delete(
      `/api/papers/${path}/upvote`,
      describe({ summary: 'Withdraw your upvote (idempotent)', operationId: 'removeUpvote', responses: upvoteResponses }),
      requireUser,
      rateLimit('vote', RATE_LIMITS.vote),
      vote('remove'),
    );
}
