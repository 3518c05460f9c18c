/**
 * Fixed-window rate-limit counters and the named budgets used across the app. `RateLimitCounters` is what the app
 * counts with: `RateLimitStore` keeps the windows in this process's memory (one server per database), and
 * `DatabaseRateLimits` (database-rate-limits.ts) in the database, so instances sharing it share every budget.
 * The HTTP side lives in web/middleware/rate-limit.ts.
 */

export interface RateLimitBudget {
  readonly limit: number;
  readonly windowMs: number;
}

/** The budgets used across the app, in one place so the documentation and the code agree. */
export const RATE_LIMITS = {
  signup: { limit: 5, windowMs: 60 * 60_000 },
  login: { limit: 10, windowMs: 15 * 60_000 },
  passwordReset: { limit: 5, windowMs: 60 * 60_000 },
  vote: { limit: 60, windowMs: 60_000 },
  submit: { limit: 10, windowMs: 60 * 60_000 },
  comment: { limit: 10, windowMs: 10 * 60_000 },
  /**
   * Per account (its username and email spelling count together), whatever the address: slows password guessing
   * spread over many machines. Browsers that have logged in to the account before are exempt (login-device.ts).
   */
  loginAccount: { limit: 20, windowMs: 60 * 60_000 },
  /** Per email address: stops anyone from flooding a mailbox with reset mails. */
  passwordResetAddress: { limit: 3, windowMs: 60 * 60_000 },
} as const satisfies Record<string, RateLimitBudget>;

/** The general budget of every /api/ request, per client: PAPERBOY_API_RATE_PER_MINUTE a minute. */
export function apiBudget(perMinute: number): RateLimitBudget {
  return { limit: perMinute, windowMs: 60_000 };
}

/** A request over its budget; the web app's error handler answers 429 in the shape of the route's family. */
export class RateLimitExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateLimitExceeded';
  }
}

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

/** Counts one request of `key` against a window of `windowMs` that allows `limit` requests. */
export interface RateLimitCounters {
  hit(key: string, limit: number, windowMs: number, now: number): RateLimitDecision | Promise<RateLimitDecision>;
}

/** Counters for every (policy, caller) pair in memory; expired windows are swept as the map grows. */
export class RateLimitStore implements RateLimitCounters {
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
