import { sql, type Kysely, type Selectable } from 'kysely';
import type { StoreCapabilities } from '../db/database.js';
import type { DB, Queryable } from '../db/schema.js';
import { releaseAsFailed, releaseAsSent, releaseForRetry, stampHandOver } from '../digests/outbox-lease.js';
import { ownerIsDeadHere } from '../digests/outbox.repository.js';
import type { NotificationEmailsTable } from './notifications.table.js';

export type NotificationEmailRow = Selectable<NotificationEmailsTable>;

/** The least time between two notification emails to one reader. */
export const EMAIL_INTERVAL_MS = 3_600_000;

/** Readers who asked for email, may get one now, and have unread notifications no email carried yet. */
export async function readersDueForEmail(db: Queryable, now: Date, limit: number): Promise<number[]> {
  const due = new Date(now.getTime() - EMAIL_INTERVAL_MS).toISOString();
  const rows = await db
    .selectFrom('notification_settings as s')
    .select('s.user_id')
    .where('s.email_enabled', '=', 1)
    .where((eb) => eb.or([eb('s.last_email_at', 'is', null), eb('s.last_email_at', '<=', due)]))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('notifications as n')
          .select('n.id')
          .whereRef('n.user_id', '=', 's.user_id')
          .where('n.read_at', 'is', null)
          .where('n.email_id', 'is', null),
      ),
    )
    .orderBy('s.user_id')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.user_id));
}

/**
 * Plans one reader's email in one transaction: takes the hour (a conditional UPDATE of `last_email_at`, so two
 * planners racing for the same reader cannot both win), creates the outbox row and assigns it every unread
 * notification no email carried yet. Returns the new row's id, or null when there was nothing to plan.
 */
