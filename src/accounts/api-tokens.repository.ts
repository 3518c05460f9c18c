import type { Selectable } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { ApiTokensTable, UsersTable } from './accounts.table.js';

export type ApiTokenRow = Selectable<ApiTokensTable>;

export async function insertApiToken(
  db: Queryable,
  values: { userId: number; name: string; tokenHash: string; scopes: string; createdAt: string },
): Promise<ApiTokenRow> {
  return db
    .insertInto('api_tokens')
    .values({
      user_id: values.userId,
      name: values.name,
      token_hash: values.tokenHash,
      scopes: values.scopes,
      created_at: values.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listApiTokens(db: Queryable, userId: number): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').execute();
}

export function countApiTokens(db: Queryable, userId: number): Promise<number> {
  return db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.n));
}

/** Deletes a token only when it belongs to the user. */
export async function deleteApiToken(db: Queryable, userId: number, tokenId: number): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteUserApiTokens(db: Queryable, userId: number): Promise<void> {
  await db.deleteFrom('api_tokens').where('user_id', '=', userId).execute();
}

export async function findApiTokenUser(
  db: Queryable,
  tokenHash: string,
): Promise<{ tokenId: number; lastUsedAt: string | null; scopes: string; user: Selectable<UsersTable> } | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at', 'api_tokens.scopes'])
    .select(['users.id', 'users.username', 'users.email', 'users.password_hash', 'users.is_admin', 'users.banned', 'users.created_at'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id, last_used_at, scopes, ...user } = row;
  return { tokenId: token_id, lastUsedAt: last_used_at, scopes, user };
}

export async function markApiTokenUsed(db: Queryable, tokenId: number, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute();
}
