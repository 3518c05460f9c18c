import { sql, type Kysely } from 'kysely';

/** Readers' private signals: ratings of papers and follows. Both go with the account (ON DELETE CASCADE). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('paper_ratings')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id'))
    .addColumn('value', 'integer', (c) => c.notNull().check(sql`value in (1, -1)`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('paper_ratings_pk', ['user_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('paper_ratings_user_updated').on('paper_ratings').columns(['user_id', 'updated_at']).execute();

  await db.schema
    .createTable('follows')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['user_id', 'kind', 'value'])
    .execute();
  // Who follows an author or category, for "new paper by an author you follow".
  await db.schema.createIndex('follows_kind_value').on('follows').columns(['kind', 'value']).execute();
}
