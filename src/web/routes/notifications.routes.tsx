import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import {
  markNotificationsRead,
  MAX_MARK_READ_IDS,
  notificationsOf,
  NOTIFICATIONS_PER_PAGE,
  setNotificationEmail,
  unsubscribeFromNotificationEmails,
} from '../../notifications/notifications.service.js';
import { notificationPath } from '../../notifications/describe.js';
import { UNREAD_COUNT_CAP } from '../../notifications/notifications.repository.js';
import { Refused } from '../../refused.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import type { AppEnv } from '../env.js';
import { requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { choiceParam, integerParam, rejectInvalid } from '../request-params.js';
import { pageContext, safeNext } from '../viewer.js';
import { notificationsPage, notificationUnsubscribePage } from '../views/notifications-page.js';

const PAGE_ERROR = 'p must be a page number from 1';
const pageQuery = z.object({ page: integerParam('page', 1, 10_000, 1, 'Page number, from 1.') });
/** `?p=` without a documented maximum: the listing needs a session, so a bound could not be shown to hold to visitors. */
const apiPage = z
  .preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ error: PAGE_ERROR }).min(1, { error: PAGE_ERROR }).refine(Number.isSafeInteger, { error: PAGE_ERROR }).default(1),
  )
  .meta({ description: 'Page number, from 1.' });
const apiQuery = z.object({
  p: apiPage,
  unread: choiceParam('unread', ['0', '1'], '0', '1: only unread notifications.'),
});
const readForm = z.object({
  id: integerParam('id', 1, Number.MAX_SAFE_INTEGER, 0, 'The notification to mark read.').optional(),
  all: z.string().optional(),
  next: z.string().optional(),
});
const readBody = z
  .object({
    ids: z
      .array(z.number().int().positive(), { error: 'ids must be a list of notification ids' })
      .max(MAX_MARK_READ_IDS, { error: `ids can name at most ${MAX_MARK_READ_IDS} notifications` })
      .optional()
      .meta({ description: `Notifications to mark read (at most ${MAX_MARK_READ_IDS}); ids of others' notifications change nothing.` }),
    all: z.literal(true, { error: 'all must be true when given' }).optional().meta({ description: 'Mark every notification read.' }),
  })
  .refine((body) => body.ids !== undefined || body.all === true, { error: 'give ids or "all": true' });
const emailForm = z.object({ email: z.enum(['on', 'off'], { error: 'email must be on or off' }) });
const tokenQuery = z.object({ token: z.string().max(200).default('') });

const NotificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['reply', 'mention', 'followed-author']),
    paperId: z.string().meta({ examples: ['2501.12345'] }),
    paperTitle: z.string(),
    commentId: z.number().int().nullable().meta({ description: 'The reply or mentioning comment; null for papers.' }),
    actor: z.string().nullable().meta({ description: 'Who wrote the comment; null for papers and removed comments.' }),
    excerpt: z.string().nullable().meta({ description: 'The comment text; null for papers and removed comments.' }),
    url: z.string().meta({ description: 'Where it leads: the comment in its thread, or the paper.' }),
    createdAt: z.string().meta({ format: 'date-time' }),
    readAt: z.string().nullable().meta({ format: 'date-time' }),
  })
  .meta({ ref: 'Notification', description: 'A reply to your comment, a mention, or a new paper by an author you follow.' });
const unreadCount = z
  .number()
  .int()
  .meta({ description: `Unread notifications, counted up to ${UNREAD_COUNT_CAP}.` });
const unauthorized = errorResponse('Not signed in and no API token.');

