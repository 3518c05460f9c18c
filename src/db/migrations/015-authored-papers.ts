import type { Kysely } from 'kysely';

/** Papers a reader says they wrote: their profile for For you. They go with the account (ON DELETE CASCADE). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authored_papers')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('authored_papers_pk', ['user_id', 'paper_id'])
    .execute();
}
