import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import type { RateLimitCounters, RateLimitDecision } from './rate-limit-store.js';

/** Expired windows are deleted every this many counted requests. */
const SWEEP_EVERY = 1_000;

/**
 * Rate-limit windows in the database: one atomic upsert per counted request starts a new window when the old one
 * has ended and otherwise adds one, so instances sharing the database share every caller's budget. Keys are
 * hashed: client addresses and email addresses are not kept at rest. Windows end by the clock of the instance
 * that opened them; instances' clocks should agree to within a small fraction of the shortest window (1 minute).
 */
export class DatabaseRateLimits implements RateLimitCounters {
  private hits = 0;

  constructor(private readonly store: Store) {}

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateLimitDecision> {
    const hashed = createHash('sha256').update(key).digest('base64url');
    const { rows } = await sql<{ count: number; reset_at: number | string }>`
      INSERT INTO rate_limit_windows AS w (key, count, reset_at) VALUES (${hashed}, 1, ${now + windowMs})
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN w.reset_at <= ${now} THEN 1 ELSE w.count + 1 END,
        reset_at = CASE WHEN w.reset_at <= ${now} THEN excluded.reset_at ELSE w.reset_at END
      RETURNING count, reset_at`.execute(this.store.db);
    const row = rows[0];
    if (!row) throw new Error('rate-limit upsert returned no row');
    this.hits += 1;
    if (this.hits % SWEEP_EVERY === 0) void this.sweep(now);
    const count = Number(row.count);
    return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetInMs: Number(row.reset_at) - now };
  }

  /** Deletes ended windows; returns how many. */
  async sweep(now: number): Promise<number> {
    try {
      const result = await this.store.db.deleteFrom('rate_limit_windows').where('reset_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    } catch {
      // A failed sweep only leaves ended windows behind; the next one takes them.
      return 0;
    }
  }
}
