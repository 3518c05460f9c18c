import { sql } from 'kysely';
import type { Queryable } from '../db/schema.js';

export interface CommentRow {
  readonly id: number;
  readonly paperId: string;
  readonly userId: number;
  readonly username: string;
  readonly parentId: number | null;
  readonly body: string;
  readonly createdAt: string;
  readonly editedAt: string | null;
  readonly deleted: boolean;
  readonly hidden: boolean;
}

function baseQuery(db: Queryable) {
  return db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.user_id')
    .select([
      'comments.id',
      'comments.paper_id',
      'comments.user_id',
      'users.username',
      'comments.parent_id',
      'comments.body',
      'comments.created_at',
      'comments.edited_at',
      'comments.deleted',
      'comments.hidden',
    ]);
}

type RawRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toComment(row: RawRow): CommentRow {
  return {
    id: Number(row.id),
    paperId: row.paper_id,
    userId: Number(row.user_id),
    username: row.username,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    body: row.body,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deleted: Boolean(row.deleted),
    hidden: Boolean(row.hidden),
  };
}

/** Every comment on a paper, oldest first (the thread builder nests them). */
export async function listPaperComments(db: Queryable, paperId: string): Promise<CommentRow[]> {
  const rows = await baseQuery(db).where('comments.paper_id', '=', paperId).orderBy('comments.created_at').orderBy('comments.id').execute();
  return rows.map(toComment);
}

export async function findComment(db: Queryable, id: number): Promise<CommentRow | null> {
  const row = await baseQuery(db).where('comments.id', '=', id).executeTakeFirst();
  return row ? toComment(row) : null;
}

/** Re-derives the paper's visible comment count from the comments table, in the caller's transaction. */
async function refreshCommentCount(db: Queryable, paperId: string): Promise<void> {
  await db
    .updateTable('papers')
    .set({
      local_comments: sql<number>`(SELECT count(*) FROM comments WHERE comments.paper_id = ${paperId} AND comments.deleted = 0 AND comments.hidden = 0)`,
    })
    .where('id', '=', paperId)
    .execute();
}

export async function insertComment(
  trx: Queryable,
  comment: { paperId: string; userId: number; parentId: number | null; body: string },
  now: string,
): Promise<number> {
  const row = await trx
    .insertInto('comments')
    .values({ paper_id: comment.paperId, user_id: comment.userId, parent_id: comment.parentId, body: comment.body, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await refreshCommentCount(trx, comment.paperId);
  return Number(row.id);
}

export async function updateCommentBody(trx: Queryable, id: number, body: string, now: string): Promise<void> {
  await trx.updateTable('comments').set({ body, edited_at: now }).where('id', '=', id).execute();
}

/** Marks the comment deleted and blanks its text; replies stay attached to the placeholder. */
export async function markCommentDeleted(trx: Queryable, id: number, paperId: string): Promise<void> {
  await trx.updateTable('comments').set({ deleted: 1, body: '' }).where('id', '=', id).execute();
  await refreshCommentCount(trx, paperId);
}

export async function setCommentHidden(trx: Queryable, id: number, paperId: string, hidden: boolean): Promise<void> {
  await trx
    .updateTable('comments')
    .set({ hidden: hidden ? 1 : 0 })
    .where('id', '=', id)
    .execute();
  await refreshCommentCount(trx, paperId);
}

export async function countUserComments(db: Queryable, userId: number): Promise<number> {
  const row = await db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('deleted', '=', 0)
    .where('hidden', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
