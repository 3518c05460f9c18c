import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { CommunityError } from './community-error.js';
import type { Actor } from './comments.service.js';

function assertAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw new CommunityError('forbidden', 'Only admins can do this.');
}

/** Hides (or shows again) a paper everywhere: feeds, search results, its page. */
export async function setPaperHidden(db: Kysely<DB>, actor: Actor, paperId: string, hidden: boolean): Promise<void> {
  assertAdmin(actor);
  const result = await db
    .updateTable('papers')
    .set({ hidden: hidden ? 1 : 0 })
    .where('id', '=', paperId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new CommunityError('not_found', 'No such paper.');
}
