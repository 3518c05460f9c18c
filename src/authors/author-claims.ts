import type { Actor } from '../community/community-deps.js';
import type { Store } from '../db/database.js';
import { parseAuthorNames } from '../papers/author-names.js';
import { Refused } from '../refused.js';
import type { WriteAnnouncer } from '../write-events.js';
import {
  countPendingClaims,
  decideClaim,
  deleteClaim,
  findClaim,
  hasClaimed,
  insertClaim,
  openClaimsOf,
} from './author-claims.repository.js';

/** Most claims one reader may have waiting for an administrator. */
export const MAX_PENDING_CLAIMS = 10;

export interface AuthorClaimDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
}

/**
 * A signed-in reader claims to be the author a paper lists under a name. Refused when the name is not one of the
 * paper's authors as written, when the name on that paper is already claimed (by anyone, or before by this reader),
 * or when the reader already has MAX_PENDING_CLAIMS claims waiting.
 */
export async function claimAuthorship(
  deps: AuthorClaimDeps,
  actor: Actor,
  input: { readonly paperId: string; readonly authorName: string },
): Promise<{ readonly claimId: number }> {
  if (actor.banned) throw new Refused('forbidden', 'Your account is banned.');
  const claimId = await deps.store.db.transaction().execute(async (trx) => {
    const paper = await trx
      .selectFrom('papers')
      .select('authors')
      .where('id', '=', input.paperId)
      .where('hidden', '=', 0)
      .executeTakeFirst();
    if (!paper) throw new Refused('not_found', `No paper with id ${input.paperId}.`);
    if (!parseAuthorNames(paper.authors).includes(input.authorName)) {
      throw new Refused('invalid', `“${input.authorName}” is not an author name of paper ${input.paperId}.`);
    }
    if (await hasClaimed(trx, actor.id, input.paperId, input.authorName)) {
      throw new Refused('conflict', 'You have already claimed this name on this paper.');
    }
    if ((await openClaimsOf(trx, input.paperId, input.authorName)).length > 0) {
      throw new Refused('conflict', 'This name on this paper is already claimed.');
    }
    if ((await countPendingClaims(trx, actor.id)) >= MAX_PENDING_CLAIMS) {
      throw new Refused('conflict', `You have ${MAX_PENDING_CLAIMS} claims waiting; wait for an administrator to decide them.`);
    }
    return insertClaim(trx, actor.id, input.paperId, input.authorName, deps.now().toISOString());
  });
  deps.writes.announce({ kind: 'author-claim', paperIds: [input.paperId], userIds: [actor.id], public: false });
  return { claimId };
}

/**
 * An administrator approves or rejects a pending claim. An approved claim shows the reader as the author on the
 * paper, the author page and their profile. Approving is refused when someone else's claim of the same name on the
 * same paper was approved meanwhile.
 */
export async function decideAuthorClaim(
  deps: AuthorClaimDeps,
  actor: Actor,
  input: { readonly claimId: number; readonly approve: boolean },
): Promise<{ readonly paperId: string; readonly authorName: string; readonly username: string }> {
  if (actor.banned || !actor.isAdmin) throw new Refused('forbidden', 'Only administrators decide authorship claims.');
  const claim = await deps.store.db.transaction().execute(async (trx) => {
    const found = await findClaim(trx, input.claimId);
    if (!found) throw new Refused('not_found', `No authorship claim ${input.claimId}.`);
    if (found.status !== 'pending') throw new Refused('conflict', `This claim was already ${found.status}.`);
    if (input.approve) {
      const approved = (await openClaimsOf(trx, found.paperId, found.authorName)).filter((c) => c.status === 'approved');
      if (approved.length > 0) throw new Refused('conflict', `${approved[0]!.username} is already approved as this author.`);
    }
    if (!(await decideClaim(trx, found.id, input.approve ? 'approved' : 'rejected', deps.now().toISOString()))) {
      throw new Refused('conflict', 'This claim was decided meanwhile.');
    }
    return found;
  });
  deps.writes.announce({ kind: 'author-claim', paperIds: [claim.paperId], userIds: [claim.userId], public: input.approve });
  return { paperId: claim.paperId, authorName: claim.authorName, username: claim.username };
}

/**
 * Takes a claim back: its reader withdraws a pending or approved claim of their own, or an administrator revokes one.
 * The name on the paper can then be claimed again. A rejected claim stays on record (withdrawing it would let the
 * same reader claim again and again), and another reader's claim looks like no claim at all.
 */
export async function withdrawAuthorClaim(
  deps: AuthorClaimDeps,
  actor: Actor,
  input: { readonly claimId: number },
): Promise<{ readonly paperId: string; readonly authorName: string }> {
  if (actor.banned) throw new Refused('forbidden', 'Your account is banned.');
  const claim = await deps.store.db.transaction().execute(async (trx) => {
    const found = await findClaim(trx, input.claimId);
    if (!found || (found.userId !== actor.id && !actor.isAdmin)) throw new Refused('not_found', `No authorship claim ${input.claimId}.`);
    if (found.status === 'rejected') throw new Refused('conflict', 'A rejected claim stays on record.');
    if (!(await deleteClaim(trx, found.id))) throw new Refused('not_found', `No authorship claim ${input.claimId}.`);
    return found;
  });
  deps.writes.announce({
    kind: 'author-claim',
    paperIds: [claim.paperId],
    userIds: [claim.userId],
    public: claim.status === 'approved',
  });
  return { paperId: claim.paperId, authorName: claim.authorName };
}
