import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../env.js';

/**
 * The route pattern that answered, e.g. `/papers/:id`, so that metrics have one series per route rather than
 * one per URL. Requests no route answered (404s) share the label "unmatched".
 */
function routePattern(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const routes = matchedRoutes(c);
  const responder = routes[c.req.routeIndex];
  if (!responder || responder.method === 'ALL') return 'unmatched';
  return responder.path;
}

export const metricsMiddleware: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  try {
    await next();
  } finally {
    c.get('deps').metrics.observeRequest(c.req.method, routePattern(c), c.res.status, (performance.now() - started) / 1000);
  }
});
