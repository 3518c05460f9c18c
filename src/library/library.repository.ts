import type { Queryable } from '../db/schema.js';
import type { Paper } from '../papers/paper.js';
import { PAPER_EXTRA_COLUMNS, toPaper } from '../papers/papers.repository.js';
import { MAX_LIBRARY_SIZE } from './library-limits.js';

/** One saved paper with what its reader added. */
export interface LibraryEntry {
  readonly paper: Paper;
  readonly note: string;
  readonly tags: readonly string[];
  readonly savedAt: string;
}

export interface TagSummary {
  readonly tag: string;
  readonly papers: number;
  readonly public: boolean;
}

/** Which of these papers the user has saved (one query, like votedPaperIds). */
export async function savedPaperIds(db: Queryable, userId: number, paperIds: readonly string[]): Promise<Set<string>> {
  if (paperIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('library_items')
    .select('paper_id')
    .where('user_id', '=', userId)
    .where('paper_id', 'in', [...paperIds])
    .execute();
  return new Set(rows.map((r) => r.paper_id));
}

export async function countLibrary(db: Queryable, userId: number): Promise<number> {
  const row = await db
    .selectFrom('library_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts the entry if missing; returns true when it was new. */
export async function insertLibraryItem(trx: Queryable, userId: number, paperId: string, note: string, now: string): Promise<boolean> {
  const rows = await trx
    .insertInto('library_items')
    .values({ user_id: userId, paper_id: paperId, note, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
    .returning('paper_id')
    .execute();
  return rows.length > 0;
}

export async function updateLibraryNote(trx: Queryable, userId: number, paperId: string, note: string, now: string): Promise<void> {
  await trx
    .updateTable('library_items')
    .set({ note, updated_at: now })
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .execute();
}

export async function entryTags(db: Queryable, userId: number, paperId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('library_item_tags')
    .select('tag')
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .orderBy('tag')
    .execute();
  return rows.map((r) => r.tag);
}

export async function replaceTags(trx: Queryable, userId: number, paperId: string, tags: readonly string[]): Promise<void> {
  await trx.deleteFrom('library_item_tags').where('user_id', '=', userId).where('paper_id', '=', paperId).execute();
  await addTags(trx, userId, paperId, tags);
}

export async function addTags(trx: Queryable, userId: number, paperId: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  await trx
    .insertInto('library_item_tags')
    .values(tags.map((tag) => ({ user_id: userId, paper_id: paperId, tag })))
    .onConflict((oc) => oc.columns(['user_id', 'paper_id', 'tag']).doNothing())
    .execute();
}

/** Removes the entry with its tags; returns the tags it had (null when it was not saved). */
export async function deleteLibraryItem(trx: Queryable, userId: number, paperId: string): Promise<string[] | null> {
  const tags = await entryTags(trx, userId, paperId);
  await trx.deleteFrom('library_item_tags').where('user_id', '=', userId).where('paper_id', '=', paperId).execute();
  const deleted = await trx
    .deleteFrom('library_items')
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .returning('paper_id')
    .execute();
  return deleted.length > 0 ? tags : null;
}

export async function publicTagsOf(db: Queryable, userId: number): Promise<Set<string>> {
  const rows = await db.selectFrom('library_public_tags').select('tag').where('user_id', '=', userId).execute();
  return new Set(rows.map((r) => r.tag));
}

export async function setTagPublicRow(trx: Queryable, userId: number, tag: string, isPublic: boolean, now: string): Promise<void> {
  if (isPublic) {
    await trx
      .insertInto('library_public_tags')
      .values({ user_id: userId, tag, made_public_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'tag']).doNothing())
      .execute();
  } else {
    await trx.deleteFrom('library_public_tags').where('user_id', '=', userId).where('tag', '=', tag).execute();
  }
}

/** The reader's tags with how many papers carry each, and whether each is public. */
export async function libraryTags(db: Queryable, userId: number): Promise<TagSummary[]> {
  const [rows, publicTags] = await Promise.all([
    db
      .selectFrom('library_item_tags')
      .select(['tag', (eb) => eb.fn.countAll<number>().as('n')])
      .where('user_id', '=', userId)
      .groupBy('tag')
      .orderBy('tag')
      .execute(),
    publicTagsOf(db, userId),
  ]);
  return rows.map((r) => ({ tag: r.tag, papers: Number(r.n), public: publicTags.has(r.tag) }));
}

/**
 * Every entry of a library (or of one tag), newest first, with its paper and tags, in two queries. Libraries are
 * capped at MAX_LIBRARY_SIZE, so the caller filters and pages in memory. Hidden papers are left out.
 */
export async function loadLibrary(db: Queryable, userId: number, tag?: string): Promise<LibraryEntry[]> {
  let select = db
    .selectFrom('library_items')
    .innerJoin('papers', 'papers.id', 'library_items.paper_id')
    .leftJoin('code_repos', 'code_repos.paper_id', 'papers.id')
    .leftJoin('organizations', 'organizations.name', 'papers.organization_name')
    .selectAll('papers')
    .select([...PAPER_EXTRA_COLUMNS, 'library_items.note', 'library_items.created_at as saved_at'])
    .where('library_items.user_id', '=', userId)
    .where('papers.hidden', '=', 0);
  if (tag !== undefined) {
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('library_item_tags')
          .select('library_item_tags.tag')
          .whereRef('library_item_tags.user_id', '=', 'library_items.user_id')
          .whereRef('library_item_tags.paper_id', '=', 'library_items.paper_id')
          .where('library_item_tags.tag', '=', tag),
      ),
    );
  }
  const [rows, tagRows] = await Promise.all([
    select.orderBy('library_items.created_at', 'desc').orderBy('papers.id', 'desc').limit(MAX_LIBRARY_SIZE).execute(),
    db.selectFrom('library_item_tags').select(['paper_id', 'tag']).where('user_id', '=', userId).orderBy('tag').execute(),
  ]);
  const tagsByPaper = new Map<string, string[]>();
  for (const row of tagRows) {
    const list = tagsByPaper.get(row.paper_id) ?? [];
    list.push(row.tag);
    tagsByPaper.set(row.paper_id, list);
  }
  return rows.map((row) => ({
    paper: toPaper(row),
    note: row.note,
    tags: tagsByPaper.get(row.id) ?? [],
    savedAt: row.saved_at,
  }));
}

/** The user id behind a username, case-insensitively; banned users' public collections stay visible like their profile. */
export async function userIdByName(db: Queryable, username: string): Promise<{ id: number; username: string } | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  return row ? { id: Number(row.id), username: row.username } : null;
}

/** Ids of the papers carrying one of the reader's tags (at most a library's size). */
export async function taggedPaperIds(db: Queryable, userId: number, tag: string): Promise<string[]> {
  const rows = await db
    .selectFrom('library_item_tags')
    .select('paper_id')
    .where('user_id', '=', userId)
    .where('tag', '=', tag)
    .limit(MAX_LIBRARY_SIZE)
    .execute();
  return rows.map((r) => r.paper_id);
}
