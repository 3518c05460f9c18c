import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SubscriptionInputError } from '../digests/subscription.js';
import { Refused } from '../refused.js';
import { SemanticUnavailableError } from '../search/semantic-index.js';
import type { Config } from '../config.js';
import { metricsMiddleware } from './middleware/metrics.js';
import { csrfProtection, sessionMiddleware } from './middleware/auth.js';
import { securityHeaders } from './middleware/security-headers.js';
import { requestBodyGuard } from './middleware/request-body.js';
import { clientAbortResponse, isClientAbort } from './middleware/client-abort.js';
import { RateLimitExceeded, apiBudget } from '../security/rate-limit-store.js';
import { rateLimit } from './middleware/rate-limit.js';
import { unreadNotifications } from './middleware/unread-notifications.js';
import { httpRepresentation } from './middleware/representation.js';
import { jsonCharset } from './middleware/json-charset.js';
import { readOnlyCors } from './middleware/cors.js';
import { allowedMethods, unroutedMethods } from './middleware/allowed-methods.js';
import { redactPath } from '../security/redact.js';
import { accountApiRoutes } from './routes/account-api.routes.js';
import { accountRoutes } from './routes/auth.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { subscriptionRoutes } from './routes/subscriptions.routes.js';
import { feedRoutes } from './routes/feed.routes.js';
import { paperRoutes } from './routes/paper.routes.js';
import { paperMarkdownRoutes } from './routes/paper-markdown.routes.js';
import { apiRoutes } from './routes/api.routes.js';
import { communityRoutes } from './routes/community.routes.js';
import { libraryRoutes } from './routes/library.routes.js';
import { signalsRoutes } from './routes/signals.routes.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { forYouRoutes } from './routes/foryou.routes.js';
import { sourcesRoutes } from './routes/sources.routes.js';
import { feedsRoutes } from './routes/feeds.routes.js';
import { openApiRoutes } from './routes/openapi.routes.js';
import { searchPageRoutes } from './routes/search-page.routes.js';
import { searchApiRoutes } from './routes/search-api.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { staticRoutes } from './routes/static.routes.js';
import { InvalidParameter } from './request-params.js';
import { errorPage } from './views/error-page.js';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from './env.js';

interface HttpError {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** The one mapping from what routes and use-cases throw to an HTTP status and error code. */
function httpErrorOf(error: Error): HttpError {
  if (error instanceof InvalidParameter) return { status: 400, code: 'bad_request', message: error.message };
  if (error instanceof Refused) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof SubscriptionInputError) return { status: 400, code: 'invalid_request', message: error.message, field: error.field };
  if (error instanceof SemanticUnavailableError) return { status: 409, code: 'semantic_unavailable', message: error.message };
  if (error instanceof RateLimitExceeded) return { status: 429, code: 'rate_limited', message: error.message };
  if (error instanceof HTTPException && error.status < 500) {
    return { status: error.status as ContentfulStatusCode, code: 'bad_request', message: error.message };
  }
  return { status: 500, code: 'internal', message: 'Something went wrong on our side.' };
}

/**
 * The routes shaped like Hugging Face's papers API, whose clients read errors as HF writes them: the daily list,
 * the paper listing, search, one paper and its Markdown. A paper's /upvote and /similar are Paperboy's own.
 */
function isHfShaped(path: string): boolean {
  if (path === '/api/daily_papers' || path === '/api/papers' || isPaperMarkdown(path)) return true;
  return path.startsWith('/api/papers/') && !/\/(upvote|similar)$/.test(path);
}

function isPaperMarkdown(path: string): boolean {
  return path.startsWith('/papers/') && path.endsWith('.md');
}

/** The API, the syndication feeds and the Markdown papers are read by programs, so their errors are JSON; everything else is a page. */
function wantsJson(path: string, accept: string | undefined): boolean {
  return path.startsWith('/api/') || path.startsWith('/feeds/') || isPaperMarkdown(path) || (accept?.includes('application/json') ?? false);
}

/**
 * The JSON error body for a route family: HF-shaped routes answer `{"error": message, "code"}` as Hugging Face's
 * client expects (it shows `error` to the user); every other route `{"error": {code, message, field?}}`.
 */
function errorBody(path: string, { code, message, field }: Omit<HttpError, 'status'>) {
  if (isHfShaped(path)) return { error: message, code, ...(field === undefined ? {} : { field }) };
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** 405 with the methods the path has, as a page or as JSON like every other error. */
function methodNotAllowed(c: Context<AppEnv>, allowed: readonly string[]) {
  c.header('Allow', allowed.join(', '));
  const message = `This address does not take ${c.req.method} requests; it takes ${allowed.join(', ')}.`;
  if (wantsJson(c.req.path, c.req.header('accept'))) return c.json({ error: { code: 'method_not_allowed', message } }, 405);
  return c.html(errorPage(405, 'Method not allowed', message), 405);
}

/** Builds the HTTP application. Tests drive it in-process with `app.request()`. */
export function createApp(config: Config, deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    c.set('deps', deps);
    c.set('config', config);
    await next();
    deps.logger.info('request', {
      method: c.req.method,
      path: redactPath(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  // Metrics see what the client got (a 304, the time spent compressing).
  app.use(metricsMiddleware);
  app.use(httpRepresentation());
  app.use(jsonCharset);
  app.use(securityHeaders(config));
  app.use(readOnlyCors);
  app.use(unroutedMethods(app, methodNotAllowed));
  app.use(requestBodyGuard);
  app.use(sessionMiddleware);
  // RFC 8058 one-click unsubscribe POSTs come from mail clients and carry a signed token instead.
  app.use(csrfProtection({ exemptPaths: ['/unsubscribe', '/notifications/unsubscribe'] }));
  app.use('/api/*', rateLimit('api', apiBudget(config.apiRatePerMinute)));
  app.use(unreadNotifications);

  app.route('/', healthRoutes);
  app.route('/', metricsRoutes);
  app.route('/', accountRoutes);
  app.route('/', settingsRoutes);
  app.route('/', subscriptionRoutes);
  app.route('/', libraryRoutes);
  app.route('/', signalsRoutes);
  app.route('/', notificationsRoutes);
  app.route('/', forYouRoutes);
  app.route('/', accountApiRoutes);
  app.route('/', staticRoutes());
  app.route('/', feedRoutes);
  app.route('/', paperMarkdownRoutes);
  app.route('/', paperRoutes);
  app.route('/', searchPageRoutes);
  app.route('/', communityRoutes);
  app.route('/', sourcesRoutes);
  app.route('/', searchApiRoutes);
  app.route('/', apiRoutes);
  app.route('/', feedsRoutes);
  app.route('/', openApiRoutes(app, config.publicUrl));

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) return methodNotAllowed(c, allowed);
    if (wantsJson(c.req.path, c.req.header('accept'))) {
      return c.json(errorBody(c.req.path, { code: 'not_found', message: 'No such resource.' }), 404);
    }
    return c.html(errorPage(404, 'Page not found', 'There is nothing at this address.'), 404);
  });

  app.onError((error, c) => {
    if (isClientAbort(error, c)) return clientAbortResponse(c);
    const { status, code, message, field } = httpErrorOf(error);
    if (status >= 500) deps.logger.error('unhandled error', { path: c.req.path, error: String(error), stack: error.stack });
    if (wantsJson(c.req.path, c.req.header('accept'))) {
      return c.json(errorBody(c.req.path, { code, message, field }), status);
    }
    return c.html(errorPage(status, status === 500 ? 'Server error' : 'Request error', message), status);
  });

  return app;
}
