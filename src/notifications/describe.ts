import type { NotificationItem } from './notifications.repository.js';

/** Longest comment excerpt shown with a reply or mention. */
const EXCERPT_LENGTH = 200;

/** What happened, in one sentence, for the page and the email alike. */
export function notificationHeadline(item: NotificationItem): string {
  const who = item.actor ?? 'Someone';
  switch (item.kind) {
    case 'reply':
      return `${who} replied to your comment on “${item.paperTitle}”`;
    case 'mention':
      return `${who} mentioned you on “${item.paperTitle}”`;
    case 'followed-author':
      return `New paper by an author you follow: “${item.paperTitle}”`;
  }
}

/** The start of the comment's text on one line, or null (papers, removed comments). */
export function notificationExcerpt(item: NotificationItem): string | null {
  if (item.commentBody === null) return null;
  const flat = item.commentBody.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
}

/** Where a notification leads: the comment in its thread, or the paper. */
export function notificationPath(item: Pick<NotificationItem, 'paperId' | 'commentId'>): string {
  const paper = `/papers/${encodeURIComponent(item.paperId)}`;
  return item.commentId === null ? paper : `${paper}#comment-${item.commentId}`;
}
