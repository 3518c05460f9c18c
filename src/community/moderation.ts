import type { User } from '../accounts/user.js';
import { assertAdmin, type Actor, type CommunityDeps } from './community-deps.js';
import { CommunityError } from './community-error.js';

/** Hides (or shows again) a paper everywhere: feeds, search results, its page. */
export async function setPaperHidden(deps: CommunityDeps, actor: Actor, input: { paperId: string; hidden: boolean }): Promise<void> {
  assertAdmin(actor);
  const result = await deps.store.db.transaction().execute((trx) =>
    trx
      .updateTable('papers')
      .set({ hidden: input.hidden ? 1 : 0 })
      .where('id', '=', input.paperId)
      .executeTakeFirst(),
  );
  if (Number(result.numUpdatedRows) === 0) throw new CommunityError('not_found', `No paper with id ${input.paperId}.`);
  deps.writes.announce({ kind: 'paper-visibility', paperIds: [input.paperId] });
}

/** The account operations banning needs (the account service owns the ban's own transaction). */
export interface BanDeps extends CommunityDeps {
  readonly accounts: {
    findUser(username: string): Promise<User | null>;
    setBanned(username: string, banned: boolean): Promise<User | null>;
  };
}

/** Bans (or unbans) a user by name; an admin cannot ban themselves. */
export async function banUser(deps: BanDeps, actor: Actor, input: { username: string; banned: boolean }): Promise<User> {
  assertAdmin(actor);
  const target = await deps.accounts.findUser(input.username);
  if (!target) throw new CommunityError('not_found', `No user named ${input.username}.`);
  if (target.id === actor.id) throw new CommunityError('invalid', 'You cannot ban yourself.');
  const user = await deps.accounts.setBanned(target.username, input.banned);
  if (!user) throw new CommunityError('not_found', `No user named ${input.username}.`);
  deps.writes.announce({ kind: 'user-ban', userIds: [user.id] });
  return user;
}
