import os from 'node:os';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { StoreCapabilities } from '../db/database.js';
import type { DB, Queryable } from '../db/schema.js';
import type { DigestOutboxTable, Frequency } from './digests.table.js';
import { releaseAsFailed, releaseAsSent, releaseForRetry, stampHandOver } from './outbox-lease.js';

export type OutboxRow = Selectable<DigestOutboxTable>;

export interface OutboxScope {
  readonly frequency?: Frequency;
  readonly period?: string;
  readonly email?: string;
}

/** `host:pid:random`, so a worker on the same host can tell that the owner of a lease has died. */
export function newLeaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
}

/** Whether a lease owner (`host:pid:random`) is a process on this host that no longer exists. */
export function ownerIsDeadHere(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return false;
  if (Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Settles digests whose worker is gone (lease expired, or its process on this host no longer exists):
 * - not yet handed over (`handed_over_at` null): the SMTP server never saw the end of the message, so it
 *   discarded it; the digest goes back to `planned` and is sent again.
 * - handed over: the end-of-data marker went out right after that write, so the server has the message; it is
 *   recorded as sent (unconfirmed) and never sent again.
 */
export async function recoverAbandoned(db: Queryable, now: Date): Promise<{ requeued: number; presumedSent: number }> {
  const nowIso = now.toISOString();
  const leased = await db.selectFrom('digest_outbox').select('lease_owner').distinct().where('status', '=', 'sending').execute();
  const dead = leased.map((r) => r.lease_owner).filter((o): o is string => o !== null && ownerIsDeadHere(o));
  const abandoned = (status: 'handed' | 'not-handed') =>
    db
      .updateTable('digest_outbox')
      .where('status', '=', 'sending')
      .where('handed_over_at', status === 'handed' ? 'is not' : 'is', null)
      .where((eb) => {
        const expired = eb('lease_expires_at', '<', nowIso);
        return dead.length > 0 ? eb.or([expired, eb('lease_owner', 'in', dead)]) : expired;
      });
  const requeued = await abandoned('not-handed')
    .set({
      status: 'planned',
      lease_owner: null,
      lease_expires_at: null,
      next_attempt_at: nowIso,
      last_error: 'worker stopped before handing the digest over; re-queued',
    })
    .executeTakeFirst();
  const presumed = await abandoned('handed')
    .set((eb) => ({
      status: 'sent',
      sent_at: eb.ref('handed_over_at'),
      lease_owner: null,
      lease_expires_at: null,
      last_error: 'unconfirmed: worker stopped after handing the digest to the mail server',
    }))
    .executeTakeFirst();
  return { requeued: Number(requeued.numUpdatedRows), presumedSent: Number(presumed.numUpdatedRows) };
}

/**
 * Reserves up to `limit` due digests for `owner`. PostgreSQL: the candidates are selected and locked with
 * FOR UPDATE SKIP LOCKED in a transaction, then leased, so concurrent workers take disjoint sets. (Not as one
 * `UPDATE … WHERE id IN (SELECT … SKIP LOCKED LIMIT n)`: PostgreSQL may re-run that sub-select and ignore the
 * limit.) SQLite: one UPDATE statement, which takes the database's single write lock before it reads, so claims
 * from several processes run one after the other. The `status = 'planned'` guard makes a row claimable once.
 */
export async function claimDue(
  db: Kysely<DB>,
  caps: StoreCapabilities,
  owner: string,
  now: Date,
  leaseSeconds: number,
  limit: number,
  scope: OutboxScope = {},
): Promise<OutboxRow[]> {
  const nowIso = now.toISOString();
  const candidates = (q: Queryable) => {
    let query = q
      .selectFrom('digest_outbox')
      .select('id')
      .where('status', '=', 'planned')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('id')
      .limit(limit);
    if (scope.frequency) query = query.where('frequency', '=', scope.frequency);
    if (scope.period) query = query.where('period', '=', scope.period);
    if (scope.email) query = query.where('email', '=', scope.email);
    return query;
  };
  const lease = {
    status: 'sending' as const,
    lease_owner: owner,
    lease_expires_at: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    attempts: sql<number>`attempts + 1`,
    handed_over_at: null,
  };
  let rows: OutboxRow[];
  if (caps.skipLocked) {
    rows = await db.transaction().execute(async (trx) => {
      const ids = (await candidates(trx).forUpdate().skipLocked().execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return trx.updateTable('digest_outbox').set(lease).where('id', 'in', ids).where('status', '=', 'planned').returningAll().execute();
    });
  } else {
    rows = await db
      .updateTable('digest_outbox')
      .set(lease)
      .where('id', 'in', candidates(db))
      .where('status', '=', 'planned')
      .returningAll()
      .execute();
  }
  return rows.sort((a, b) => a.id - b.id);
}

/** Whether any digest in scope is waiting to be claimed now (a claim can come back empty while others hold locks). */
export async function hasDue(db: Queryable, now: Date, scope: OutboxScope = {}): Promise<boolean> {
  let query = db
    .selectFrom('digest_outbox')
    .select('id')
    .where('status', '=', 'planned')
    .where('next_attempt_at', '<=', now.toISOString())
    .limit(1);
  if (scope.frequency) query = query.where('frequency', '=', scope.frequency);
  if (scope.period) query = query.where('period', '=', scope.period);
  if (scope.email) query = query.where('email', '=', scope.email);
  return (await query.execute()).length > 0;
}

export class LeaseLostError extends Error {
  constructor(id: number) {
    super(`digest ${id} is no longer leased to this worker`);
    this.name = 'LeaseLostError';
  }
}

/** Written immediately before the end-of-data marker; fails when another worker has taken the digest over. */
export async function markHandedOver(db: Queryable, id: number, owner: string, now: Date): Promise<void> {
  if (!(await stampHandOver(db, 'digest_outbox', id, owner, now))) throw new LeaseLostError(id);
}

export async function markSent(db: Queryable, id: number, owner: string, now: Date): Promise<void> {
  await releaseAsSent(db, 'digest_outbox', id, owner, now);
}

export async function markRetry(db: Queryable, id: number, owner: string, nextAttemptAt: Date, error: string): Promise<void> {
  await releaseForRetry(db, 'digest_outbox', id, owner, nextAttemptAt, error);
}

/** A digest that will never arrive: its papers are released so a later digest may carry them. */
export async function markFailed(db: Queryable, id: number, owner: string, error: string): Promise<void> {
  if (await releaseAsFailed(db, 'digest_outbox', id, owner, error)) {
    await db.deleteFrom('digest_sent_papers').where('outbox_id', '=', id).execute();
  }
}

export interface OutboxPeriodStatus {
  readonly frequency: Frequency;
  readonly period: string;
  readonly planned: number;
  readonly sending: number;
  readonly sent: number;
  readonly unconfirmed: number;
  readonly failed: number;
}

export async function outboxStatus(db: Queryable, limitPeriods = 10): Promise<OutboxPeriodStatus[]> {
  const rows = await db
    .selectFrom('digest_outbox')
    .select((eb) => [
      'frequency',
      'period',
      'status',
      eb.fn.countAll<number>().as('n'),
      sql<number>`sum(CASE WHEN last_error LIKE 'unconfirmed:%' THEN 1 ELSE 0 END)`.as('unconfirmed'),
    ])
    .groupBy(['frequency', 'period', 'status'])
    .execute();
  const byPeriod = new Map<
    string,
    { frequency: Frequency; period: string; planned: number; sending: number; sent: number; unconfirmed: number; failed: number }
  >();
  for (const row of rows) {
    const key = `${row.frequency} ${row.period}`;
    const entry = byPeriod.get(key) ?? {
      frequency: row.frequency,
      period: row.period,
      planned: 0,
      sending: 0,
      sent: 0,
      unconfirmed: 0,
      failed: 0,
    };
    entry[row.status] += Number(row.n);
    if (row.status === 'sent') entry.unconfirmed += Number(row.unconfirmed ?? 0);
    byPeriod.set(key, entry);
  }
  return [...byPeriod.values()]
    .sort((a, b) => (a.period === b.period ? a.frequency.localeCompare(b.frequency) : b.period.localeCompare(a.period)))
    .slice(0, limitPeriods);
}

export async function recentFailures(
  db: Queryable,
  limit = 20,
): Promise<Pick<OutboxRow, 'id' | 'email' | 'frequency' | 'period' | 'attempts' | 'last_error'>[]> {
  return db
    .selectFrom('digest_outbox')
    .select(['id', 'email', 'frequency', 'period', 'attempts', 'last_error'])
    .where('status', '=', 'failed')
    .where('last_error', 'not like', 'cancelled:%')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
