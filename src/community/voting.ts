import { requireVisiblePaper } from '../papers/visible-paper.js';
import { assertNotBanned, type Actor, type CommunityDeps } from './community-deps.js';
import { addVote, removeVote } from './votes.repository.js';

export interface VoteInput {
  readonly paperId: string;
  readonly action: 'add' | 'remove';
}

export interface VoteOutcome {
  readonly paperId: string;
  /** Imported plus local upvotes after the change. */
  readonly upvotes: number;
  readonly upvoted: boolean;
  /** False when the vote already existed (add) or did not exist (remove). */
  readonly changed: boolean;
}

/** Adds or removes the actor's upvote on a visible paper; announces the vote only when it changed something. */
export async function votePaper(deps: CommunityDeps, actor: Actor, input: VoteInput): Promise<VoteOutcome> {
  assertNotBanned(actor);
  const result = await deps.store.db.transaction().execute(async (trx) => {
    await requireVisiblePaper(trx, input.paperId);
    return input.action === 'add'
      ? addVote(trx, actor.id, input.paperId, deps.now().toISOString())
      : removeVote(trx, actor.id, input.paperId);
  });
  if (result.changed) deps.writes.announce({ kind: 'vote', paperIds: [input.paperId], userIds: [actor.id] });
  return { paperId: input.paperId, upvotes: result.upvotes, upvoted: input.action === 'add', changed: result.changed };
}
