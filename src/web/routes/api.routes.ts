import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { votePaper } from '../../community/voting.js';
import { latestFeedDay } from '../../feed/feed.repository.js';
import { getListedPaper, listPapers, type ListingCursor } from '../../feed/paper-listing.js';
import { dayPeriod, monthPeriod, weekPeriod, type FeedPeriod } from '../../feed/period.js';
import { Refused } from '../../refused.js';
import { requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { apiDailyEntry, apiPaper } from '../api-shapes.js';
import { DailyPaperSchema, PaperSchema, RATE_LIMIT_HEADERS, UpvoteResultSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { hfErrorResponse } from '../hf-error-schema.js';
import { InvalidParameter, PAPER_ID_PATHS, choiceParam, integerParam, paperIdOf, rejectInvalid } from '../request-params.js';
import { actorOf } from '../viewer.js';

export const API_DEFAULT_LIMIT = 50;
export const API_MAX_LIMIT = 100;
/** Hugging Face's bounds for its paper listing and search: 1–120 per request. */
export const HF_MAX_LIMIT = 120;

/** The cursor of `/api/papers` is opaque to clients: base64url of the last paper's first feed day and id. */
function encodeCursor(cursor: ListingCursor): string {
  return Buffer.from(JSON.stringify([cursor.day, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string): ListingCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { day: value[0], id: value[1] };
    }
  } catch {
    // falls through to the refusal below
  }
  throw new InvalidParameter('cursor', 'cursor is not a cursor this API handed out');
}

const paperListQuery = z.object({
  cursor: z
    .string()
    .max(200, { error: 'cursor is not a cursor this API handed out' })
    .optional()
    .meta({ description: 'Where to continue: the value from the previous page\'s Link: rel="next" URL.' }),
  limit: integerParam('limit', 1, HF_MAX_LIMIT, API_DEFAULT_LIMIT, 'Papers per page.'),
});

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
    sort: choiceParam(
      'sort',
      ['upvotes', 'publishedAt', 'trending'],
      'upvotes',
      "Order of the papers. Default: Hugging Face's order, most upvoted first (ties: newest arXiv publication first).",
    ),
    submitter: z
      .string()
      .max(64, { error: 'submitter must be a username' })
      .optional()
      .meta({ description: 'Only papers submitted by this user. Without date, week or month: from every day.' }),
  })
  .refine((q) => [q.date, q.week, q.month].filter((v) => v !== undefined).length <= 1, {
    error: 'give at most one of date, week and month',
  });

/** The requested period; 'all' when a submitter's papers are asked for without one. */
async function requestedPeriod(
  c: Context<AppEnv>,
  query: { date?: string; week?: string; month?: string; submitter?: string },
): Promise<FeedPeriod | 'all' | null> {
  if (query.date !== undefined) return dayPeriod(query.date);
  if (query.week !== undefined) return weekPeriod(query.week);
  if (query.month !== undefined) return monthPeriod(query.month);
  if (query.submitter !== undefined) return 'all';
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
      400: hfErrorResponse('A malformed parameter.'),
      429: hfErrorResponse('Rate limited.'),
    },
  }),
  validator('query', dailyPapersQuery, rejectInvalid),
  async (c) => {
    const query = c.req.valid('query');
    const period = await requestedPeriod(c, query);
    const { limit, p: page, sort, submitter } = query;
    if (!period) return c.json([]);
    // The answer is the same for every caller, so it is cached like anonymous pages (cleared on every write).
    const { pageCache, store } = c.get('deps');
    const key = `api:daily:${period === 'all' ? 'all' : period.key}:${sort}:${limit}:${page}:${JSON.stringify(submitter ?? null)}`;
    let cached = pageCache.get(key);
    if (cached === null) {
      const listing = await listPapers(store.db, {
        ...(period === 'all' ? {} : { range: { from: period.from, to: period.to } }),
        ...(submitter === undefined ? {} : { submitter }),
        sort,
        limit,
        offset: page * limit,
      });
      cached = `${listing.total}\n${JSON.stringify(listing.items.map(apiDailyEntry))}`;
      pageCache.set(key, cached);
    }
    const split = cached.indexOf('\n');
    c.header('X-Total-Count', cached.slice(0, split));
    return c.body(cached.slice(split + 1), 200, { 'content-type': 'application/json; charset=utf-8' });
  },
);

apiRoutes.get(
  '/api/papers',
  describeRoute({
    summary: 'Every featured paper, newest feed day first, with cursor pagination',
    description: 'Follow the `Link: <…>; rel="next"` header (as GitHub and Hugging Face do) until it is absent.',
    operationId: 'listPapers',
    responses: {
      200: jsonResponse(z.array(PaperSchema), 'One page of papers.', {
        ...RATE_LIMIT_HEADERS,
        Link: { description: 'The next page, as rel="next"; absent on the last page.', schema: { type: 'string' } },
      }),
      400: hfErrorResponse('A malformed cursor or limit.'),
      429: hfErrorResponse('Rate limited.'),
    },
  }),
  validator('query', paperListQuery, rejectInvalid),
  async (c) => {
    const { cursor, limit } = c.req.valid('query');
    const after = cursor === undefined || cursor === '' ? undefined : decodeCursor(cursor);
    // One more than asked shows whether a next page exists without counting.
    const listing = await listPapers(c.get('deps').store.db, {
      sort: 'featured',
      limit: limit + 1,
      offset: 0,
      ...(after ? { after } : {}),
    });
    const items = listing.items.slice(0, limit);
    const last = items.at(-1);
    if (listing.items.length > limit && last?.day) {
      const next = new URL(c.req.url);
      next.search = new URLSearchParams({ cursor: encodeCursor({ day: last.day, id: last.paper.id }), limit: String(limit) }).toString();
      c.header('Link', `<${next.toString()}>; rel="next"`);
    }
    return c.json(items.map(apiPaper));
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
          404: hfErrorResponse('No such paper.'),
          429: hfErrorResponse('Rate limited.'),
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
