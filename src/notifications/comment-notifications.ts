import type { Queryable } from '../db/schema.js';
import { usersNamed } from '../accounts/users.repository.js';
import { findCommentAuthor, insertNotifications, type NewNotification } from './notifications.repository.js';

export interface PostedComment {
  readonly commentId: number;
  readonly paperId: string;
  readonly authorId: number;
  /** The comment replied to, if any. */
  readonly parentId: number | null;
  /** Usernames written as `@name` in the comment's prose. */
  readonly mentioned: readonly string[];
}

/**
 * Notifies, in the comment's own transaction, the author of the comment replied to and every existing reader the
 * comment mentions — never the comment's author. Both are about the same comment, so a reader replied to and
 * mentioned at once gets one notification (the reply). Posting is idempotent per (reader, comment), so an edit
 * that adds a mention notifies only the newly mentioned.
 */
export async function notifyAboutComment(db: Queryable, maxParameters: number, comment: PostedComment, now: string): Promise<number> {
  const subject = `comment:${comment.commentId}`;
  // One notification per reader: the reply, pushed first, wins over a mention of the same reader.
  const rows = new Map<number, NewNotification>();
  const add = (row: NewNotification) => {
    if (!rows.has(row.userId)) rows.set(row.userId, row);
  };
  if (comment.parentId !== null) {
    const parentAuthor = await findCommentAuthor(db, comment.parentId);
    if (parentAuthor !== null && parentAuthor !== comment.authorId) {
      add({ userId: parentAuthor, kind: 'reply', subject, paperId: comment.paperId, commentId: comment.commentId });
    }
  }
  for (const user of await usersNamed(db, comment.mentioned)) {
    if (user.id === comment.authorId) continue;
    add({ userId: user.id, kind: 'mention', subject, paperId: comment.paperId, commentId: comment.commentId });
  }
  return insertNotifications(db, maxParameters, [...rows.values()], now);
}
