import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import type { User } from '../../accounts/user.js';
import { FREQUENCIES, MAX_TOPICS_LENGTH, SubscriptionInputError } from '../../digests/subscription.js';
import {
  confirmSubscription,
  subscribeToDigest,
  unsubscribe,
  updateSubscriptionSettings,
  type SubscriberActor,
} from '../../digests/subscriptions.service.js';
import { requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import { rejectInvalid } from '../request-params.js';
import { pageContext } from '../viewer.js';
import { checkInboxPage, confirmPage, messagePage, subscriptionSettingsPage, unsubscribePage } from '../views/subscription-pages.js';

/** Each client may ask for this many confirmation mails per hour: enough for typos, too few to bomb an inbox. */
const SUBSCRIBE_LIMIT = { limit: 10, windowMs: 60 * 60_000 };

const PENDING_MESSAGE =
  'If this address is not subscribed yet, a confirmation link is on its way. Nothing else is sent until it is confirmed.';

/*
 * Field values are checked by the subscription use-cases (their errors name the field and re-render the forms),
 * so these schemas only fix the fields' types.
 */
const subscribeForm = z.object({ email: z.string().default(''), frequency: z.string().optional(), topics: z.string().optional() });
const subscribeJson = z.object({
  email: z.string({ error: 'email is required' }).meta({ format: 'email' }),
  frequency: z
    .string()
    .optional()
    .meta({ description: `One of ${FREQUENCIES.join(', ')}; default daily.` }),
  topics: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .meta({ description: `A saved search (at most ${MAX_TOPICS_LENGTH} characters), or a list of arXiv categories.` }),
});
const settingsForm = z.object({
  frequency: z.string().optional(),
  topics: z.string().optional(),
  max_papers: z.string().optional(),
  digest_kinds: z.string().optional(),
  paused: z.string().optional(),
});
const tokenQuery = z.object({ token: z.string().default('') });
const noticeQuery = z.object({ notice: z.string().optional() });
const NOTICES: Record<string, string> = { saved: 'Your digest settings are saved.', unsubscribed: 'You are unsubscribed.' };

function invalidLink(c: Context<AppEnv>, what: string) {
  return c.html(messagePage(pageContext(c), 'Link not valid', `This ${what} link is not valid or has expired.`), 400);
}

function subscriberOf(user: User | null): SubscriberActor | null {
  return user ? { userId: user.id, email: user.email } : null;
}

function signedIn(c: Context<AppEnv>): SubscriberActor {
  const user = c.get('user');
  if (!user) throw new Error('requireUser must run before the subscription settings');
  return { userId: user.id, email: user.email };
}

/** The RFC 8058 one-click body may be anything a mail client sends; only a token field in it matters. */
async function formToken(c: Context<AppEnv>): Promise<string> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return typeof body.token === 'string' ? body.token : '';
}

