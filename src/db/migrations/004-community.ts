import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Votes, comments, moderation and the trending score. Local counts are denormalised onto `papers` and kept in
 * step inside the transaction that writes a vote or a comment, so listings read them without aggregating.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  await db.schema
    .alterTable('papers')
    .addColumn('trending_score', 'double precision', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('papers')
    .addColumn('local_upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('papers')
    .addColumn('local_comments', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('papers_trending_score').on('papers').column('trending_score').execute();

  // One vote per user per paper: the primary key is the guarantee, not application code.
  await db.schema
    .createTable('votes')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('votes_pk', ['user_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('votes_paper').on('votes').columns(['paper_id', 'created_at']).execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', caps.autoIncrementType, (c) =>
      caps.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('comments_paper').on('comments').columns(['paper_id', 'created_at']).execute();
  await db.schema.createIndex('comments_user').on('comments').column('user_id').execute();

  await db.schema.createIndex('feed_entries_submitted_by').on('feed_entries').column('submitted_by').execute();
  await db.schema.createIndex('feed_entries_day_upvotes').on('feed_entries').columns(['day', 'imported_upvotes']).execute();
}