export async function planEmail(db: Kysely<DB>, userId: number, now: Date, messageIdHost: string): Promise<number | null> {
  const nowIso = now.toISOString();
  const due = new Date(now.getTime() - EMAIL_INTERVAL_MS).toISOString();
  return db
    .transaction()
    .execute(async (trx) => {
      const claimed = await trx
        .updateTable('notification_settings')
        .set({ last_email_at: nowIso })
        .where('user_id', '=', userId)
        .where('email_enabled', '=', 1)
        .where((eb) => eb.or([eb('last_email_at', 'is', null), eb('last_email_at', '<=', due)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return null;
      const user = await trx.selectFrom('users').select('email').where('id', '=', userId).where('banned', '=', 0).executeTakeFirst();
      if (!user) return null;
      const row = await trx
        .insertInto('notification_emails')
        .values({
          user_id: userId,
          email: user.email,
          // Replaced right below by one derived from the row's id.
          message_id: '',
          status: 'planned',
          next_attempt_at: nowIso,
          created_at: nowIso,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      await trx
        .updateTable('notification_emails')
        .set({ message_id: `<notifications.${userId}.${id}@${messageIdHost}>` })
        .where('id', '=', id)
        .execute();
      const assigned = await trx
        .updateTable('notifications')
        .set({ email_id: id })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .where('email_id', 'is', null)
        .executeTakeFirst();
      // Read in the meantime: roll back, so the hour is not spent on an empty email.
      if (Number(assigned.numUpdatedRows) === 0) throw new NothingToSend();
      return id;
    })
    .catch((error: unknown) => {
      if (error instanceof NothingToSend) return null;
      throw error;
    });
}

class NothingToSend extends Error {}

/**
 * Settles emails whose worker is gone (lease expired, or its process on this host no longer exists): not handed over — the SMTP server discarded the partial
 * message, so the email is queued again; handed over — the end-of-data marker followed that write, so the server
 * has it: recorded as sent (unconfirmed), never sent again.
 */
export async function recoverAbandonedEmails(db: Queryable, now: Date): Promise<{ requeued: number; presumedSent: number }> {
  const nowIso = now.toISOString();
  const leased = await db.selectFrom('notification_emails').select('lease_owner').distinct().where('status', '=', 'sending').execute();
  const dead = leased.map((r) => r.lease_owner).filter((o): o is string => o !== null && ownerIsDeadHere(o));
  const expired = (handed: boolean) =>
    db
      .updateTable('notification_emails')
      .where('status', '=', 'sending')
      .where((eb) => {
        const over = eb('lease_expires_at', '<', nowIso);
        return dead.length > 0 ? eb.or([over, eb('lease_owner', 'in', dead)]) : over;
      })
      .where('handed_over_at', handed ? 'is not' : 'is', null);
  const requeued = await expired(false)
    .set({
      status: 'planned',
      lease_owner: null,
      lease_expires_at: null,
      next_attempt_at: nowIso,
      last_error: 'worker stopped before hand-over; re-queued',
    })
    .executeTakeFirst();
  const presumed = await expired(true)
    .set((eb) => ({
      status: 'sent',
      sent_at: eb.ref('handed_over_at'),
      lease_owner: null,
      lease_expires_at: null,
      last_error: 'unconfirmed: worker stopped after handing the email to the mail server',
    }))
    .executeTakeFirst();
  return { requeued: Number(requeued.numUpdatedRows), presumedSent: Number(presumed.numUpdatedRows) };
}

/**
 * Leases up to `limit` due emails to `owner`, as the digest outbox does: FOR UPDATE SKIP LOCKED on PostgreSQL,
 * one UPDATE (the single write lock) on SQLite; the `status = 'planned'` guard makes a row claimable once.
 */
export async function claimDueEmails(
  db: Kysely<DB>,
  caps: StoreCapabilities,
  owner: string,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<NotificationEmailRow[]> {
  const nowIso = now.toISOString();
  const candidates = (q: Queryable) =>
    q
      .selectFrom('notification_emails')
      .select('id')
      .where('status', '=', 'planned')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('id')
      .limit(limit);
  const lease = {
    status: 'sending' as const,
    lease_owner: owner,
    lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
    attempts: sql<number>`attempts + 1`,
    handed_over_at: null,
  };
  let rows: NotificationEmailRow[];
  if (caps.skipLocked) {
    rows = await db.transaction().execute(async (trx) => {
      const ids = (await candidates(trx).forUpdate().skipLocked().execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return trx
        .updateTable('notification_emails')
        .set(lease)
        .where('id', 'in', ids)
        .where('status', '=', 'planned')
        .returningAll()
        .execute();
    });
  } else {
    rows = await db
      .updateTable('notification_emails')
      .set(lease)
      .where('id', 'in', candidates(db))
      .where('status', '=', 'planned')
      .returningAll()
      .execute();
  }
  return rows.sort((a, b) => a.id - b.id);
}

export class EmailLeaseLost extends Error {
  constructor(id: number) {
    super(`notification email ${id} is no longer leased to this worker`);
    this.name = 'EmailLeaseLost';
  }
}

/** Written immediately before the end-of-data marker, and only while the lease is still ours. */
export async function markEmailHandedOver(db: Queryable, id: number, owner: string, now: Date): Promise<void> {
  if (!(await stampHandOver(db, 'notification_emails', id, owner, now))) throw new EmailLeaseLost(id);
}

export async function markEmailSent(db: Queryable, id: number, owner: string, now: Date): Promise<void> {
  await releaseAsSent(db, 'notification_emails', id, owner, now);
}

export async function markEmailRetry(db: Queryable, id: number, owner: string, nextAttemptAt: Date, error: string): Promise<void> {
  await releaseForRetry(db, 'notification_emails', id, owner, nextAttemptAt, error);
}

/** An email that will not go out (permanent failure, unsubscribed, everything read): its notifications stay read or unread as they are. */
export async function markEmailFailed(db: Queryable, id: number, owner: string, error: string): Promise<void> {
  await releaseAsFailed(db, 'notification_emails', id, owner, error);
}
