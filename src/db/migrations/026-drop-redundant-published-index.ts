import type { Kysely } from 'kysely';

/**
 * papers_published_at (published_at) repeats the first column of papers_published_at_hidden (published_at, hidden,
 * migration 018), which answers every range and order on the publication date as well. One index fewer for every
 * paper written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('papers_published_at').execute();
}
