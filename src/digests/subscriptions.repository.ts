import type { Selectable } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { DigestKind, SubscriptionsTable } from './digests.table.js';
import type { Subscription } from './subscription.js';

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    email: row.email,
    userId: row.user_id,
    frequency: row.frequency,
    topics: row.topics,
    maxPapers: row.max_papers,
    digestKinds: row.digest_kinds,
    status: row.status,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
  };
}

export async function findSubscriptionByEmail(db: Queryable, email: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findSubscriptionById(db: Queryable, id: number): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSubscriptionByConfirmHash(db: Queryable, hash: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('confirm_token_hash', '=', hash).executeTakeFirst();
}

/** The subscription a signed-in user manages: the one linked to the account, else the one for its address. */
export async function findSubscriptionForUser(db: Queryable, userId: number, email: string): Promise<SubscriptionRow | undefined> {
  const linked = await db.selectFrom('subscriptions').selectAll().where('user_id', '=', userId).orderBy('id').executeTakeFirst();
  return linked ?? findSubscriptionByEmail(db, email.toLowerCase());
}

/**
 * Planned digests that have not been handed to the mail server yet are dropped when a subscriber leaves or pauses
 * (or, with `kind`, stops choosing that digest).
 */
export async function cancelPlannedDigests(db: Queryable, subscriptionId: number, reason: string, kind?: DigestKind): Promise<void> {
  await db
    .deleteFrom('digest_sent_papers')
    .where('outbox_id', 'in', (eb) => {
      const planned = eb
        .selectFrom('digest_outbox')
        .select('id')
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'planned');
      return kind ? planned.where('kind', '=', kind) : planned;
    })
    .execute();
  let cancel = db
    .updateTable('digest_outbox')
    .set({ status: 'failed', last_error: reason, lease_owner: null, lease_expires_at: null })
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'planned');
  if (kind) cancel = cancel.where('kind', '=', kind);
  await cancel.execute();
}
