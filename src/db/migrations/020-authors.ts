import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';
import { authorNameKey, parseAuthorNames } from '../../papers/author-names.js';

/** Papers read per step of the backfill. */
const BACKFILL_PAPERS = 2_000;
/** Rows per INSERT: four parameters each, well under every engine's limit. */
const ROWS_PER_INSERT = 1_000;

/**
 * Authors as an index: one row per paper and author name as written (an author's papers and co-authors are index
 * lookups instead of a scan of every paper's JSON list), filled from the existing papers; and readers' authorship
 * claims, which administrators decide.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('paper_authors')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('paper_authors_pk', ['paper_id', 'position'])
    .execute();
  await db.schema.createIndex('paper_authors_name').on('paper_authors').columns(['name', 'paper_id']).execute();
  await db.schema.createIndex('paper_authors_name_key').on('paper_authors').columns(['name_key', 'name']).execute();

  await db.schema
    .createTable('author_claims')
    .addColumn('id', caps.autoIncrementType, (c) =>
      caps.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema
    .createIndex('author_claims_user_paper_name')
    .on('author_claims')
    .columns(['user_id', 'paper_id', 'author_name'])
    .unique()
    .execute();
  await db.schema.createIndex('author_claims_paper').on('author_claims').columns(['paper_id', 'author_name']).execute();
  await db.schema.createIndex('author_claims_author').on('author_claims').columns(['author_name', 'status']).execute();
  await db.schema.createIndex('author_claims_status').on('author_claims').columns(['status', 'created_at']).execute();

  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; authors: string }>`
      SELECT id, authors FROM papers WHERE id > ${after} ORDER BY id LIMIT ${BACKFILL_PAPERS}`.execute(db);
    if (rows.length === 0) break;
    const values = rows.flatMap((row) =>
      parseAuthorNames(row.authors).map((name, position) => sql`(${row.id}, ${position}, ${name}, ${authorNameKey(name)})`),
    );
    for (let i = 0; i < values.length; i += ROWS_PER_INSERT) {
      await sql`INSERT INTO paper_authors (paper_id, position, name, name_key) VALUES ${sql.join(values.slice(i, i + ROWS_PER_INSERT))}`.execute(
        db,
      );
    }
    after = rows[rows.length - 1]!.id;
  }
}
