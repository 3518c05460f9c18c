import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Search storage: a full-text index over papers kept in sync by triggers (so no writer can forget it),
 * embedding vectors per embedder, and the corpus-trained builtin model.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  if (caps.fullText === 'fts5') {
    // External-content FTS5 table over papers: the text lives once, in papers; porter stemming on top of unicode61.
    await sql`CREATE VIRTUAL TABLE papers_fts USING fts5(
      title, abstract, authors, content='papers', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
    )`.execute(db);
    await sql`CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
      INSERT INTO papers_fts(rowid, title, abstract, authors) VALUES (new.rowid, new.title, new.abstract, new.authors);
    END`.execute(db);
    await sql`CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
      INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors) VALUES ('delete', old.rowid, old.title, old.abstract, old.authors);
    END`.execute(db);
    await sql`CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers BEGIN
      INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors) VALUES ('delete', old.rowid, old.title, old.abstract, old.authors);
      INSERT INTO papers_fts(rowid, title, abstract, authors) VALUES (new.rowid, new.title, new.abstract, new.authors);
    END`.execute(db);
    await sql`INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')`.execute(db);
  } else {
    // A side table rather than a column on papers, so listing papers never drags the tsvector along.
    await sql`CREATE TABLE paper_fts (
      paper_id text PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
      document tsvector NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX paper_fts_document ON paper_fts USING gin (document)`.execute(db);
    await sql`CREATE FUNCTION paper_fts_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO paper_fts (paper_id, document) VALUES (
          NEW.id,
          setweight(to_tsvector('english', NEW.title), 'A') ||
          setweight(to_tsvector('english', NEW.abstract), 'B') ||
          setweight(to_tsvector('simple', NEW.authors), 'C'))
        ON CONFLICT (paper_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NEW;
      END $$`.execute(db);
    await sql`CREATE TRIGGER papers_fts_refresh AFTER INSERT OR UPDATE OF title, abstract, authors ON papers
      FOR EACH ROW EXECUTE FUNCTION paper_fts_refresh()`.execute(db);
    await sql`INSERT INTO paper_fts (paper_id, document)
      SELECT id, setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', abstract), 'B') ||
                 setweight(to_tsvector('simple', authors), 'C') FROM papers`.execute(db);
  }

  await db.schema
    .createTable('search_vectors')
    .addColumn('key', caps.autoIncrementType, (c) =>
      caps.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('embedder', 'text', (c) => c.notNull())
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('vector', caps.blobType, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('search_vectors_embedder_paper', ['embedder', 'paper_id'])
    .execute();
  await db.schema.createIndex('search_vectors_embedder_key').on('search_vectors').columns(['embedder', 'key']).execute();
  await db.schema.createIndex('search_vectors_paper').on('search_vectors').column('paper_id').execute();

  await db.schema
    .createTable('search_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('trained_on', 'integer', (c) => c.notNull())
    .addColumn('data', caps.blobType, (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
