/**
 * Fixed-window rate limits, kept in memory per process (one instance per app; a multi-instance deployment gets
 * one budget per instance). `rateLimit(name, {limit, windowMs})` is route middleware: it counts each request it
 * sees, answers 429 once the budget is spent, and always sets the IETF `RateLimit-Policy` / `RateLimit` headers
 * (draft-ietf-httpapi-ratelimit-headers) plus `Retry-After` on 429. Signed-in callers are counted per user,
 * everyone else per client address.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../web/app.js';
import { errorPage } from '../web/views/error-page.js';
import { clientAddress } from './client-address.js';

export interface RateLimitOptions {
  readonly limit: number;
  readonly windowMs: number;
  /** Who shares a budget; defaults to the user id, or the client address when signed out. */
  readonly key?: (c: Context<AppEnv>) => string;
}

/** The budgets used across the app, in one place so the documentation and the code agree. */
export const RATE_LIMITS = {
  signup: { limit: 5, windowMs: 60 * 60_000 },
  login: { limit: 10, windowMs: 15 * 60_000 },
  passwordReset: { limit: 5, windowMs: 60 * 60_000 },
  vote: { limit: 60, windowMs: 60_000 },
  submit: { limit: 10, windowMs: 60 * 60_000 },
  comment: { limit: 10, windowMs: 10 * 60_000 },
  api: { limit: 300, windowMs: 60_000 },
  /** Per account name, whatever the address: slows password guessing spread over many machines. */
  loginAccount: { limit: 20, windowMs: 60 * 60_000 },
  /** Per email address: stops anyone from flooding a mailbox with reset mails. */
  passwordResetAddress: { limit: 3, windowMs: 60 * 60_000 },
} as const satisfies Record<string, RateLimitOptions>;

interface Window {
  count: number;
  resetAt: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetInMs: number;
}

/** Counters for every (policy, caller) pair; expired windows are swept as the map grows. */
export class RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 10_000;

  hit(key: string, limit: number, windowMs: number, now: number): RateLimitDecision {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
      if (this.windows.size >= this.sweepAt) this.sweep(now);
    }
    window.count += 1;
    return { allowed: window.count <= limit, remaining: Math.max(0, limit - window.count), resetInMs: window.resetAt - now };
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    this.sweepAt = Math.max(10_000, this.windows.size * 2);
  }
}

function defaultKey(c: Context<AppEnv>): string {
  const user = c.get('user');
  return user ? `user:${user.id}` : `addr:${clientAddress(c)}`;
}

/**
 * Counts one request against a named budget for an explicit key (e.g. an account name read from the form) and
 * sets the headers. Returns the 429 response to send when the budget is spent, otherwise null.
 */
export function enforceRateLimit(c: Context<AppEnv>, name: string, options: Omit<RateLimitOptions, 'key'>, key: string): Response | null {
  const { rateLimits, now } = c.get('deps');
  const decision = rateLimits.hit(`${name}\0${key}`, options.limit, options.windowMs, now().getTime());
  const resetSeconds = Math.max(0, Math.ceil(decision.resetInMs / 1000));
  c.header('RateLimit-Policy', `"${name}";q=${options.limit};w=${Math.ceil(options.windowMs / 1000)}`, { append: true });
  c.header('RateLimit', `"${name}";r=${decision.remaining};t=${resetSeconds}`, { append: true });
  if (decision.allowed) return null;
  c.header('Retry-After', String(resetSeconds));
  const message = `Too many requests; try again in ${resetSeconds} seconds.`;
  if (c.req.path.startsWith('/api/') || (c.req.header('accept')?.includes('application/json') ?? false)) {
    return c.json({ error: { code: 'rate_limited', message } }, 429);
  }
  return c.html(errorPage(429, 'Slow down', message), 429);
}

export function rateLimit(name: string, options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  if (!/^[a-z][a-z0-9_-]*$/i.test(name)) throw new Error(`Rate limit names are tokens (got "${name}")`);
  const keyOf = options.key ?? defaultKey;
  return createMiddleware<AppEnv>(async (c, next) => enforceRateLimit(c, name, options, keyOf(c)) ?? next());
}
