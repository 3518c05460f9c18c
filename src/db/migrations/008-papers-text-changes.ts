import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * A log of every change to what keyword search sees of a paper (its text, or whether it is hidden), written by
 * triggers so no writer can forget it. Processes that keep the keyword index in memory (SQLite) read it from the
 * last position they applied, whichever process made the change.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  if (caps.fullText !== 'fts5') return;
  await sql`CREATE TABLE papers_text_changes (seq INTEGER PRIMARY KEY, paper_rowid INTEGER NOT NULL)`.execute(db);
  await sql`CREATE TRIGGER papers_text_changes_insert AFTER INSERT ON papers BEGIN
      INSERT INTO papers_text_changes (paper_rowid) VALUES (new.rowid);
    END`.execute(db);
  await sql`CREATE TRIGGER papers_text_changes_update AFTER UPDATE OF title, abstract, authors, hidden ON papers
    WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors OR old.hidden IS NOT new.hidden
    BEGIN
      INSERT INTO papers_text_changes (paper_rowid) VALUES (new.rowid);
    END`.execute(db);
  await sql`CREATE TRIGGER papers_text_changes_delete AFTER DELETE ON papers BEGIN
      INSERT INTO papers_text_changes (paper_rowid) VALUES (old.rowid);
    END`.execute(db);
}
