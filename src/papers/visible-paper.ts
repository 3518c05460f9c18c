import type { Queryable } from '../db/schema.js';
import { Refused } from '../refused.js';

/** The one "this paper exists and is not hidden by a moderator" check. */
export async function isVisiblePaper(db: Queryable, paperId: string): Promise<boolean> {
  const row = await db.selectFrom('papers').select('id').where('id', '=', paperId).where('hidden', '=', 0).executeTakeFirst();
  return row !== undefined;
}

/** Refuses with not_found unless the paper exists and is visible. */
export async function requireVisiblePaper(db: Queryable, paperId: string): Promise<void> {
  if (!(await isVisiblePaper(db, paperId))) throw new Refused('not_found', `No paper with id ${paperId}.`);
}
