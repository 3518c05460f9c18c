import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * PostgreSQL maps every ranked keyword-search key to its paper (`text_key` → id, visible or not). With `id` and
 * `hidden` carried in the key's index, that lookup is an index-only scan over a small index that stays in memory,
 * instead of one heap page per ranked paper read from a table too large for the buffer cache (the role of
 * migration 007 on SQLite). The new unique index replaces 027's.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  if (caps.sequencesCommitInOrder) return;
  await sql`CREATE UNIQUE INDEX papers_text_key_visible ON papers (text_key) INCLUDE (id, hidden)`.execute(db);
  await sql`DROP INDEX papers_text_key`.execute(db);
}
