import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * PostgreSQL: a bulk write no longer computes the full-text documents of its papers. `to_tsvector` was about four
 * fifths of an import's server time; now a statement writing more than INLINE_ROWS papers leaves their documents
 * NULL (pending), and the server fills them in the background (FOR UPDATE SKIP LOCKED, so instances share the
 * work). Until then phrase checks compute a pending paper's document on the fly, so nothing is missed, only slower.
 * Writes of a few papers (a submission, an edit) still compute theirs at once. Statement-level triggers compare the
 * old and new text, so an update that leaves the text alone no longer recomputes anything. SQLite's FTS5 triggers
 * are unchanged.
 */
const INLINE_ROWS = 100;

export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  if (caps.fullText !== 'tsvector') return;
  await sql`CREATE FUNCTION paper_document(title text, abstract text, authors text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', abstract), 'B') ||
             setweight(to_tsvector('simple', authors), 'C')
    $$`.execute(db);
  await sql`DROP TRIGGER papers_fts_refresh ON papers`.execute(db);
  await sql`DROP FUNCTION paper_fts_refresh()`.execute(db);
  await sql`ALTER TABLE paper_fts ALTER COLUMN document DROP NOT NULL`.execute(db);
  await sql`CREATE INDEX paper_fts_pending ON paper_fts (paper_id) WHERE document IS NULL`.execute(db);
  // Only rows whose text changed; the count decides between computing now and leaving the documents pending.
  const changedRows = `new_rows n JOIN old_rows o ON o.id = n.id
    WHERE o.title IS DISTINCT FROM n.title OR o.abstract IS DISTINCT FROM n.abstract OR o.authors IS DISTINCT FROM n.authors`;
  await sql`CREATE FUNCTION paper_fts_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      inline boolean;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT count(*) <= ${sql.lit(INLINE_ROWS)} INTO inline FROM new_rows;
        INSERT INTO paper_fts (paper_id, document)
          SELECT id, CASE WHEN inline THEN paper_document(title, abstract, authors) END FROM new_rows
          ON CONFLICT (paper_id) DO UPDATE SET document = EXCLUDED.document;
      ELSE
        SELECT count(*) <= ${sql.lit(INLINE_ROWS)} INTO inline FROM ${sql.raw(changedRows)};
        INSERT INTO paper_fts (paper_id, document)
          SELECT n.id, CASE WHEN inline THEN paper_document(n.title, n.abstract, n.authors) END FROM ${sql.raw(changedRows)}
          ON CONFLICT (paper_id) DO UPDATE SET document = EXCLUDED.document;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER paper_fts_insert AFTER INSERT ON papers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION paper_fts_write()`.execute(db);
  await sql`CREATE TRIGGER paper_fts_update AFTER UPDATE ON papers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION paper_fts_write()`.execute(db);
}
