import { Hono, type Context } from 'hono';
import { SubscriptionInputError, normaliseEmail, parseFrequency, parseMaxPapers, parseTopics } from '../../digests/subscription.js';
import { requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { pageContext } from '../viewer.js';
import { checkInboxPage, confirmPage, messagePage, subscriptionSettingsPage, unsubscribePage } from '../views/subscription-pages.js';

/** Each client may ask for this many confirmation mails per hour: enough for typos, too few to bomb an inbox. */
const SUBSCRIBE_LIMIT = { limit: 10, windowMs: 60 * 60_000 };

const PENDING_MESSAGE =
  'If this address is not subscribed yet, a confirmation link is on its way. Nothing else is sent until it is confirmed.';

async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
  return fields;
}

function invalidLink(c: Context<AppEnv>, what: string) {
  return c.html(messagePage(pageContext(c), 'Link not valid', `This ${what} link is not valid or has expired.`), 400);
}

/** A subscription is tied to the signed-in account only when it is for the account's own address. */
function ownerId(c: Context<AppEnv>, email: string): number | null {
  const user = c.get('user');
  return user && user.email.toLowerCase() === email ? user.id : null;
}

function signedIn(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new Error('requireUser must run before the subscription settings');
  return user;
}

export const subscriptionRoutes = new Hono<AppEnv>()
  .use('/settings/subscription', requireUser)
  .use('/settings/subscription/*', requireUser)
  .post('/subscribe', rateLimit('subscribe', SUBSCRIBE_LIMIT), async (c) => {
    const form = await formFields(c);
    const page = pageContext(c);
    try {
      const email = normaliseEmail(form.email);
      await c.get('deps').subscriptions.subscribe({
        email,
        frequency: parseFrequency(form.frequency),
        topics: parseTopics(form.topics),
        userId: ownerId(c, email),
      });
      return c.html(checkInboxPage(page, email), 202);
    } catch (error) {
      if (error instanceof SubscriptionInputError) return c.html(messagePage(page, 'Subscription not saved', error.message), 422);
      throw error;
    }
  })
  .post('/api/subscriptions', rateLimit('subscribe', SUBSCRIBE_LIMIT), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: { code: 'invalid_json', message: 'Send a JSON object {email, frequency, topics?}.' } }, 400);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return c.json({ error: { code: 'invalid_request', message: 'Send a JSON object {email, frequency, topics?}.' } }, 400);
    }
    const input = body as Record<string, unknown>;
    try {
      const email = normaliseEmail(input.email);
      await c.get('deps').subscriptions.subscribe({
        email,
        frequency: parseFrequency(input.frequency ?? 'daily'),
        topics: parseTopics(input.topics),
        userId: ownerId(c, email),
      });
    } catch (error) {
      if (error instanceof SubscriptionInputError)
        return c.json({ error: { code: 'invalid_request', message: error.message, field: error.field } }, 400);
      throw error;
    }
    return c.json({ status: 'pending_confirmation', message: PENDING_MESSAGE }, 202);
  })
  .get('/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const pending = await c.get('deps').subscriptions.findPendingByToken(token);
    if (!pending) return invalidLink(c, 'confirmation');
    c.header('Cache-Control', 'no-store');
    return c.html(confirmPage(pageContext(c), token, pending));
  })
  .post('/confirm/:token', async (c) => {
    const confirmed = await c.get('deps').subscriptions.confirm(c.req.param('token'));
    if (!confirmed) return invalidLink(c, 'confirmation');
    return c.html(
      messagePage(
        pageContext(c),
        'You are subscribed',
        `The ${confirmed.frequency} digest will be sent to ${confirmed.email}. Every digest has a one-click unsubscribe link.`,
      ),
    );
  })
  .get('/unsubscribe', async (c) => {
    const token = c.req.query('token') ?? '';
    const subscription = await c.get('deps').subscriptions.findByUnsubscribeToken(token);
    if (!subscription) return invalidLink(c, 'unsubscribe');
    c.header('Cache-Control', 'no-store');
    if (subscription.status === 'unsubscribed')
      return c.html(messagePage(pageContext(c), 'Unsubscribed', `${subscription.email} receives no more digests.`));
    return c.html(unsubscribePage(pageContext(c), token, subscription.email));
  })
  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL. The signed
  // token authenticates the request, so it is exempt from the CSRF check (see app.ts).
  .post('/unsubscribe', async (c) => {
    const form = await formFields(c).catch(() => ({}) as Record<string, string>);
    const token = c.req.query('token') ?? form.token ?? '';
    const subscription = await c.get('deps').subscriptions.unsubscribeWithToken(token);
    if (!subscription) return invalidLink(c, 'unsubscribe');
    return c.html(messagePage(pageContext(c), 'Unsubscribed', `${subscription.email} receives no more digests.`));
  })
  .get('/settings/subscription', async (c) => {
    const user = signedIn(c);
    const subscription = await c.get('deps').subscriptions.forUser(user.id, user.email);
    c.header('Cache-Control', 'no-store');
    const notice =
      c.req.query('notice') === 'saved'
        ? 'Your digest settings are saved.'
        : c.req.query('notice') === 'unsubscribed'
          ? 'You are unsubscribed.'
          : undefined;
    return c.html(subscriptionSettingsPage({ page: pageContext(c), email: user.email, subscription, notice }));
  })
  .post('/settings/subscription', async (c) => {
    const user = signedIn(c);
    const form = await formFields(c);
    const service = c.get('deps').subscriptions;
    try {
      const settings = {
        frequency: parseFrequency(form.frequency),
        topics: parseTopics(form.topics),
        maxPapers: parseMaxPapers(form.max_papers),
        paused: form.paused === '1' || form.paused === 'on',
      };
      const updated = await service.updateForUser(user.id, user.email, settings);
      if (!updated) return c.redirect('/settings/subscription', 303);
      return c.redirect('/settings/subscription?notice=saved', 303);
    } catch (error) {
      if (!(error instanceof SubscriptionInputError)) throw error;
      const subscription = await service.forUser(user.id, user.email);
      return c.html(subscriptionSettingsPage({ page: pageContext(c), email: user.email, subscription, error: error.message }), 422);
    }
  })
  .post('/settings/subscription/unsubscribe', async (c) => {
    const user = signedIn(c);
    await c.get('deps').subscriptions.unsubscribeForUser(user.id, user.email);
    return c.redirect('/settings/subscription?notice=unsubscribed', 303);
  });
