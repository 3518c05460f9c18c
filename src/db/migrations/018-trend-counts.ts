import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Trend counts: the papers of each day are counted from an index on (published_at, hidden) without reading rows,
 * and a changed publication date is logged in papers_text_changes like a changed text, so a process that keeps
 * papers' days in memory beside its keyword index learns of it. On SQLite a row trigger beside migration 008's; on
 * PostgreSQL migration 016's statement-level log function compares published_at as well.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema.createIndex('papers_published_at_hidden').on('papers').columns(['published_at', 'hidden']).execute();
  if (caps.fullText === 'fts5') {
    await sql`CREATE TRIGGER papers_text_changes_published AFTER UPDATE OF published_at ON papers
      WHEN old.published_at IS NOT new.published_at
      BEGIN
        INSERT INTO papers_text_changes (paper_rowid) VALUES (new.rowid);
      END`.execute(db);
  }
  if (caps.sequencesCommitInOrder) return;
  await sql`CREATE OR REPLACE FUNCTION papers_text_changes_log() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO papers_text_changes (paper_id) SELECT id FROM new_rows;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO papers_text_changes (paper_id) SELECT id FROM old_rows;
      ELSE
        INSERT INTO papers_text_changes (paper_id)
          SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE o.title IS DISTINCT FROM n.title OR o.abstract IS DISTINCT FROM n.abstract
             OR o.authors IS DISTINCT FROM n.authors OR o.hidden IS DISTINCT FROM n.hidden
             OR o.published_at IS DISTINCT FROM n.published_at;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
}
