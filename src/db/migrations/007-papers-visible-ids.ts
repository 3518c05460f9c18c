import type { Kysely } from 'kysely';

/**
 * A covering index over (id, hidden): semantic search maps each nearest-neighbour candidate to a visible paper,
 * and without it every candidate reads its whole papers row (title, abstract, …). At a million papers that
 * lookup was most of a semantic query's time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('papers_id_hidden').on('papers').columns(['id', 'hidden']).execute();
}
