import type { Store } from '../db/database.js';
import type { WriteAnnouncer } from '../write-events.js';
import { CommunityError } from './community-error.js';

/** What the community use-cases need from the app's dependencies. */
export interface CommunityDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
}

/** Who is acting: just what the rules need. */
export interface Actor {
  readonly id: number;
  readonly isAdmin: boolean;
  readonly banned: boolean;
}

export function assertNotBanned(actor: Actor): void {
  if (actor.banned) throw new CommunityError('forbidden', 'Your account is banned from taking part.');
}

export function assertAdmin(actor: Actor): void {
  assertNotBanned(actor);
  if (!actor.isAdmin) throw new CommunityError('forbidden', 'Only admins can do this.');
}
