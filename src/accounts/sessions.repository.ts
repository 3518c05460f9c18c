import type { Selectable } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { SessionsTable, UsersTable } from './accounts.table.js';

export type SessionRow = Selectable<SessionsTable>;

export async function insertSession(db: Queryable, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The unexpired session with this id, joined with its user. */
export async function findLiveSession(
  db: Queryable,
  id: string,
  now: string,
): Promise<{ session: SessionRow; user: Selectable<UsersTable> } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.user_id',
      'sessions.csrf_secret',
      'sessions.created_at as session_created_at',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'users.id',
      'users.username',
      'users.email',
      'users.password_hash',
      'users.is_admin',
      'users.banned',
      'users.created_at',
    ])
    .where('sessions.id', '=', id)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    session: {
      id: row.session_id,
      user_id: row.user_id,
      csrf_secret: row.csrf_secret,
      created_at: row.session_created_at,
      expires_at: row.expires_at,
      last_seen_at: row.last_seen_at,
    },
    user: {
      id: row.id,
      username: row.username,
      email: row.email,
      password_hash: row.password_hash,
      is_admin: row.is_admin,
      banned: row.banned,
      created_at: row.created_at,
    },
  };
}

export async function touchSession(db: Queryable, id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a user, except optionally the one making the request. */
export async function deleteUserSessions(db: Queryable, userId: number, exceptId?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  await query.execute();
}

export async function deleteExpiredSessions(db: Queryable, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
