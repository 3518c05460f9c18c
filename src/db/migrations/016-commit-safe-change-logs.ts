import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Change logs that readers can follow safely where sequence values commit out of order (PostgreSQL). Each row
 * records the transaction that wrote it (`xid`), so a reader takes the oldest transaction still running as its
 * watermark and re-reads from there next time: a row committed late with a small sequence value is still read.
 *
 * - `papers_text_changes`: every change to what keyword search sees of a paper (text or visibility), written by
 *   statement-level triggers (one INSERT … SELECT per statement, so bulk writes pay once per statement).
 * - `search_vectors.xid`: the vector index catches up on vectors by transaction rather than by key.
 *
 * Engines whose sequences commit in order keep the logs of migration 008 and the vector keys.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  if (caps.sequencesCommitInOrder) return;
  await sql`CREATE TABLE papers_text_changes (
      seq bigserial PRIMARY KEY,
      paper_id text NOT NULL,
      xid xid8 NOT NULL DEFAULT pg_current_xact_id()
    )`.execute(db);
  await sql`CREATE INDEX papers_text_changes_xid ON papers_text_changes (xid, seq)`.execute(db);
  await sql`CREATE FUNCTION papers_text_changes_log() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO papers_text_changes (paper_id) SELECT id FROM new_rows;
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO papers_text_changes (paper_id) SELECT id FROM old_rows;
      ELSE
        INSERT INTO papers_text_changes (paper_id)
          SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE o.title IS DISTINCT FROM n.title OR o.abstract IS DISTINCT FROM n.abstract
             OR o.authors IS DISTINCT FROM n.authors OR o.hidden IS DISTINCT FROM n.hidden;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER papers_text_changes_insert AFTER INSERT ON papers
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION papers_text_changes_log()`.execute(db);
  await sql`CREATE TRIGGER papers_text_changes_update AFTER UPDATE ON papers
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION papers_text_changes_log()`.execute(db);
  await sql`CREATE TRIGGER papers_text_changes_delete AFTER DELETE ON papers
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION papers_text_changes_log()`.execute(db);

  await sql`ALTER TABLE search_vectors ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id()`.execute(db);
  await sql`CREATE INDEX search_vectors_embedder_xid ON search_vectors (embedder, xid, key)`.execute(db);
}
