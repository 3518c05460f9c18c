import { sql, type Selectable } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { UsersTable } from './accounts.table.js';
import type { User } from './user.js';

export type UserRow = Selectable<UsersTable>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    isAdmin: row.is_admin === 1,
    banned: row.banned === 1,
    createdAt: row.created_at,
  };
}

export async function insertUser(
  db: Queryable,
  values: { username: string; email: string; passwordHash: string; createdAt: string },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ username: values.username, email: values.email, password_hash: values.passwordHash, created_at: values.createdAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findUserById(db: Queryable, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Queryable, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
}

/** `email` must already be normalised (lower-cased). */
export function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function usernameOrEmailTaken(db: Queryable, username: string, email: string): Promise<{ username: boolean; email: boolean }> {
  const rows = await db
    .selectFrom('users')
    .select(['username', 'email'])
    .where((eb) => eb.or([eb(sql<string>`lower(username)`, '=', username.toLowerCase()), eb('email', '=', email)]))
    .execute();
  return {
    username: rows.some((r) => r.username.toLowerCase() === username.toLowerCase()),
    email: rows.some((r) => r.email === email),
  };
}

export async function updateUser(
  db: Queryable,
  id: number,
  changes: Partial<Pick<UsersTable, 'email' | 'password_hash'>> & { is_admin?: number; banned?: number },
): Promise<boolean> {
  const result = await db.updateTable('users').set(changes).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Users whose names appear in a comment, by lower-cased name (usernames are unique regardless of case). */
export async function usersNamed(db: Queryable, names: readonly string[]): Promise<{ id: number; username: string }[]> {
  if (names.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'username'])
    .where(
      sql<string>`lower(username)`,
      'in',
      names.map((n) => n.toLowerCase()),
    )
    .where('banned', '=', 0)
    .execute();
}
