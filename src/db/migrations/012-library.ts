import type { Kysely } from 'kysely';

/** Readers' libraries: saved papers with a private note, their tags, and the tags made public. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('library_items')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id'))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('library_items_pk', ['user_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('library_items_user_created').on('library_items').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('library_item_tags')
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('library_item_tags_pk', ['user_id', 'paper_id', 'tag'])
    .addForeignKeyConstraint('library_item_tags_item_fk', ['user_id', 'paper_id'], 'library_items', ['user_id', 'paper_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('library_item_tags_user_tag').on('library_item_tags').columns(['user_id', 'tag']).execute();

  await db.schema
    .createTable('library_public_tags')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('made_public_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('library_public_tags_pk', ['user_id', 'tag'])
    .execute();
}
