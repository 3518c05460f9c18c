import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

const READ_METHODS = new Set(['GET', 'HEAD']);
const OPEN_PATHS = /^\/(api|feeds)\//;

/** Request fields a page on another origin may send when reading (beyond the CORS-safelisted ones). */
const ALLOWED_REQUEST_HEADERS = 'Accept, Accept-Language, Content-Language, Cache-Control, If-Match, If-Modified-Since, If-None-Match';
/** Response fields such a page may read (beyond the CORS-safelisted ones). */
const EXPOSED_RESPONSE_HEADERS = 'ETag, Last-Modified, Link, Retry-After, RateLimit, RateLimit-Policy, X-Total-Count';
/** Browsers cap this (Chromium at two hours); it saves a preflight per request for that long. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * Lets pages on any origin read the public API and the feeds: GET and HEAD answers carry
 * `Access-Control-Allow-Origin: *` (without credentials, so a browser never sends cookies along, and so no
 * signed-in answer can be read), and a preflight for GET or HEAD is answered 204. Writes stay same-origin: a
 * preflight for any other method gets no allow fields, so the browser never sends the write.
 */
export const readOnlyCors: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async (c, next) => {
  if (!OPEN_PATHS.test(c.req.path)) return next();
  const method = c.req.method;
  const requested = c.req.header('access-control-request-method');
  if (method === 'OPTIONS' && c.req.header('origin') !== undefined && requested !== undefined) {
    if (!READ_METHODS.has(requested.toUpperCase())) return next();
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS,
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
    });
  }
  await next();
  if (!READ_METHODS.has(method)) return;
  c.res.headers.set('Access-Control-Allow-Origin', '*');
  c.res.headers.set('Access-Control-Expose-Headers', EXPOSED_RESPONSE_HEADERS);
});
