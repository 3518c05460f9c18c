import type { Selectable } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { PasswordResetsTable } from './accounts.table.js';

export async function insertPasswordReset(db: Queryable, row: Selectable<PasswordResetsTable>): Promise<void> {
  await db.insertInto('password_resets').values(row).execute();
}

export function findPasswordReset(db: Queryable, tokenHash: string): Promise<Selectable<PasswordResetsTable> | undefined> {
  return db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks an unused, unexpired reset as used. Returns false when another request got there first, so that
 * two concurrent submissions of one link cannot both succeed.
 */
export async function consumePasswordReset(db: Queryable, tokenHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Unused links stop working once the password changed by any means. */
export async function invalidateUserResets(db: Queryable, userId: number, now: string): Promise<void> {
  await db.updateTable('password_resets').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

export async function deleteExpiredResets(db: Queryable, now: string): Promise<void> {
  await db.deleteFrom('password_resets').where('expires_at', '<=', now).execute();
}
