import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Cheaper author rows, which were the largest share of a PostgreSQL import's time (about 12 µs each, several per
 * paper). paper_authors keeps one index for names instead of two: (name_key, name, paper_id) answers both "the papers
 * of this name as written" and "the variants of this name". And where constraints can be dropped, the foreign key to
 * papers (a check per inserted row) gives way to a statement-level trigger that removes a deleted paper's rows: the
 * rows are only ever written by upsertPapers, right after their paper, in the same transaction.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema.createIndex('paper_authors_name_key_name').on('paper_authors').columns(['name_key', 'name', 'paper_id']).execute();
  await db.schema.dropIndex('paper_authors_name').execute();
  await db.schema.dropIndex('paper_authors_name_key').execute();
  if (!caps.dropConstraint) return;
  await sql`ALTER TABLE paper_authors DROP CONSTRAINT paper_authors_paper_id_fkey`.execute(db);
  await sql`CREATE FUNCTION paper_authors_of_deleted_papers() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM paper_authors WHERE paper_id IN (SELECT id FROM old_rows);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER papers_delete_authors AFTER DELETE ON papers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION paper_authors_of_deleted_papers()`.execute(db);
}
