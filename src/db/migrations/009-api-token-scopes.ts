import { sql, type Kysely } from 'kysely';

/**
 * API tokens get scopes: `read` (GET requests under /api/) and `write` (every other method, which includes read).
 * Tokens made before scopes existed could do everything, so they become `read,write`: scripts keep working, and
 * their owners can replace them with read-only tokens from the settings page.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_tokens ADD COLUMN scopes text NOT NULL DEFAULT 'read,write'`.execute(db);
}
