import { sql, type Insertable } from 'kysely';
import { columnsOf, insertRows } from '../db/bulk-rows.js';
import { capabilitiesOf } from '../db/database.js';
import type { Queryable } from '../db/schema.js';
import type { FeedEntriesTable } from './feed.table.js';
import type { FeedRecord, Paper } from '../papers/paper.js';
import { selectPaperWithRepo, toPaper } from '../papers/papers.repository.js';

export interface FeedItem {
  readonly day: string;
  readonly paper: Paper;
  readonly upvotes: number;
  readonly comments: number;
}

type FeedEntryRow = Insertable<FeedEntriesTable> & { readonly [column: string]: string | number | null };

const FEED_ENTRY_COLUMNS = columnsOf<FeedEntryRow>({
  day: 'text',
  paper_id: 'text',
  imported_upvotes: 'integer',
  imported_comments: 'integer',
  submitted_by: 'integer',
  source: 'text',
  created_at: 'text',
  submitted_on_daily_at: 'text',
  published_at: 'text',
  title: 'text',
  summary: 'text',
  source_submitter: 'text',
  media_urls: 'text',
});

/**
 * Adds feed entries; a re-import refreshes the carried-over counts instead of duplicating the entry, and fills in
 * what the entry says beyond the paper (exact times, its own title, submitter, media) without erasing what an
 * earlier import stored when this one lacks it.
 */
export async function upsertFeedEntries(db: Queryable, entries: readonly FeedRecord[], now: string): Promise<void> {
  const unique = new Map<string, FeedRecord>();
  for (const entry of entries) unique.set(`${entry.day}\u0000${entry.paperId}`, entry);
  if (unique.size === 0) return;
  const rows: FeedEntryRow[] = [...unique.values()].map((e) => ({
    day: e.day,
    paper_id: e.paperId,
    imported_upvotes: e.upvotes,
    imported_comments: e.comments,
    submitted_by: null,
    source: e.source,
    created_at: now,
    submitted_on_daily_at: e.submittedOnDailyAt ?? null,
    published_at: e.publishedAt ?? null,
    title: e.title ?? null,
    summary: e.summary ?? null,
    source_submitter: e.submittedBy ? JSON.stringify(e.submittedBy) : null,
    media_urls: e.mediaUrls ? JSON.stringify(e.mediaUrls) : null,
  }));
  // Rows go in as one array per column where the engine binds arrays; elsewhere each row binds its own parameters, so
  // the rows are split to stay under the engine's limit.
  const caps = capabilitiesOf(db);
  const perStatement = caps.arrayParameters ? rows.length : Math.max(1, Math.floor(caps.maxParameters / FEED_ENTRY_COLUMNS.length));
  for (let i = 0; i < rows.length; i += perStatement) await insertFeedRows(db, rows.slice(i, i + perStatement));
}

async function insertFeedRows(db: Queryable, rows: readonly FeedEntryRow[]): Promise<void> {
  await insertRows(db, 'feed_entries', rows, FEED_ENTRY_COLUMNS)
    .onConflict((oc) =>
      oc.columns(['day', 'paper_id']).doUpdateSet({
        imported_upvotes: sql`excluded.imported_upvotes`,
        imported_comments: sql`excluded.imported_comments`,
        submitted_on_daily_at: sql`coalesce(excluded.submitted_on_daily_at, feed_entries.submitted_on_daily_at)`,
        published_at: sql`coalesce(excluded.published_at, feed_entries.published_at)`,
        title: sql`coalesce(excluded.title, feed_entries.title)`,
        summary: sql`coalesce(excluded.summary, feed_entries.summary)`,
        source_submitter: sql`coalesce(excluded.source_submitter, feed_entries.source_submitter)`,
        media_urls: sql`coalesce(excluded.media_urls, feed_entries.media_urls)`,
      }),
    )
    .execute();
}

export async function countFeedDays(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('feed_entries')
    .select(sql<number>`count(DISTINCT day)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function feedDayRange(db: Queryable): Promise<{ first: string | null; last: string | null }> {
  const row = await db
    .selectFrom('feed_entries')
    .select((eb) => [eb.fn.min('day').as('first'), eb.fn.max('day').as('last')])
    .executeTakeFirstOrThrow();
  return { first: (row.first as string | null) ?? null, last: (row.last as string | null) ?? null };
}

export async function latestFeedDay(db: Queryable, onOrBefore?: string): Promise<string | null> {
  let query = db.selectFrom('feed_entries').select((eb) => eb.fn.max('day').as('day'));
  if (onOrBefore) query = query.where('day', '<=', onOrBefore);
  const row = await query.executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}

/** The nearest feed days before and after `day` that have papers. */
export async function adjacentFeedDays(db: Queryable, day: string): Promise<{ previous: string | null; next: string | null }> {
  const [previous, next] = await Promise.all([
    db
      .selectFrom('feed_entries')
      .select((eb) => eb.fn.max('day').as('d'))
      .where('day', '<', day)
      .executeTakeFirst(),
    db
      .selectFrom('feed_entries')
      .select((eb) => eb.fn.min('day').as('d'))
      .where('day', '>', day)
      .executeTakeFirst(),
  ]);
  return { previous: (previous?.d as string | null) ?? null, next: (next?.d as string | null) ?? null };
}

/** One page of the feed for days in [from, to], most upvoted first, in a single query. */
export async function listFeed(
  db: Queryable,
  range: { from: string; to: string },
  page: { limit: number; offset: number },
): Promise<FeedItem[]> {
  const rows = await selectPaperWithRepo(db)
    .innerJoin('feed_entries', 'feed_entries.paper_id', 'papers.id')
    .select(['feed_entries.day as feed_day', 'feed_entries.imported_upvotes', 'feed_entries.imported_comments'])
    .where('feed_entries.day', '>=', range.from)
    .where('feed_entries.day', '<=', range.to)
    .where('papers.hidden', '=', 0)
    .orderBy('feed_entries.imported_upvotes', 'desc')
    .orderBy('papers.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((row) => ({
    day: row.feed_day,
    paper: toPaper(row),
    upvotes: row.imported_upvotes,
    comments: row.imported_comments,
  }));
}
