import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Trend counts: the papers of each day are counted from an index on (published_at, hidden) without reading rows,
 * and on SQLite a changed publication date is logged in papers_text_changes like a changed text, so a process that
 * keeps papers' days in memory beside its keyword index learns of it.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema.createIndex('papers_published_at_hidden').on('papers').columns(['published_at', 'hidden']).execute();
  if (caps.fullText !== 'fts5') return;
  await sql`CREATE TRIGGER papers_text_changes_published AFTER UPDATE OF published_at ON papers
    WHEN old.published_at IS NOT new.published_at
    BEGIN
      INSERT INTO papers_text_changes (paper_rowid) VALUES (new.rowid);
    END`.execute(db);
}
