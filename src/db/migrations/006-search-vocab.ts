import { sql, type Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';

/**
 * Per-term document counts of the SQLite full-text index, so long keyword queries can be matched on their rarest
 * terms. PostgreSQL needs nothing here.
 */
export async function up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void> {
  if (caps.fullText !== 'fts5') return;
  await sql`CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, 'row')`.execute(db);
}
