import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { Refused } from '../../refused.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { FOLLOW_KINDS, MAX_AUTHOR_NAME_LENGTH, MAX_FOLLOWED_QUERY_LENGTH, MAX_FOLLOWS, MAX_RATINGS } from '../../signals/signal-limits.js';
import { followsOf, ratingsOf } from '../../signals/signals.repository.js';
import { clearRating, follow, ratePaper, unfollow } from '../../signals/signals.service.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import type { AppEnv } from '../env.js';
import { requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { arxivIdFormField, PAPER_ID_PATHS, paperIdOf, rejectInvalid } from '../request-params.js';
import { actorOf, pageContext, safeNext } from '../viewer.js';
import { followingPage } from '../views/following-page.js';

/** The longest follow value any kind accepts; each kind checks its own bound in the use-case. */
const MAX_FOLLOW_VALUE_LENGTH = Math.max(MAX_AUTHOR_NAME_LENGTH, MAX_FOLLOWED_QUERY_LENGTH);

const paperField = arxivIdFormField();
const kindField = z.enum(FOLLOW_KINDS, { error: 'kind must be author, category or query' });
const valueField = z
  .string({ error: 'value is required' })
  .max(MAX_FOLLOW_VALUE_LENGTH, { error: `value can be at most ${MAX_FOLLOW_VALUE_LENGTH} characters` });

const rateForm = z.object({
  paper: paperField,
  value: z.enum(['1', '-1', '0'], { error: 'value must be 1, -1 or 0' }),
  next: z.string().optional(),
});
const followForm = z.object({ kind: kindField, value: valueField, next: z.string().optional() });

const RatingSchema = z
  .object({
    paperId: z.string().meta({ examples: ['2501.12345'] }),
    value: z.union([z.literal(1), z.literal(-1)]).meta({ description: '1: more like this; -1: less like this.' }),
    ratedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ ref: 'Rating', description: 'Your private rating of a paper (not a public upvote).' });
const rateBody = z.object({
  paperId: z.string({ error: 'paperId is required' }).meta({ description: 'An arXiv id.', examples: ['2501.12345'] }),
  value: z
    .union([z.literal(1), z.literal(-1), z.literal(0)], { error: 'value must be 1, -1 or 0' })
    .meta({ description: '1: more like this; -1: less like this; 0 clears the rating.' }),
});
const FollowSchema = z
  .object({
    kind: kindField,
    value: z.string().meta({ description: 'Author name as written, arXiv category (cs.CV) or a query in the query language.' }),
    followedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ ref: 'Follow', description: 'An author, category or saved search you follow (private).' });
const followBody = z.object({
  kind: kindField.meta({ description: 'author, category or query (a saved search).' }),
  value: valueField.meta({
    description: `Author name (at most ${MAX_AUTHOR_NAME_LENGTH} characters), arXiv category, or a query (at most ${MAX_FOLLOWED_QUERY_LENGTH}).`,
    examples: ['Ada Lovelace', 'cs.CV', 'diffusion "video generation"'],
  }),
});
const unauthorized = errorResponse('Not signed in and no API token.');
const forbidden = errorResponse('CSRF token missing or wrong (cookie sessions), read-only token, or the account is banned.');

export const signalsRoutes = new Hono<AppEnv>()
  .post('/ratings', requireUser, rateLimit('signals', RATE_LIMITS.vote), validator('form', rateForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    const actor = actorOf(c.get('user')!);
    if (form.value === '0') await clearRating(c.get('deps'), actor, { paperId: form.paper });
    else await ratePaper(c.get('deps'), actor, { paperId: form.paper, value: form.value === '1' ? 1 : -1 });
    return c.redirect(safeNext(form.next, `/papers/${form.paper}`), 303);
  })
  .get('/following', requireUser, async (c) => {
    const follows = await followsOf(c.get('deps').store.db, c.get('user')!.id);
    return c.html(followingPage({ page: pageContext(c), follows }));
  })
  .post('/following/add', requireUser, rateLimit('signals', RATE_LIMITS.vote), validator('form', followForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    await follow(c.get('deps'), actorOf(c.get('user')!), { kind: form.kind, value: form.value });
    return c.redirect(safeNext(form.next, '/following'), 303);
  })
  .post(
    '/following/remove',
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('form', followForm, rejectInvalid),
    async (c) => {
      const form = c.req.valid('form');
      await unfollow(c.get('deps'), actorOf(c.get('user')!), { kind: form.kind, value: form.value });
      return c.redirect(safeNext(form.next, '/following'), 303);
    },
  )
  .get(
    '/api/me/ratings',
    describeRoute({
      summary: 'Your ratings',
      description: 'Every paper you rated "more like this" (1) or "less like this" (-1), most recent first. Private.',
      operationId: 'listRatings',
      responses: { 200: jsonResponse(z.array(RatingSchema), 'Your ratings.'), 401: unauthorized },
    }),
    requireUser,
    async (c) => c.json(await ratingsOf(c.get('deps').store.db, c.get('user')!.id)),
  )
  .post(
    '/api/me/ratings',
    describeRoute({
      summary: 'Rate a paper "more like this" or "less like this", or clear the rating (value 0)',
      description: `Private and separate from public upvotes. At most ${MAX_RATINGS} rated papers per reader.`,
      operationId: 'ratePaper',
      responses: {
        200: jsonResponse(
          z.object({ paperId: z.string(), value: z.union([z.literal(1), z.literal(-1), z.literal(0)]) }),
          'The rating now.',
        ),
        400: errorResponse('Invalid paper id or value.'),
        401: unauthorized,
        403: forbidden,
        404: errorResponse('No such paper.'),
        409: errorResponse(`Already ${MAX_RATINGS} rated papers.`),
      },
    }),
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('json', rateBody, rejectInvalid),
    async (c) => {
      const body = c.req.valid('json');
      const id = parseArxivId(body.paperId)?.id;
      if (!id) throw new Refused('invalid', 'paperId must be an arXiv id.');
      const actor = actorOf(c.get('user')!);
      if (body.value === 0) await clearRating(c.get('deps'), actor, { paperId: id });
      else await ratePaper(c.get('deps'), actor, { paperId: id, value: body.value });
      return c.json({ paperId: id, value: body.value });
    },
  )
  .get(
    '/api/me/follows',
    describeRoute({
      summary: 'What you follow',
      description: 'Your followed authors, categories and saved searches. Private.',
      operationId: 'listFollows',
      responses: { 200: jsonResponse(z.array(FollowSchema), 'Your follows.'), 401: unauthorized },
    }),
    requireUser,
    async (c) => c.json(await followsOf(c.get('deps').store.db, c.get('user')!.id)),
  )
  .post(
    '/api/me/follows',
    describeRoute({
      summary: 'Follow an author, an arXiv category or a saved search (idempotent)',
      description: `At most ${MAX_FOLLOWS} follows per reader.`,
      operationId: 'follow',
      responses: {
        200: jsonResponse(z.object({ kind: kindField, value: z.string(), created: z.boolean() }), 'The follow as stored.'),
        400: errorResponse('Unknown kind, or a value that is not an author name, arXiv category or usable query.'),
        401: unauthorized,
        403: forbidden,
        409: errorResponse(`Already ${MAX_FOLLOWS} follows.`),
      },
    }),
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('json', followBody, rejectInvalid),
    async (c) => {
      const body = c.req.valid('json');
      const result = await follow(c.get('deps'), actorOf(c.get('user')!), body);
      return c.json({ kind: body.kind, value: result.value, created: result.created });
    },
  )
  .delete(
    '/api/me/follows',
    describeRoute({
      summary: 'Stop following an author, category or saved search (idempotent)',
      operationId: 'unfollow',
      responses: {
        200: jsonResponse(z.object({ kind: kindField, value: z.string(), removed: z.boolean() }), 'Whether it was followed.'),
        400: errorResponse('Unknown kind or missing value.'),
        401: unauthorized,
        403: forbidden,
      },
    }),
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('json', followBody, rejectInvalid),
    async (c) => {
      const body = c.req.valid('json');
      const result = await unfollow(c.get('deps'), actorOf(c.get('user')!), body);
      return c.json({ kind: body.kind, value: result.value, removed: result.removed });
    },
  );

for (const [index, path] of PAPER_ID_PATHS.entries()) {
  signalsRoutes.delete(
    `/api/me/ratings/${path}`,
    describeRoute({
      summary: 'Clear your rating of a paper (idempotent)',
      operationId: 'clearRating',
      hide: index > 0,
      responses: {
        200: jsonResponse(z.object({ paperId: z.string(), cleared: z.boolean() }), 'Whether the paper had a rating.'),
        401: unauthorized,
        403: forbidden,
      },
    }),
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    async (c) => {
      const id = paperIdOf(c);
      const cleared = await clearRating(c.get('deps'), actorOf(c.get('user')!), { paperId: id });
      return c.json({ paperId: id, cleared });
    },
  );
}
