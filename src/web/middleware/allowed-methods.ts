import type { Context, Hono, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

const PROBED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The methods `app` has a route for at `path`, found by asking its router for each method: middleware is
 * registered for every method ('ALL'), routes for theirs. HEAD goes wherever GET does (Hono answers it from the GET
 * route), and OPTIONS is answered for every known path. Empty when nothing is routed at `path`.
 */
export function allowedMethods(app: Hono<AppEnv>, path: string): string[] {
  const methods: string[] = [];
  for (const method of PROBED_METHODS) {
    const [handlers] = app.router.match(method, path);
    if (handlers.some(([[, route]]) => route.method !== 'ALL')) methods.push(method);
  }
  if (methods.length === 0) return [];
  if (methods.includes('GET')) methods.splice(1, 0, 'HEAD');
  methods.push('OPTIONS');
  return methods;
}

/**
 * Answers a request whose method has no route at a known path before sessions and CSRF look at it: OPTIONS with
 * 204 and Allow, anything else with `refuse` (a 405). GET and HEAD pass on: the not-found handler refuses those,
 * since a GET route may itself answer 404.
 */
export function unroutedMethods(
  app: Hono<AppEnv>,
  refuse: (c: Context<AppEnv>, allowed: readonly string[]) => Response | Promise<Response>,
): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length === 0 || (allowed.includes(method) && method !== 'OPTIONS')) return next();
    if (method === 'OPTIONS') return c.body(null, 204, { Allow: allowed.join(', ') });
    return refuse(c, allowed);
  });
}
