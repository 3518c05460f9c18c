import type { Actor } from '../community/community-deps.js';
import type { Store } from '../db/database.js';
import { requireVisiblePaper } from '../papers/visible-paper.js';
import { Refused } from '../refused.js';
import type { WriteAnnouncer } from '../write-events.js';
import { checkNote, MAX_LIBRARY_SIZE, normalizeTag, parseTags } from './library-limits.js';
import {
  countLibrary,
  deleteLibraryItem,
  entryTags,
  insertLibraryItem,
  publicTagsOf,
  replaceTags,
  setTagPublicRow,
  updateLibraryNote,
} from './library.repository.js';

/** What the library use-cases need from the app's dependencies. */
export interface LibraryDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
}

export function assertMayUseLibrary(actor: Actor): void {
  if (actor.banned) throw new Refused('forbidden', 'Your account is banned.');
}

export interface SaveInput {
  readonly paperId: string;
  /** Replaces the entry's tags when given (a comma-separated field or a list); kept otherwise. */
  readonly tags?: string | readonly string[];
  /** Replaces the note when given; kept otherwise. */
  readonly note?: string;
}

export interface SavedEntry {
  readonly paperId: string;
  readonly tags: readonly string[];
  readonly note: string;
  /** True when the paper was not in the library before. */
  readonly created: boolean;
}

/** Announces a library change; public only when a touched tag is public, since only then can a shared page change. */
async function announce(deps: LibraryDeps, userId: number, touchedTags: readonly string[]): Promise<void> {
  const publicTags = touchedTags.length > 0 ? await publicTagsOf(deps.store.db, userId) : new Set<string>();
  deps.writes.announce({ kind: 'library', userIds: [userId], public: touchedTags.some((t) => publicTags.has(t)) });
}

/** Saves a visible paper to the actor's library, or updates its tags and note when already saved. */
export async function saveToLibrary(deps: LibraryDeps, actor: Actor, input: SaveInput): Promise<SavedEntry> {
  assertMayUseLibrary(actor);
  const tags = input.tags === undefined ? undefined : parseTags(input.tags);
  const note = input.note === undefined ? undefined : checkNote(input.note);
  const now = deps.now().toISOString();
  const result = await deps.store.db.transaction().execute(async (trx) => {
    await requireVisiblePaper(trx, input.paperId);
    const before = await entryTags(trx, actor.id, input.paperId);
    const created = await insertLibraryItem(trx, actor.id, input.paperId, note ?? '', now);
    if (created && (await countLibrary(trx, actor.id)) > MAX_LIBRARY_SIZE) {
      throw new Refused('conflict', `A library holds at most ${MAX_LIBRARY_SIZE} papers; remove some first.`);
    }
    if (!created && note !== undefined) await updateLibraryNote(trx, actor.id, input.paperId, note, now);
    if (tags !== undefined) await replaceTags(trx, actor.id, input.paperId, tags);
    const after = tags ?? before;
    const row = await trx
      .selectFrom('library_items')
      .select('note')
      .where('user_id', '=', actor.id)
      .where('paper_id', '=', input.paperId)
      .executeTakeFirstOrThrow();
    return { created, before, after, note: row.note };
  });
  await announce(deps, actor.id, [...new Set([...result.before, ...result.after])]);
  return { paperId: input.paperId, tags: result.after, note: result.note, created: result.created };
}

/** Removes a paper from the actor's library; false when it was not there. */
export async function removeFromLibrary(deps: LibraryDeps, actor: Actor, input: { paperId: string }): Promise<boolean> {
  assertMayUseLibrary(actor);
  const tags = await deps.store.db.transaction().execute((trx) => deleteLibraryItem(trx, actor.id, input.paperId));
  if (tags === null) return false;
  await announce(deps, actor.id, tags);
  return true;
}

/** Makes one of the actor's tags public (readable at /u/<name>/c/<tag>) or private again. */
export async function setTagVisibility(deps: LibraryDeps, actor: Actor, input: { tag: string; public: boolean }): Promise<string> {
  assertMayUseLibrary(actor);
  const tag = normalizeTag(input.tag);
  if (!tag) throw new Refused('invalid', 'No such tag.');
  await deps.store.db.transaction().execute(async (trx) => {
    const used = await trx
      .selectFrom('library_item_tags')
      .select('tag')
      .where('user_id', '=', actor.id)
      .where('tag', '=', tag)
      .limit(1)
      .executeTakeFirst();
    if (!used && input.public) throw new Refused('not_found', `You have no papers tagged "${tag}".`);
    await setTagPublicRow(trx, actor.id, tag, input.public, deps.now().toISOString());
  });
  deps.writes.announce({ kind: 'library', userIds: [actor.id], public: true });
  return tag;
}
