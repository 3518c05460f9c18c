import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { CommunityError } from './community-error.js';
import {
  findComment,
  insertComment,
  listPaperComments,
  markCommentDeleted,
  setCommentHidden,
  updateCommentBody,
  type CommentRow,
} from './comments.repository.js';

/** Authors may edit or delete a comment for this long after posting it. */
export const COMMENT_EDIT_WINDOW_MS = 30 * 60 * 1000;
export const MAX_COMMENT_LENGTH = 10_000;

/** Who is acting: just what the rules need. */
export interface Actor {
  readonly id: number;
  readonly isAdmin: boolean;
  readonly banned: boolean;
}

export interface CommentNode {
  readonly comment: CommentRow;
  readonly replies: CommentNode[];
}

function cleanBody(raw: string): string {
  const body = raw.replace(/\r\n?/g, '\n').trim();
  if (body === '') throw new CommunityError('invalid', 'A comment cannot be empty.');
  if (body.length > MAX_COMMENT_LENGTH) {
    throw new CommunityError('invalid', `A comment can be at most ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters.`);
  }
  return body;
}

function assertNotBanned(actor: Actor): void {
  if (actor.banned) throw new CommunityError('forbidden', 'Your account is banned from taking part.');
}

export function canEdit(comment: CommentRow, actor: Actor | null, now: Date): boolean {
  return (
    actor !== null &&
    actor.id === comment.userId &&
    !actor.banned &&
    !comment.deleted &&
    !comment.hidden &&
    now.getTime() - Date.parse(comment.createdAt) <= COMMENT_EDIT_WINDOW_MS
  );
}

export async function postComment(
  db: Kysely<DB>,
  actor: Actor,
  input: { paperId: string; parentId: number | null; body: string },
  now: Date,
): Promise<number> {
  assertNotBanned(actor);
  const body = cleanBody(input.body);
  return db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select(['id', 'hidden']).where('id', '=', input.paperId).executeTakeFirst();
    if (!paper || paper.hidden) throw new CommunityError('not_found', 'No such paper.');
    if (input.parentId !== null) {
      const parent = await findComment(trx, input.parentId);
      if (!parent || parent.paperId !== input.paperId) throw new CommunityError('invalid', 'The comment you reply to does not exist.');
      if (parent.deleted || parent.hidden) throw new CommunityError('invalid', 'You cannot reply to a removed comment.');
    }
    return insertComment(trx, { paperId: input.paperId, userId: actor.id, parentId: input.parentId, body }, now.toISOString());
  });
}

async function ownComment(db: Kysely<DB>, actor: Actor, commentId: number, now: Date): Promise<CommentRow> {
  const comment = await findComment(db, commentId);
  if (!comment || comment.deleted || comment.hidden) throw new CommunityError('not_found', 'No such comment.');
  if (comment.userId !== actor.id) throw new CommunityError('forbidden', 'Only the author can change this comment.');
  assertNotBanned(actor);
  if (!canEdit(comment, actor, now)) {
    throw new CommunityError('forbidden', `Comments can be changed for ${COMMENT_EDIT_WINDOW_MS / 60_000} minutes after posting.`);
  }
  return comment;
}

export async function editComment(db: Kysely<DB>, actor: Actor, commentId: number, rawBody: string, now: Date): Promise<CommentRow> {
  const comment = await ownComment(db, actor, commentId, now);
  const body = cleanBody(rawBody);
  await updateCommentBody(db, commentId, body, now.toISOString());
  return comment;
}

export async function deleteComment(db: Kysely<DB>, actor: Actor, commentId: number, now: Date): Promise<CommentRow> {
  const comment = await ownComment(db, actor, commentId, now);
  await db.transaction().execute((trx) => markCommentDeleted(trx, commentId, comment.paperId));
  return comment;
}

export async function hideComment(db: Kysely<DB>, actor: Actor, commentId: number, hidden: boolean): Promise<CommentRow> {
  if (!actor.isAdmin) throw new CommunityError('forbidden', 'Only admins can hide comments.');
  const comment = await findComment(db, commentId);
  if (!comment) throw new CommunityError('not_found', 'No such comment.');
  await db.transaction().execute((trx) => setCommentHidden(trx, commentId, comment.paperId, hidden));
  return comment;
}

/**
 * Nests comments under their parents. Deleted or hidden comments stay as placeholders only while they have
 * visible replies; admins see hidden ones.
 */
export function buildThread(rows: readonly CommentRow[], showHidden = false): CommentNode[] {
  const nodes = new Map<number, CommentNode>();
  for (const comment of rows) nodes.set(comment.id, { comment, replies: [] });
  const roots: CommentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.comment.parentId === null ? undefined : nodes.get(node.comment.parentId);
    (parent ? parent.replies : roots).push(node);
  }
  const prune = (list: CommentNode[]): CommentNode[] =>
    list
      .map((node) => ({ comment: node.comment, replies: prune(node.replies) }))
      .filter((node) => node.replies.length > 0 || !(node.comment.deleted || (node.comment.hidden && !showHidden)));
  return prune(roots);
}

export async function paperThread(db: Kysely<DB>, paperId: string, showHidden: boolean): Promise<CommentNode[]> {
  return buildThread(await listPaperComments(db, paperId), showHidden);
}
