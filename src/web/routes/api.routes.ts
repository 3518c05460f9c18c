import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { addVote, removeVote } from '../../community/votes.repository.js';
import { latestFeedDay } from '../../feed/feed.repository.js';
import { getListedPaper, listPapers, type ListingSort } from '../../feed/paper-listing.js';
import { dayPeriod, monthPeriod, weekPeriod, type FeedPeriod } from '../../feed/period.js';
import { requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { apiDailyEntry, apiPaper } from '../api-shapes.js';
import { pageCacheFor } from '../page-cache.js';
import { PAPER_ID_PATHS, paperIdFromParams } from '../request-params.js';

export const API_DEFAULT_LIMIT = 50;
export const API_MAX_LIMIT = 100;

export function apiError(c: Context<AppEnv>, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

class BadParameter extends Error {}

function integerParam(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new BadParameter(`${name} must be an integer between ${min} and ${max} (got "${raw.slice(0, 20)}")`);
  }
  return Number(raw);
}

async function requestedPeriod(c: Context<AppEnv>): Promise<FeedPeriod | null> {
  const { date, week, month } = c.req.query();
  const given = [date, week, month].filter((v) => v !== undefined);
  if (given.length > 1) throw new BadParameter('give at most one of date, week and month');
  if (date !== undefined) {
    const period = dayPeriod(date);
    if (!period) throw new BadParameter(`date must be YYYY-MM-DD (got "${date.slice(0, 20)}")`);
    return period;
  }
  if (week !== undefined) {
    const period = weekPeriod(week);
    if (!period) throw new BadParameter(`week must be an ISO week like 2025-W03 (got "${week.slice(0, 20)}")`);
    return period;
  }
  if (month !== undefined) {
    const period = monthPeriod(month);
    if (!period) throw new BadParameter(`month must be YYYY-MM (got "${month.slice(0, 20)}")`);
    return period;
  }
  // The latest day changes only with writes, so it lives in the write-invalidated cache too.
  const cache = pageCacheFor(c.get('deps').store);
  let latest = cache.get('latest-day');
  if (latest === null) {
    latest = (await latestFeedDay(c.get('deps').store.db)) ?? '';
    cache.set('latest-day', latest);
  }
  return latest ? dayPeriod(latest) : null;
}

function sortParam(raw: string | undefined): ListingSort {
  if (raw === undefined || raw === '' || raw === 'publishedAt') return 'publishedAt';
  if (raw === 'trending' || raw === 'upvotes') return raw;
  throw new BadParameter(`sort must be publishedAt, trending or upvotes (got "${raw.slice(0, 20)}")`);
}

async function vote(c: Context<AppEnv>, action: 'add' | 'remove') {
  const id = paperIdFromParams(c.req.param()).replace(/v\d+$/, '');
  const user = c.get('user')!;
  if (user.banned) return apiError(c, 403, 'forbidden', 'Your account is banned from voting.');
  const { store, now } = c.get('deps');
  const paper = await store.db.selectFrom('papers').select('id').where('id', '=', id).where('hidden', '=', 0).executeTakeFirst();
  if (!paper) return apiError(c, 404, 'not_found', `No paper with id ${id}.`);
  const result = await store.db
    .transaction()
    .execute((trx) => (action === 'add' ? addVote(trx, user.id, id, now().toISOString()) : removeVote(trx, user.id, id)));
  pageCacheFor(store).clear();
  return c.json({ id, upvotes: result.upvotes, upvoted: action === 'add', changed: result.changed });
}

export const apiRoutes = new Hono<AppEnv>();

apiRoutes.onError((error, c) => {
  if (error instanceof BadParameter) return apiError(c, 400, 'bad_request', error.message);
  throw error;
});

apiRoutes.get('/api/daily_papers', async (c) => {
  const period = await requestedPeriod(c);
  const limit = integerParam(c.req.query('limit'), 'limit', API_DEFAULT_LIMIT, 1, API_MAX_LIMIT);
  const page = integerParam(c.req.query('p'), 'p', 0, 0, 100_000);
  const sort = sortParam(c.req.query('sort'));
  if (!period) return c.json([]);
  // The answer is the same for every caller, so it is cached like anonymous pages (cleared on every write).
  const cache = pageCacheFor(c.get('deps').store);
  const key = `api:daily:${period.key}:${sort}:${limit}:${page}`;
  let cached = cache.get(key);
  if (cached === null) {
    const listing = await listPapers(c.get('deps').store.db, {
      range: { from: period.from, to: period.to },
      sort,
      limit,
      offset: page * limit,
    });
    cached = `${listing.total}\n${JSON.stringify(listing.items.map(apiDailyEntry))}`;
    cache.set(key, cached);
  }
  const split = cached.indexOf('\n');
  c.header('X-Total-Count', cached.slice(0, split));
  return c.body(cached.slice(split + 1), 200, { 'content-type': 'application/json; charset=utf-8' });
});

for (const path of PAPER_ID_PATHS) {
  apiRoutes
    .get(`/api/papers/${path}`, async (c) => {
      const id = paperIdFromParams(c.req.param()).replace(/v\d+$/, '');
      const item = await getListedPaper(c.get('deps').store.db, id);
      if (!item || item.paper.hidden) return apiError(c, 404, 'not_found', `No paper with id ${id}.`);
      return c.json(apiPaper(item));
    })
    .post(`/api/papers/${path}/upvote`, requireUser, rateLimit('vote', RATE_LIMITS.vote), (c) => vote(c, 'add'))
    .delete(`/api/papers/${path}/upvote`, requireUser, rateLimit('vote', RATE_LIMITS.vote), (c) => vote(c, 'remove'));
}
