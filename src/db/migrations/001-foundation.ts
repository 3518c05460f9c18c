import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

export async function up(db: Kysely<unknown>, _caps: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('papers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull())
    .addColumn('authors', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('primary_category', 'text')
    .addColumn('published_at', 'text')
    .addColumn('updated_at', 'text')
    .addColumn('comments', 'text')
    .addColumn('journal_ref', 'text')
    .addColumn('doi', 'text')
    .addColumn('license', 'text')
    .addColumn('project_page', 'text')
    .addColumn('organization', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ingested_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('papers_published_at').on('papers').column('published_at').execute();
  await db.schema.createIndex('papers_primary_category').on('papers').column('primary_category').execute();

  await db.schema
    .createTable('code_repos')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('stars', 'integer')
    .addColumn('stars_counted_at', 'text')
    .execute();

  await db.schema
    .createTable('repo_star_counts')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('counted_at', 'text', (c) => c.notNull())
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('repo_star_counts_pk', ['paper_id', 'counted_at'])
    .execute();

  await db.schema
    .createTable('feed_entries')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('imported_upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported_comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('submitted_by', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_entries_pk', ['day', 'paper_id'])
    .execute();
  await db.schema.createIndex('feed_entries_paper').on('feed_entries').column('paper_id').execute();

  await db.schema
    .createTable('job_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
