/** One fixed rate-limit window per (policy, caller), shared by every instance (see database-rate-limits.ts). */
export interface RateLimitWindowsTable {
  /** SHA-256 of the policy name and caller key: addresses, user ids and emails are not stored as such. */
  key: string;
  count: number;
  /** Milliseconds since the epoch when the window ends. */
  reset_at: number;
}
