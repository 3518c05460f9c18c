import type { Actor } from '../community/community-deps.js';
import type { Store } from '../db/database.js';
import { requireVisiblePaper } from '../papers/visible-paper.js';
import { Refused } from '../refused.js';
import type { WriteAnnouncer } from '../write-events.js';
import { MAX_FOLLOWS, MAX_RATINGS, normalizeFollowValue, type FollowKind, type RatingValue } from './signal-limits.js';
import { countFollows, countRatings, deleteFollow, deleteRating, insertFollow, upsertRating } from './signals.repository.js';

/** What the rating and follow use-cases need from the app's dependencies. */
export interface SignalsDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
}

function assertMayUseSignals(actor: Actor): void {
  if (actor.banned) throw new Refused('forbidden', 'Your account is banned.');
}

/** Rates a visible paper "more like this" (1) or "less like this" (-1), replacing an earlier rating. */
export async function ratePaper(
  deps: SignalsDeps,
  actor: Actor,
  input: { paperId: string; value: RatingValue },
): Promise<{ created: boolean }> {
  assertMayUseSignals(actor);
  if (input.value !== 1 && input.value !== -1) throw new Refused('invalid', 'A rating is 1 (more like this) or -1 (less like this).');
  const now = deps.now().toISOString();
  const created = await deps.store.db.transaction().execute(async (trx) => {
    await requireVisiblePaper(trx, input.paperId);
    const isNew = await upsertRating(trx, actor.id, input.paperId, input.value, now);
    if (isNew && (await countRatings(trx, actor.id)) > MAX_RATINGS) {
      throw new Refused('conflict', `You can rate at most ${MAX_RATINGS} papers; clear some ratings first.`);
    }
    return isNew;
  });
  deps.writes.announce({ kind: 'rating', userIds: [actor.id] });
  return { created };
}

/** Clears the actor's rating of a paper; false when there was none. */
export async function clearRating(deps: SignalsDeps, actor: Actor, input: { paperId: string }): Promise<boolean> {
  assertMayUseSignals(actor);
  const cleared = await deps.store.db.transaction().execute((trx) => deleteRating(trx, actor.id, input.paperId));
  if (cleared) deps.writes.announce({ kind: 'rating', userIds: [actor.id] });
  return cleared;
}

export interface FollowInput {
  readonly kind: FollowKind;
  readonly value: string;
}

/** Follows an author, a category or a saved search; returns the value as stored and whether it is new. */
export async function follow(deps: SignalsDeps, actor: Actor, input: FollowInput): Promise<{ value: string; created: boolean }> {
  assertMayUseSignals(actor);
  const value = normalizeFollowValue(input.kind, input.value);
  const now = deps.now().toISOString();
  const created = await deps.store.db.transaction().execute(async (trx) => {
    const isNew = await insertFollow(trx, actor.id, input.kind, value, now);
    if (isNew && (await countFollows(trx, actor.id)) > MAX_FOLLOWS) {
      throw new Refused('conflict', `You can follow at most ${MAX_FOLLOWS} authors, categories and searches; unfollow some first.`);
    }
    return isNew;
  });
  if (created) deps.writes.announce({ kind: 'follow', userIds: [actor.id] });
  return { value, created };
}

/** Stops following; false when the actor did not follow it. A value that cannot be followed is not followed. */
export async function unfollow(deps: SignalsDeps, actor: Actor, input: FollowInput): Promise<{ value: string; removed: boolean }> {
  assertMayUseSignals(actor);
  let value: string;
  try {
    value = normalizeFollowValue(input.kind, input.value);
  } catch (error) {
    if (error instanceof Refused) return { value: input.value, removed: false };
    throw error;
  }
  const removed = await deps.store.db.transaction().execute((trx) => deleteFollow(trx, actor.id, input.kind, value));
  if (removed) deps.writes.announce({ kind: 'follow', userIds: [actor.id] });
  return { value, removed };
}
