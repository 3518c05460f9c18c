import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { notifyAboutComment } from '../notifications/comment-notifications.js';
import { requireVisiblePaper } from '../papers/visible-paper.js';
import { stripUnsafeText } from '../security/text-safety.js';
import { assertAdmin, assertNotBanned, type Actor, type CommunityDeps } from './community-deps.js';
import { CommunityError } from './community-error.js';
import { usersNamed } from '../accounts/users.repository.js';
import { mentionedUsernames, type KnownMentions } from './mentions.js';
import {
  findComment,
  insertComment,
  listPaperComments,
  markCommentDeleted,
  setCommentHidden,
  updateCommentBody,
  type CommentRow,
} from './comments.repository.js';

export type { Actor } from './community-deps.js';

/** Authors may edit or delete a comment for this long after posting it. */
export const COMMENT_EDIT_WINDOW_MS = 30 * 60 * 1000;
export const MAX_COMMENT_LENGTH = 10_000;

export interface CommentNode {
  readonly comment: CommentRow;
  readonly replies: CommentNode[];
}

/** A paper's comments, nested, and the accounts they mention that exist (for links to their profiles). */
export interface PaperThread {
  readonly nodes: CommentNode[];
  readonly mentions: KnownMentions;
}

/** Which comment a use-case wrote, and on which paper. */
export interface CommentRef {
  readonly commentId: number;
  readonly paperId: string;
}

function cleanBody(raw: string): string {
  const body = stripUnsafeText(raw).trim();
  if (body === '') throw new CommunityError('invalid', 'A comment cannot be empty.');
  if (body.length > MAX_COMMENT_LENGTH) {
    throw new CommunityError('invalid', `A comment can be at most ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters.`);
  }
  return body;
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

function announced(deps: CommunityDeps, ref: CommentRef): CommentRef {
  deps.writes.announce({ kind: 'comment', paperIds: [ref.paperId] });
  return ref;
}

/** Posts a comment (or a reply) on a visible paper. */
export async function postComment(
  deps: CommunityDeps,
  actor: Actor,
  input: { paperId: string; parentId: number | null; body: string },
): Promise<CommentRef> {
  assertNotBanned(actor);
  const body = cleanBody(input.body);
  const commentId = await deps.store.db.transaction().execute(async (trx) => {
    await requireVisiblePaper(trx, input.paperId);
    if (input.parentId !== null) {
      const parent = await findComment(trx, input.parentId);
      if (!parent || parent.paperId !== input.paperId) throw new CommunityError('invalid', 'The comment you reply to does not exist.');
      if (parent.deleted || parent.hidden) throw new CommunityError('invalid', 'You cannot reply to a removed comment.');
    }
    const now = deps.now().toISOString();
    const id = await insertComment(trx, { paperId: input.paperId, userId: actor.id, parentId: input.parentId, body }, now);
    const comment = {
      commentId: id,
      paperId: input.paperId,
      authorId: actor.id,
      parentId: input.parentId,
      mentioned: mentionedUsernames(body),
    };
    await notifyAboutComment(trx, deps.store.capabilities.maxParameters, comment, now);
    return id;
  });
  return announced(deps, { commentId, paperId: input.paperId });
}

/** The actor's own live comment on a visible paper, still inside the edit window. */
async function ownComment(db: Kysely<DB>, actor: Actor, commentId: number, now: Date): Promise<CommentRow> {
  assertNotBanned(actor);
  const comment = await findComment(db, commentId);
  if (!comment || comment.deleted || comment.hidden) throw new CommunityError('not_found', 'No such comment.');
  await requireVisiblePaper(db, comment.paperId);
  if (comment.userId !== actor.id) throw new CommunityError('forbidden', 'Only the author can change this comment.');
  if (!canEdit(comment, actor, now)) {
    throw new CommunityError('forbidden', `Comments can be changed for ${COMMENT_EDIT_WINDOW_MS / 60_000} minutes after posting.`);
  }
  return comment;
}

export async function editComment(deps: CommunityDeps, actor: Actor, input: { commentId: number; body: string }): Promise<CommentRef> {
  const body = cleanBody(input.body);
  const now = deps.now();
  const comment = await deps.store.db.transaction().execute(async (trx) => {
    const own = await ownComment(trx, actor, input.commentId, now);
    await updateCommentBody(trx, own.id, body, now.toISOString());
    // Only readers the edit newly mentions hear of it: the others already have this comment's notification.
    const comment = { commentId: own.id, paperId: own.paperId, authorId: actor.id, parentId: null, mentioned: mentionedUsernames(body) };
    await notifyAboutComment(trx, deps.store.capabilities.maxParameters, comment, now.toISOString());
    return own;
  });
  return announced(deps, { commentId: comment.id, paperId: comment.paperId });
}

export async function deleteComment(deps: CommunityDeps, actor: Actor, input: { commentId: number }): Promise<CommentRef> {
  const now = deps.now();
  const comment = await deps.store.db.transaction().execute(async (trx) => {
    const own = await ownComment(trx, actor, input.commentId, now);
    await markCommentDeleted(trx, own.id, own.paperId);
    return own;
  });
  return announced(deps, { commentId: comment.id, paperId: comment.paperId });
}

/**
 * Hides (or shows again) a comment. Admins may do this on a hidden paper too: they still see it, and cleaning up
 * its thread before showing it again is part of moderating it.
 */
export async function hideComment(deps: CommunityDeps, actor: Actor, input: { commentId: number; hidden: boolean }): Promise<CommentRef> {
  assertAdmin(actor);
  const comment = await deps.store.db.transaction().execute(async (trx) => {
    const found = await findComment(trx, input.commentId);
    if (!found) throw new CommunityError('not_found', 'No such comment.');
    await setCommentHidden(trx, found.id, found.paperId, input.hidden);
    return found;
  });
  return announced(deps, { commentId: comment.id, paperId: comment.paperId });
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

export async function paperThread(db: Kysely<DB>, paperId: string, showHidden: boolean): Promise<PaperThread> {
  const rows = await listPaperComments(db, paperId);
  const nodes = buildThread(rows, showHidden);
  const names = new Set<string>();
  for (const row of rows) if (!row.deleted) for (const name of mentionedUsernames(row.body)) names.add(name);
  const users = await usersNamed(db, [...names]);
  return { nodes, mentions: new Map(users.map((user) => [user.username.toLowerCase(), user.username])) };
}