export const notificationsRoutes = new Hono<AppEnv>()
  .get('/notifications', requireUser, validator('query', pageQuery, rejectInvalid), async (c) => {
    const list = await notificationsOf(c.get('deps'), c.get('user')!, { page: c.req.valid('query').page });
    c.header('Cache-Control', 'no-store');
    return c.html(notificationsPage({ page: pageContext(c), list }));
  })
  .post(
    '/notifications/read',
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('form', readForm, rejectInvalid),
    async (c) => {
      const form = c.req.valid('form');
      if (form.all === '1') await markNotificationsRead(c.get('deps'), c.get('user')!, { all: true });
      else if (form.id) await markNotificationsRead(c.get('deps'), c.get('user')!, { ids: [form.id] });
      else throw new Refused('invalid', 'Say which notification to mark read.');
      return c.redirect(safeNext(form.next, '/notifications'), 303);
    },
  )
  .post('/settings/notifications', requireUser, validator('form', emailForm, rejectInvalid), async (c) => {
    const enabled = c.req.valid('form').email === 'on';
    await setNotificationEmail(c.get('deps'), c.get('user')!, { enabled });
    return c.redirect(`/settings?notice=notification-email-${enabled ? 'on' : 'off'}`, 303);
  })
  .get('/notifications/unsubscribe', validator('query', tokenQuery, rejectInvalid), (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(notificationUnsubscribePage({ page: pageContext(c), token: c.req.valid('query').token, done: false }));
  })
  // RFC 8058 one-click: mail clients POST here without a session; the signed token is the authority (CSRF-exempt).
  .post('/notifications/unsubscribe', validator('query', tokenQuery, rejectInvalid), async (c) => {
    await unsubscribeFromNotificationEmails(c.get('deps'), { token: c.req.valid('query').token });
    c.header('Cache-Control', 'no-store');
    return c.html(notificationUnsubscribePage({ page: pageContext(c), token: '', done: true }));
  })
  .get(
    '/api/me/notifications',
    describeRoute({
      summary: 'Your notifications',
      description: `Replies to your comments, mentions and new papers by authors you follow, newest first, ${NOTIFICATIONS_PER_PAGE} a page, with the unread count. Private.`,
      operationId: 'listNotifications',
      responses: {
        200: jsonResponse(
          z.object({
            notifications: z.array(NotificationSchema),
            unreadCount,
            page: z.number().int(),
            perPage: z.number().int(),
            total: z.number().int(),
            hasMore: z.boolean(),
          }),
          'One page of your notifications.',
        ),
        400: errorResponse('Invalid page or unread parameter.'),
        401: unauthorized,
      },
    }),
    validator('query', apiQuery, rejectInvalid),
    requireUser,
    async (c) => {
      const query = c.req.valid('query');
      const list = await notificationsOf(c.get('deps'), c.get('user')!, { page: query.p, unreadOnly: query.unread === '1' });
      const publicUrl = c.get('config').publicUrl;
      return c.json({
        notifications: list.items.map((item) => ({
          id: item.id,
          kind: item.kind,
          paperId: item.paperId,
          paperTitle: item.paperTitle,
          commentId: item.commentId,
          actor: item.actor,
          excerpt: item.commentBody,
          url: `${publicUrl}${notificationPath(item)}`,
          createdAt: item.createdAt,
          readAt: item.readAt,
        })),
        unreadCount: list.unread,
        page: list.page,
        perPage: list.perPage,
        total: list.total,
        hasMore: list.hasMore,
      });
    },
  )
  .post(
    '/api/me/notifications/read',
    describeRoute({
      summary: 'Mark notifications read',
      description: 'Marks the named notifications, or all of them (`{"all": true}`), read. Only your own notifications change.',
      operationId: 'markNotificationsRead',
      responses: {
        200: jsonResponse(z.object({ marked: z.number().int(), unreadCount }), 'How many changed, and what is left unread.'),
        400: errorResponse('Neither ids nor "all": true, or too many ids.'),
        401: unauthorized,
        403: errorResponse('CSRF token missing or wrong (cookie sessions), or a read-only token.'),
      },
    }),
    requireUser,
    rateLimit('signals', RATE_LIMITS.vote),
    validator('json', readBody, rejectInvalid),
    async (c) => {
      const body = c.req.valid('json');
      const result = await markNotificationsRead(c.get('deps'), c.get('user')!, body.all ? { all: true } : { ids: body.ids ?? [] });
      return c.json({ marked: result.marked, unreadCount: result.unread });
    },
  );