export const subscriptionRoutes = new Hono<AppEnv>()
  .use('/settings/subscription', requireUser)
  .use('/settings/subscription/*', requireUser)
  .post('/subscribe', rateLimit('subscribe', SUBSCRIBE_LIMIT), validator('form', subscribeForm, rejectInvalid), async (c) => {
    const page = pageContext(c);
    try {
      const { email } = await subscribeToDigest(c.get('deps'), subscriberOf(c.get('user')), c.req.valid('form'));
      return c.html(checkInboxPage(page, email), 202);
    } catch (error) {
      // The form's answer comes back inline.
      if (error instanceof SubscriptionInputError) return c.html(messagePage(page, 'Subscription not saved', error.message), 422);
      throw error;
    }
  })
  .post(
    '/api/subscriptions',
    describeRoute({
      summary: 'Subscribe an email address to the trending-papers digest (double opt-in)',
      operationId: 'subscribe',
      responses: {
        202: jsonResponse(
          z.object({ status: z.literal('pending_confirmation'), message: z.string() }),
          'A confirmation link was emailed (the same answer whatever state the address is in).',
        ),
        400: errorResponse('Invalid JSON, email, frequency or topics; `field` names the field.'),
        429: errorResponse('Rate limited.'),
      },
    }),
    rateLimit('subscribe', SUBSCRIBE_LIMIT),
    validator('json', subscribeJson, rejectInvalid),
    async (c) => {
      await subscribeToDigest(c.get('deps'), subscriberOf(c.get('user')), c.req.valid('json'));
      return c.json({ status: 'pending_confirmation', message: PENDING_MESSAGE }, 202);
    },
  )
  .get('/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const pending = await c.get('deps').subscriptions.findPendingByToken(token);
    if (!pending) return invalidLink(c, 'confirmation');
    c.header('Cache-Control', 'no-store');
    return c.html(confirmPage(pageContext(c), token, pending));
  })
  .post('/confirm/:token', async (c) => {
    const confirmed = await confirmSubscription(c.get('deps'), subscriberOf(c.get('user')), { token: c.req.param('token') });
    if (!confirmed) return invalidLink(c, 'confirmation');
    return c.html(
      messagePage(
        pageContext(c),
        'You are subscribed',
        `The ${confirmed.frequency} digest will be sent to ${confirmed.email}. Every digest has a one-click unsubscribe link.`,
      ),
    );
  })
  .get('/unsubscribe', validator('query', tokenQuery, rejectInvalid), async (c) => {
    const { token } = c.req.valid('query');
    const subscription = await c.get('deps').subscriptions.findByUnsubscribeToken(token);
    if (!subscription) return invalidLink(c, 'unsubscribe');
    c.header('Cache-Control', 'no-store');
    if (subscription.status === 'unsubscribed')
      return c.html(messagePage(pageContext(c), 'Unsubscribed', `${subscription.email} receives no more digests.`));
    return c.html(unsubscribePage(pageContext(c), token, subscription.email));
  })
  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL. The signed
  // token authenticates the request, so it is exempt from the CSRF check (see app.ts).
  .post('/unsubscribe', validator('query', tokenQuery, rejectInvalid), async (c) => {
    const token = c.req.valid('query').token || (await formToken(c));
    const subscription = await unsubscribe(c.get('deps'), subscriberOf(c.get('user')), { token });
    if (!subscription) return invalidLink(c, 'unsubscribe');
    return c.html(messagePage(pageContext(c), 'Unsubscribed', `${subscription.email} receives no more digests.`));
  })
  .get('/settings/subscription', validator('query', noticeQuery, rejectInvalid), async (c) => {
    const user = signedIn(c);
    const subscription = await c.get('deps').subscriptions.forUser(user.userId, user.email);
    c.header('Cache-Control', 'no-store');
    const notice = NOTICES[c.req.valid('query').notice ?? ''];
    return c.html(subscriptionSettingsPage({ page: pageContext(c), email: user.email, subscription, notice }));
  })
  .post('/settings/subscription', validator('form', settingsForm, rejectInvalid), async (c) => {
    const user = signedIn(c);
    const form = c.req.valid('form');
    try {
      const updated = await updateSubscriptionSettings(c.get('deps'), user, {
        frequency: form.frequency,
        topics: form.topics,
        maxPapers: form.max_papers,
        paused: form.paused,
        digestKinds: form.digest_kinds,
      });
      return c.redirect(updated ? '/settings/subscription?notice=saved' : '/settings/subscription', 303);
    } catch (error) {
      // The settings form comes back with the reason inline.
      if (!(error instanceof SubscriptionInputError)) throw error;
      const subscription = await c.get('deps').subscriptions.forUser(user.userId, user.email);
      return c.html(subscriptionSettingsPage({ page: pageContext(c), email: user.email, subscription, error: error.message }), 422);
    }
  })
  .post('/settings/subscription/unsubscribe', async (c) => {
    await unsubscribe(c.get('deps'), signedIn(c), { own: true });
    return c.redirect('/settings/subscription?notice=unsubscribed', 303);
  });
