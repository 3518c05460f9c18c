import type { Queryable } from '../db/schema.js';
import type { PaperRecord } from '../papers/paper.js';
import { upsertPapers, type UpsertCounts, type UpsertOptions } from '../papers/papers.repository.js';
import { tidy } from '../signals/signal-limits.js';
import { insertFollowedAuthorNotifications } from './notifications.repository.js';

/**
 * A paper published longer ago than this is not news when it reaches the database: importing an old snapshot or
 * a backlog never floods followers with papers from years past.
 */
export const NEW_PAPER_MAX_AGE_DAYS = 30;

/**
 * Notifies the followers of the authors of papers that are new to the database (not merely updated), in the
 * transaction that inserted them, so a notification exists exactly when its paper does. Set-based: one query for
 * the followers of every author of the batch (more only when the names exceed the engine's parameter limit) and
 * one insert for the notifications; the unique (reader, paper) keeps a paper from notifying a reader twice, by
 * any path, however many of its authors they follow.
 */
export async function notifyFollowersOfNewPapers(
  db: Queryable,
  maxParameters: number,
  records: readonly Pick<PaperRecord, 'id' | 'authors' | 'publishedAt'>[],
  written: Pick<UpsertCounts, 'insertedIds'>,
  now: string,
): Promise<number> {
  if (written.insertedIds.length === 0) return 0;
  const inserted = new Set(written.insertedIds);
  const oldest = new Date(Date.parse(now) - NEW_PAPER_MAX_AGE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const papersByAuthor = new Map<string, string[]>();
  for (const record of records) {
    if (!inserted.has(record.id)) continue;
    if (record.publishedAt && record.publishedAt.slice(0, 10) < oldest) continue;
    inserted.delete(record.id);
    for (const author of new Set(record.authors.map(tidy))) {
      if (author === '') continue;
      const ids = papersByAuthor.get(author);
      if (ids) ids.push(record.id);
      else papersByAuthor.set(author, [record.id]);
    }
  }
  if (papersByAuthor.size === 0) return 0;

  const names = [...papersByAuthor.keys()];
  const chunk = Math.max(1, maxParameters - 10);
  const pairs = new Map<string, readonly [number, string]>();
  for (let start = 0; start < names.length; start += chunk) {
    const follows = await db
      .selectFrom('follows')
      .select(['user_id', 'value'])
      .where('kind', '=', 'author')
      .where('value', 'in', names.slice(start, start + chunk))
      .execute();
    for (const follow of follows) {
      for (const paperId of papersByAuthor.get(follow.value) ?? []) {
        pairs.set(`${follow.user_id}\0${paperId}`, [follow.user_id, paperId]);
      }
    }
  }
  return insertFollowedAuthorNotifications(db, maxParameters, [...pairs.values()], now);
}

/**
 * Upserts papers and notifies the followers of the new ones, in the caller's transaction: how every path that
 * writes papers for readers (imports, harvests, live sources, `paperboy add`, submissions, BibTeX imports) writes
 * them.
 */
export async function upsertPapersNotifyingFollowers(
  db: Queryable,
  maxParameters: number,
  records: readonly PaperRecord[],
  now: string,
  options: UpsertOptions = {},
): Promise<UpsertCounts> {
  const counts = await upsertPapers(db, records, now, options);
  await notifyFollowersOfNewPapers(db, maxParameters, records, counts, now);
  return counts;
}
