import type { Queryable } from '../db/schema.js';

/**
 * The outboxes that share the leased sending protocol (planned → sending → sent, a lease owner and expiry, a
 * hand-over stamp written right before end-of-data): digests and notification emails. Their state transitions are
 * the same statements on either table.
 */
export type LeasedOutboxTable = 'digest_outbox' | 'notification_emails';

/** Stamps the hand-over while the lease is still `owner`'s; false when another worker has taken the row over. */
export async function stampHandOver(db: Queryable, table: LeasedOutboxTable, id: number, owner: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ handed_over_at: now.toISOString() })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseAsSent(db: Queryable, table: LeasedOutboxTable, id: number, owner: string, now: Date): Promise<void> {
  await db
    .updateTable(table)
    .set({ status: 'sent', sent_at: now.toISOString(), lease_owner: null, lease_expires_at: null, last_error: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Back to planned for another attempt at `nextAttemptAt`; the hand-over stamp is cleared with the lease. */
export async function releaseForRetry(
  db: Queryable,
  table: LeasedOutboxTable,
  id: number,
  owner: string,
  nextAttemptAt: Date,
  error: string,
): Promise<void> {
  await db
    .updateTable(table)
    .set({
      status: 'planned',
      next_attempt_at: nextAttemptAt.toISOString(),
      lease_owner: null,
      lease_expires_at: null,
      handed_over_at: null,
      last_error: error,
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Gives up on the row; true when this worker still held it (so the caller may release what the row reserved). */
export async function releaseAsFailed(db: Queryable, table: LeasedOutboxTable, id: number, owner: string, error: string): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ status: 'failed', lease_owner: null, lease_expires_at: null, handed_over_at: null, last_error: error })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
