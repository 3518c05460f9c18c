import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { votedPaperIds } from '../../community/votes.repository.js';
import { latestFeedDay } from '../../feed/feed.repository.js';
import { getListedPapers, type ListedPaper } from '../../feed/paper-listing.js';
import { dayPeriod, monthPeriod, shiftPeriod, weekKeyOf, weekPeriod, type FeedPeriod } from '../../feed/period.js';
import {
  addAuthoredPapers,
  authoredPaperIds,
  MAX_AUTHORED_PER_REQUEST,
  papersByAuthorName,
  removeAuthoredPaper,
  splitIds,
} from '../../foryou/authored-papers.js';
import { followCategories, suggestedCategories } from '../../foryou/cold-start.js';
import { MAX_RECOMMENDATIONS, recommendationsFor } from '../../foryou/recommendations.js';
import type { ForYouReason } from '../../foryou/reasons.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { followsOf } from '../../signals/signals.repository.js';
import { DailyPaperSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { apiDailyEntry } from '../api-shapes.js';
import type { AppEnv } from '../env.js';
import { requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { arxivIdFormField, integerParam, rejectInvalid } from '../request-params.js';
import { actorOf, pageContext, safeNext } from '../viewer.js';
import { forYouPage, forYouPath } from '../views/foryou-page.js';

const PAGE_SIZE = 30;

const periodFields = {
  date: z
    .string()
    .refine((v) => dayPeriod(v) !== null, { error: 'date must be YYYY-MM-DD' })
    .optional()
    .meta({ description: 'A day, YYYY-MM-DD.', format: 'date' }),
  week: z
    .string()
    .refine((v) => weekPeriod(v) !== null, { error: 'week must be an ISO week like 2025-W03' })
    .optional()
    .meta({ description: 'An ISO week, YYYY-Www. Default: the week of the latest feed day.' }),
  month: z
    .string()
    .refine((v) => monthPeriod(v) !== null, { error: 'month must be YYYY-MM' })
    .optional()
    .meta({ description: 'A month, YYYY-MM.' }),
};
const onePeriod = (q: { date?: string; week?: string; month?: string }) =>
  [q.date, q.week, q.month].filter((v) => v !== undefined).length <= 1;
const ONE_PERIOD = { error: 'give at most one of date, week and month' };

const recommendationsQuery = z
  .object({ ...periodFields, limit: integerParam('limit', 1, MAX_RECOMMENDATIONS, 20, 'Papers to return, best first.') })
  .refine(onePeriod, ONE_PERIOD);
const pageQuery = z
  .object({
    ...periodFields,
    author: z.string().max(200, { error: 'author can be at most 200 characters' }).optional(),
    added: z.coerce.number().int().min(0).max(MAX_AUTHORED_PER_REQUEST).optional(),
    skipped: z.coerce.number().int().min(0).max(MAX_AUTHORED_PER_REQUEST).optional(),
  })
  .refine(onePeriod, ONE_PERIOD);

const listField = z.union([z.string(), z.array(z.string())]).optional();
const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const categoriesForm = z.object({ 'category[]': listField, next: z.string().optional() });
const papersForm = z.object({ ids: z.string().max(5_000).optional(), 'paper[]': listField, next: z.string().optional() });
const removeForm = z.object({ paper: arxivIdFormField(), next: z.string().optional() });

const ReasonSchema = z
  .object({
    text: z.string().meta({ description: 'The reason as a sentence.' }),
    closeTo: z
      .object({
        paperId: z.string(),
        title: z.string(),
        source: z.enum(['library', 'rating', 'upvote', 'authored']),
        closeness: z.number().meta({ description: 'Cosine of the two TF-IDF vectors, 0–1.' }),
      })
      .nullable()
      .meta({ description: 'The paper of your profile it is closest to.' }),
    words: z.array(z.string()).meta({ description: 'Words and word pairs that weighed most in your model.' }),
    authors: z.array(z.string()).meta({ description: 'Authors of the paper you follow.' }),
    categories: z.array(z.string()).meta({ description: 'Its categories you follow.' }),
    searches: z.array(z.string()).meta({ description: 'Your saved searches it matches.' }),
    popular: z.boolean().meta({ description: 'True when you have no signals yet: a popular paper of the period.' }),
  })
  .meta({ ref: 'RecommendationReason' });
const RecommendationSchema = DailyPaperSchema.extend({ reason: ReasonSchema }).meta({
  ref: 'Recommendation',
  description: 'A daily-papers entry (as /api/daily_papers) plus why it was recommended to you.',
});

function requestedPeriod(query: { date?: string; week?: string; month?: string }): FeedPeriod | null {
  if (query.date !== undefined) return dayPeriod(query.date);
  if (query.week !== undefined) return weekPeriod(query.week);
  if (query.month !== undefined) return monthPeriod(query.month);
  return null;
}

/** Without a period: the week of the latest feed day (or of today on an empty instance). */
async function periodOrDefault(c: Context<AppEnv>, query: { date?: string; week?: string; month?: string }): Promise<FeedPeriod> {
  const asked = requestedPeriod(query);
  if (asked) return asked;
  const { store, now } = c.get('deps');
  const day = (await latestFeedDay(store.db)) ?? now().toISOString().slice(0, 10);
  return weekPeriod(weekKeyOf(day))!;
}

function neighbour(period: FeedPeriod, steps: 1 | -1): string | null {
  const shifted = shiftPeriod(period, steps);
  return shifted ? forYouPath(shifted) : null;
}

async function listedInOrder(c: Context<AppEnv>, ids: readonly string[]): Promise<ListedPaper[]> {
  const listed = await getListedPapers(c.get('deps').store.db, ids);
  return ids.map((id) => listed.get(id)).filter((p): p is ListedPaper => p !== undefined && !p.paper.hidden);
}

export const forYouRoutes = new Hono<AppEnv>()
  .get('/for-you', requireUser, validator('query', pageQuery, rejectInvalid), async (c) => {
    const query = c.req.valid('query');
    const deps = c.get('deps');
    const user = c.get('user')!;
    const period = await periodOrDefault(c, query);
    const result = await recommendationsFor(deps, actorOf(user), { period, limit: PAGE_SIZE });
    const ids = result.items.map((i) => i.listed.paper.id);
    const authorName = (query.author ?? '').trim();
    const [voted, saved, follows, categories, authoredIds, hitIds] = await Promise.all([
      votedPaperIds(deps.store.db, user.id, ids),
      savedPaperIds(deps.store.db, user.id, ids),
      followsOf(deps.store.db, user.id),
      suggestedCategories(deps.forYou, period),
      authoredPaperIds(deps.store.db, user.id),
      authorName === '' ? Promise.resolve([]) : papersByAuthorName(deps.search, authorName),
    ]);
    const followed = new Set(follows.filter((f) => f.kind === 'category').map((f) => f.value));
    const mine = new Set(authoredIds);
    const [authored, authorHits] = await Promise.all([
      listedInOrder(c, authoredIds),
      listedInOrder(
        c,
        hitIds.filter((id) => !mine.has(id)),
      ),
    ]);
    return c.html(
      forYouPage({
        page: pageContext(c),
        period,
        previous: neighbour(period, -1),
        next: neighbour(period, 1),
        result,
        voted,
        saved,
        coldStart: {
          categories: categories.map((value) => ({ value, followed: followed.has(value) })),
          authored,
          authorName,
          authorHits,
          added: query.added ?? null,
          skipped: query.skipped ?? null,
        },
      }),
    );
  })
  .post(
    '/for-you/categories',
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('form', categoriesForm, rejectInvalid),
    async (c) => {
      const form = c.req.valid('form');
      await followCategories(c.get('deps'), actorOf(c.get('user')!), { categories: asList(form['category[]']) });
      return c.redirect(safeNext(form.next, '/for-you'), 303);
    },
  )
  .post('/for-you/papers', requireUser, rateLimit('signals', RATE_LIMITS.vote), validator('form', papersForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    const ids = [...splitIds(form.ids ?? ''), ...asList(form['paper[]'])];
    const outcome = await addAuthoredPapers(c.get('deps'), actorOf(c.get('user')!), { ids });
    const back = new URL(safeNext(form.next, '/for-you'), 'http://next.invalid');
    back.searchParams.delete('author');
    back.searchParams.set('added', String(outcome.added.length));
    back.searchParams.set('skipped', String(outcome.skipped.length));
    return c.redirect(back.pathname + back.search, 303);
  })
  .post(
    '/for-you/papers/remove',
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('form', removeForm, rejectInvalid),
    async (c) => {
      const form = c.req.valid('form');
      await removeAuthoredPaper(c.get('deps'), actorOf(c.get('user')!), { paperId: form.paper });
      return c.redirect(safeNext(form.next, '/for-you'), 303);
    },
  )
  .get(
    '/api/me/recommendations',
    describeRoute({
      summary: 'For you: the papers of a day, week or month ranked for you, with reasons',
      description:
        'Every visible paper published or featured in the period (not only the feed), minus papers you saved, rated, ' +
        'upvoted or named as yours, ranked by a model of your library, ratings, upvotes and papers, boosted by your ' +
        'follows. Without signals: the popular papers of the period (reason.popular). Private to you.',
      operationId: 'listRecommendations',
      responses: {
        200: jsonResponse(z.array(RecommendationSchema), 'Your recommendations, best first.'),
        400: errorResponse('A malformed period or limit.'),
        401: errorResponse('Not signed in and no API token.'),
        403: errorResponse('The account is banned.'),
      },
    }),
    requireUser,
    validator('query', recommendationsQuery, rejectInvalid),
    async (c) => {
      const query = c.req.valid('query');
      const period = await periodOrDefault(c, query);
      const result = await recommendationsFor(c.get('deps'), actorOf(c.get('user')!), { period, limit: query.limit });
      const body: (ReturnType<typeof apiDailyEntry> & { reason: ForYouReason })[] = result.items.map(({ listed, reason }) => ({
        ...apiDailyEntry(listed),
        reason,
      }));
      return c.json(body);
    },
  );
