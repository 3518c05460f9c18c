import { sql } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { NotificationKind } from './notifications.table.js';

export interface NewNotification {
  readonly userId: number;
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly paperId: string;
  readonly commentId: number | null;
}

/** Columns per notification row, for batching under the engine's parameter limit. */
const NOTIFICATION_COLUMNS = 6;

/** Inserts notifications, skipping any the reader already has for the same subject; returns how many are new. */
export async function insertNotifications(
  db: Queryable,
  maxParameters: number,
  rows: readonly NewNotification[],
  now: string,
): Promise<number> {
  const unique = new Map(rows.map((row) => [`${row.userId}\0${row.subject}`, row]));
  const all = [...unique.values()];
  const batch = Math.max(1, Math.floor(maxParameters / NOTIFICATION_COLUMNS));
  let created = 0;
  for (let start = 0; start < all.length; start += batch) {
    const result = await db
      .insertInto('notifications')
      .values(
        all.slice(start, start + batch).map((row) => ({
          user_id: row.userId,
          kind: row.kind,
          subject: row.subject,
          paper_id: row.paperId,
          comment_id: row.commentId,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'subject']).doNothing())
      .returning('id')
      .execute();
    created += result.length;
  }
  return created;
}

/**
 * Inserts "new paper by an author you follow" notifications for (reader, paper) pairs: two parameters a row, the
 * constant columns filled in by the statement (an import may create tens of thousands in one run).
 */
export async function insertFollowedAuthorNotifications(
  db: Queryable,
  maxParameters: number,
  pairs: readonly (readonly [userId: number, paperId: string])[],
  now: string,
): Promise<number> {
  const batch = Math.max(1, Math.floor((maxParameters - 1) / 2));
  let created = 0;
  for (let start = 0; start < pairs.length; start += batch) {
    const values = sql.join(pairs.slice(start, start + batch).map(([userId, paperId]) => sql`(${userId}, ${paperId})`));
    // VALUES columns are column1, column2 on both engines; `WHERE true` keeps SQLite from reading ON CONFLICT as a join.
    const result = await sql<{ id: number }>`
      INSERT INTO notifications (user_id, kind, subject, paper_id, created_at)
      SELECT CAST(v.column1 AS integer), 'followed-author', 'paper:' || v.column2, v.column2, ${now}
      FROM (VALUES ${values}) AS v
      WHERE true
      ON CONFLICT (user_id, subject) DO NOTHING
      RETURNING id`.execute(db);
    created += result.rows.length;
  }
  return created;
}

/** Unread notifications are counted up to this; the header shows "99+" beyond. */
export const UNREAD_COUNT_CAP = 100;

/**
 * Notifications about papers readers can see: one about a paper moderators hid is left out of lists and counts (and
 * comes back if the paper is shown again).
 */
function visibleNotifications(db: Queryable) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('papers as p', (join) => join.onRef('p.id', '=', 'n.paper_id').on('p.hidden', '=', 0));
}

/**
 * The reader's unread notifications, counted up to UNREAD_COUNT_CAP: one index range scan of (user_id, read_at), each
 * paper checked in the (id, hidden) index.
 */
export async function countUnread(db: Queryable, userId: number): Promise<number> {
  const row = await db
    .selectFrom(
      visibleNotifications(db)
        .select('n.id')
        .where('n.user_id', '=', userId)
        .where('n.read_at', 'is', null)
        .limit(UNREAD_COUNT_CAP)
        .as('unread'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface NotificationItem {
  readonly id: number;
  readonly kind: NotificationKind;
  readonly paperId: string;
  readonly paperTitle: string;
  readonly commentId: number | null;
  /** Who wrote the reply or mention; null for papers, or when the comment is gone. */
  readonly actor: string | null;
  /** The comment's text, for a short excerpt; null for papers and removed comments. */
  readonly commentBody: string | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

function listQuery(db: Queryable) {
  return visibleNotifications(db)
    .leftJoin('comments as c', 'c.id', 'n.comment_id')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'n.id',
      'n.kind',
      'n.paper_id',
      'p.title',
      'n.comment_id',
      'u.username',
      'c.body',
      'c.deleted',
      'c.hidden',
      'n.created_at',
      'n.read_at',
    ]);
}

type ListRow = Awaited<ReturnType<ReturnType<typeof listQuery>['executeTakeFirstOrThrow']>>;

function toItem(row: ListRow): NotificationItem {
  const removed = Boolean(row.deleted) || Boolean(row.hidden);
  return {
    id: Number(row.id),
    kind: row.kind,
    paperId: row.paper_id,
    paperTitle: row.title,
    commentId: row.comment_id === null ? null : Number(row.comment_id),
    actor: removed ? null : (row.username ?? null),
    commentBody: removed ? null : (row.body ?? null),
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

/** One page of the reader's notifications, newest first. */
export async function listNotifications(db: Queryable, userId: number, options: { offset: number; limit: number; unreadOnly?: boolean }) {
  let query = listQuery(db).where('n.user_id', '=', userId);
  if (options.unreadOnly) query = query.where('n.read_at', 'is', null);
  const rows = await query.orderBy('n.id', 'desc').limit(options.limit).offset(options.offset).execute();
  return rows.map(toItem);
}

/** The notifications an email carries that are still unread, oldest first. */
export async function unreadNotificationsOfEmail(db: Queryable, userId: number, emailId: number): Promise<NotificationItem[]> {
  const rows = await listQuery(db)
    .where('n.user_id', '=', userId)
    .where('n.email_id', '=', emailId)
    .where('n.read_at', 'is', null)
    .orderBy('n.id')
    .execute();
  return rows.map(toItem);
}

export async function countNotifications(db: Queryable, userId: number): Promise<number> {
  const row = await visibleNotifications(db)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('n.user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the reader's notifications read: the given ones, or all of them. Only the reader's own rows are touched. */
export async function markRead(db: Queryable, userId: number, ids: readonly number[] | 'all', now: string): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let query = db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') query = query.where('id', 'in', [...ids]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The author of a live comment (not deleted, hidden, or by a banned or erased account), or null. */
export async function findCommentAuthor(db: Queryable, commentId: number): Promise<number | null> {
  const row = await db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.user_id')
    .select('comments.user_id')
    .where('comments.id', '=', commentId)
    .where('comments.deleted', '=', 0)
    .where('comments.hidden', '=', 0)
    .where('users.banned', '=', 0)
    .executeTakeFirst();
  return row ? Number(row.user_id) : null;
}
