import { sql, type Kysely } from 'kysely';
import { deleteJobState, getJobState, setJobState } from '../db/job-state.repository.js';
import type { DB } from '../db/schema.js';

/**
 * The index author pages and `author:` filters look names up by (migration 024). Its entries arrive in name order,
 * not in the order papers are written, so each author row of an import lands on a page of its own: most of a large
 * import's time (about 11 µs a row against 1.5 µs without the index). Built once afterwards, it sorts its rows instead.
 */
const AUTHOR_NAME_INDEX = 'paper_authors_name_key_name';

/**
 * Set while the index is dropped, in the same transaction, so checking for it is a plain read: PostgreSQL's
 * `CREATE INDEX IF NOT EXISTS` waits for every open write to the table even when the index is there.
 */
const SET_ASIDE_KEY = 'bulk-import:author-name-index';

/** Drops the author-name index for a bulk write; `restoreAuthorNameIndex` builds it again. */
export async function setAsideAuthorNameIndex(db: Kysely<DB>, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`DROP INDEX IF EXISTS ${sql.id(AUTHOR_NAME_INDEX)}`.execute(trx);
    await setJobState(trx, SET_ASIDE_KEY, 'dropped', now.toISOString());
  });
}

/**
 * Builds the author-name index if a bulk write set it aside (and finished, or was killed before it could); a read
 * and nothing more otherwise. Where two processes race to build it, the loser finds it built.
 */
export async function restoreAuthorNameIndex(db: Kysely<DB>): Promise<boolean> {
  if ((await getJobState(db, SET_ASIDE_KEY)) === null) return false;
  const rebuild = () =>
    db.transaction().execute(async (trx) => {
      await sql`CREATE INDEX IF NOT EXISTS ${sql.id(AUTHOR_NAME_INDEX)} ON paper_authors (name_key, name, paper_id)`.execute(trx);
      await deleteJobState(trx, SET_ASIDE_KEY);
    });
  try {
    await rebuild();
  } catch (error) {
    // PostgreSQL checks IF NOT EXISTS before it takes the name, so a concurrent build can still take it first.
    await rebuild().catch(() => {
      throw error;
    });
  }
  return true;
}
