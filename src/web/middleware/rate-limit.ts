/**
 * Rate limits for routes. `rateLimit(name, {limit, windowMs})` is route middleware: it counts each request it
 * sees, answers 429 once the budget is spent, and always sets the IETF `RateLimit-Policy` / `RateLimit` headers
 * (draft-ietf-httpapi-ratelimit-headers) plus `Retry-After` on 429. Signed-in callers are counted per user,
 * everyone else per client address.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';
import { errorPage } from '../views/error-page.js';
import { clientAddress } from './client-address.js';
import { RateLimitExceeded, type RateLimitBudget } from '../../security/rate-limit-store.js';

export { RATE_LIMITS, RateLimitStore } from '../../security/rate-limit-store.js';

export interface RateLimitOptions extends RateLimitBudget {
  /** Who shares a budget; defaults to the user id, or the client address when signed out. */
  readonly key?: (c: Context<AppEnv>) => string;
}

function defaultKey(c: Context<AppEnv>): string {
  const user = c.get('user');
  return user ? `user:${user.id}` : `addr:${clientAddress(c)}`;
}

/**
 * Counts one request against a named budget for an explicit key (e.g. an account name read from the form) and
 * sets the headers. When the budget is spent: JSON callers get RateLimitExceeded thrown (the app's error handler
 * answers 429 in the shape of the route's family), page callers the 429 page to send; otherwise null.
 */
export async function enforceRateLimit(
  c: Context<AppEnv>,
  name: string,
  options: Omit<RateLimitOptions, 'key'>,
  key: string,
): Promise<Response | null> {
  const { rateLimits, now } = c.get('deps');
  const decision = await rateLimits.hit(`${name}\0${key}`, options.limit, options.windowMs, now().getTime());
  const resetSeconds = Math.max(0, Math.ceil(decision.resetInMs / 1000));
  c.header('RateLimit-Policy', `"${name}";q=${options.limit};w=${Math.ceil(options.windowMs / 1000)}`, { append: true });
  c.header('RateLimit', `"${name}";r=${decision.remaining};t=${resetSeconds}`, { append: true });
  if (decision.allowed) return null;
  c.header('Retry-After', String(resetSeconds));
  const message = `Too many requests; try again in ${resetSeconds} seconds.`;
  if (c.req.path.startsWith('/api/') || (c.req.header('accept')?.includes('application/json') ?? false)) {
    throw new RateLimitExceeded(message);
  }
  return c.html(errorPage(429, 'Slow down', message), 429);
}

export function rateLimit(name: string, options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  if (!/^[a-z][a-z0-9_-]*$/i.test(name)) throw new Error(`Rate limit names are tokens (got "${name}")`);
  const keyOf = options.key ?? defaultKey;
  return createMiddleware<AppEnv>(async (c, next) => (await enforceRateLimit(c, name, options, keyOf(c))) ?? next());
}
