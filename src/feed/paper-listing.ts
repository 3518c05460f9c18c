import { sql } from 'kysely';
import { oneOf } from '../db/bulk-rows.js';
import type { Queryable } from '../db/schema.js';
import type { FeedEntryDetails, Paper, SourceSubmitter } from '../papers/paper.js';
import { PAPER_EXTRA_COLUMNS, toPaper } from '../papers/papers.repository.js';

/** A paper as listings show it: with its feed day and community counts. */
export interface ListedPaper {
  readonly paper: Paper;
  /** The first feed day in the listed range (or ever, outside feed listings); null when never featured. */
  readonly day: string | null;
  /** Imported plus local upvotes. */
  readonly upvotes: number;
  /** Imported plus local comments. */
  readonly comments: number;
  readonly trendingScore: number;
  /** The user who submitted it to the feed, when it was submitted here. */
  readonly submittedBy: string | null;
  /** What the source said about the paper's appearance on `day` (exact times, its own title, submitter, media). */
  readonly entry?: FeedEntryDetails | null;
}

/** The feed entry's own columns, selected from the entry aliased `entry`. */
const ENTRY_COLUMNS = [
  'entry.submitted_on_daily_at as entry_submitted_on_daily_at',
  'entry.published_at as entry_published_at',
  'entry.title as entry_title',
  'entry.summary as entry_summary',
  'entry.source_submitter as entry_source_submitter',
  'entry.media_urls as entry_media_urls',
] as const;

interface EntryRow {
  entry_submitted_on_daily_at: string | null;
  entry_published_at: string | null;
  entry_title: string | null;
  entry_summary: string | null;
  entry_source_submitter: string | null;
  entry_media_urls: string | null;
}

function toEntryDetails(row: EntryRow): FeedEntryDetails {
  return {
    submittedOnDailyAt: row.entry_submitted_on_daily_at,
    publishedAt: row.entry_published_at,
    title: row.entry_title,
    summary: row.entry_summary,
    submittedBy: row.entry_source_submitter === null ? null : (JSON.parse(row.entry_source_submitter) as SourceSubmitter),
    mediaUrls: row.entry_media_urls === null ? null : (JSON.parse(row.entry_media_urls) as string[]),
  };
}

/**
 * `upvotes` is Hugging Face's order of a feed day: most upvoted first, ties by arXiv publication time (newest
 * first), then id. `featured` is the cursor listing's order: newest feed day first, then id (both descending).
 */
export type ListingSort = 'upvotes' | 'trending' | 'publishedAt' | 'featured';

/** Where a `featured` listing resumes: after the paper with this first feed day and id. */
export interface ListingCursor {
  readonly day: string;
  readonly id: string;
}

export interface ListingPage {
  readonly items: ListedPaper[];
  readonly total: number;
}

export interface ListingQuery {
  /** Feed days in [from, to]; without it, every featured paper. */
  readonly range?: { readonly from: string; readonly to: string };
  readonly sort: ListingSort;
  readonly limit: number;
  readonly offset: number;
  /** Only papers submitted by this user. */
  readonly submittedBy?: number;
  /** Only papers submitted by the user with this username (no such user: nothing). */
  readonly submitter?: string;
  /** `featured` sort only: continue after this paper (keyset pagination; `offset` is then usually 0). */
  readonly after?: ListingCursor;
  /** Only papers upvoted by this user. */
  readonly upvotedBy?: number;
}

/**
 * One page of featured papers plus the total, in ONE query: feed entries are aggregated per paper in the range
 * (a paper featured on two days of a week appears once), joined to papers, repos and submitters, and the total
 * comes from a window count. Listings, the JSON API and the RSS/Atom feeds all read through here.
 */
export async function listPapers(db: Queryable, query: ListingQuery): Promise<ListingPage> {
  let entries = db
    .selectFrom('feed_entries')
    .select((eb) => [
      'feed_entries.paper_id',
      eb.fn.max('feed_entries.imported_upvotes').as('imported_upvotes'),
      eb.fn.max('feed_entries.imported_comments').as('imported_comments'),
      eb.fn.min('feed_entries.day').as('first_day'),
      eb.fn.max('feed_entries.submitted_by').as('submitted_by'),
    ])
    .groupBy('feed_entries.paper_id');
  if (query.range) entries = entries.where('feed_entries.day', '>=', query.range.from).where('feed_entries.day', '<=', query.range.to);
  if (query.submittedBy !== undefined) entries = entries.where('feed_entries.submitted_by', '=', query.submittedBy);
  if (query.submitter !== undefined) {
    const username = query.submitter;
    entries = entries.where('feed_entries.submitted_by', 'in', (eb) =>
      eb.selectFrom('users').select('users.id').where('users.username', '=', username),
    );
  }

  let select = db
    .selectFrom(entries.as('fe'))
    .innerJoin('papers', 'papers.id', 'fe.paper_id')
    .leftJoin('code_repos', 'code_repos.paper_id', 'papers.id')
    .leftJoin('organizations', 'organizations.name', 'papers.organization_name')
    .leftJoin('feed_entries as entry', (join) => join.onRef('entry.paper_id', '=', 'fe.paper_id').onRef('entry.day', '=', 'fe.first_day'))
    .leftJoin('users as submitter', 'submitter.id', 'fe.submitted_by')
    .selectAll('papers')
    .select([
      ...PAPER_EXTRA_COLUMNS,
      ...ENTRY_COLUMNS,
      'fe.imported_upvotes',
      'fe.imported_comments',
      'fe.first_day',
      'submitter.username as submitter_name',
      sql<number>`count(*) OVER ()`.as('total'),
    ])
    .where('papers.hidden', '=', 0);
  if (query.upvotedBy !== undefined) {
    const userId = query.upvotedBy;
    select = select.where((eb) =>
      eb.exists(
        eb.selectFrom('votes').select('votes.paper_id').whereRef('votes.paper_id', '=', 'papers.id').where('votes.user_id', '=', userId),
      ),
    );
  }
  if (query.after !== undefined) {
    const { day, id } = query.after;
    select = select.where((eb) => eb.or([eb('fe.first_day', '<', day), eb.and([eb('fe.first_day', '=', day), eb('papers.id', '<', id)])]));
  }
  const upvotes = sql<number>`(fe.imported_upvotes + papers.local_upvotes)`;
  if (query.sort === 'trending') select = select.orderBy('papers.trending_score', 'desc');
  else if (query.sort === 'publishedAt') select = select.orderBy(sql`coalesce(papers.published_at, fe.first_day)`, 'desc');
  else if (query.sort === 'featured') select = select.orderBy('fe.first_day', 'desc');
  else select = select.orderBy(upvotes, 'desc').orderBy(sql`coalesce(papers.published_at, '')`, 'desc');
  const rows = await select.orderBy('papers.id', 'desc').limit(query.limit).offset(query.offset).execute();

  return {
    items: rows.map((row) => ({
      paper: toPaper(row),
      day: row.first_day as string | null,
      upvotes: Number(row.imported_upvotes ?? 0) + Number(row.local_upvotes),
      comments: Number(row.imported_comments ?? 0) + Number(row.local_comments),
      trendingScore: Number(row.trending_score),
      submittedBy: row.submitter_name ?? null,
      entry: toEntryDetails(row),
    })),
    total: rows.length > 0 ? Number(rows[0]!.total) : query.offset > 0 ? await countOnly(db, query) : 0,
  };
}

/** The total when the requested page lies past the end (the window count had no row to ride on). */
async function countOnly(db: Queryable, query: ListingQuery): Promise<number> {
  const first = await listPapers(db, { ...query, offset: 0, limit: 1 });
  return first.total;
}

/** One paper with its counts, or null when it does not exist. Hidden papers are returned; callers decide. */
export async function getListedPaper(db: Queryable, paperId: string): Promise<ListedPaper | null> {
  return (await getListedPapers(db, [paperId])).get(paperId) ?? null;
}

/**
 * Papers by id with their counts and trending score, the same values `getListedPaper` gives for each (search hits
 * and similar papers read through here, so every answer agrees with the paper's own). Hidden papers are included.
 */
export async function getListedPapers(db: Queryable, paperIds: readonly string[]): Promise<Map<string, ListedPaper>> {
  const out = new Map<string, ListedPaper>();
  if (paperIds.length === 0) return out;
  const rows = await db
    .selectFrom('papers')
    .leftJoin('code_repos', 'code_repos.paper_id', 'papers.id')
    .leftJoin('organizations', 'organizations.name', 'papers.organization_name')
    .leftJoin('feed_entries as entry', (join) =>
      join.onRef('entry.paper_id', '=', 'papers.id').on('entry.day', '=', (eb) =>
        eb
          .selectFrom('feed_entries as first')
          .select((f) => f.fn.min('first.day').as('d'))
          .whereRef('first.paper_id', '=', 'papers.id'),
      ),
    )
    .selectAll('papers')
    .select((eb) => [
      ...PAPER_EXTRA_COLUMNS,
      ...ENTRY_COLUMNS,
      eb
        .selectFrom('feed_entries')
        .select((f) => f.fn.max('imported_upvotes').as('m'))
        .whereRef('feed_entries.paper_id', '=', 'papers.id')
        .as('imported_upvotes'),
      eb
        .selectFrom('feed_entries')
        .select((f) => f.fn.max('imported_comments').as('m'))
        .whereRef('feed_entries.paper_id', '=', 'papers.id')
        .as('imported_comments'),
      eb
        .selectFrom('feed_entries')
        .select((f) => f.fn.min('day').as('m'))
        .whereRef('feed_entries.paper_id', '=', 'papers.id')
        .as('first_day'),
      eb
        .selectFrom('feed_entries')
        .innerJoin('users', 'users.id', 'feed_entries.submitted_by')
        .select('users.username')
        .whereRef('feed_entries.paper_id', '=', 'papers.id')
        .limit(1)
        .as('submitter_name'),
    ])
    .where(oneOf(db, sql`papers.id`, paperIds, 'text'))
    .execute();
  for (const row of rows) {
    out.set(row.id, {
      paper: toPaper(row),
      day: (row.first_day as string | null) ?? null,
      upvotes: Number(row.imported_upvotes ?? 0) + Number(row.local_upvotes),
      comments: Number(row.imported_comments ?? 0) + Number(row.local_comments),
      trendingScore: Number(row.trending_score),
      submittedBy: (row.submitter_name as string | null) ?? null,
      entry: toEntryDetails(row),
    });
  }
  return out;
}

export interface PaperCounts {
  readonly upvotes: number;
  readonly comments: number;
  /** The first feed day, and the exact time the source put the paper on its feed (null when it did not say). */
  readonly day: string | null;
  readonly submittedOnDailyAt: string | null;
}

/** Counts for papers found elsewhere (search hits, similar papers), in one query. */
export async function countsFor(db: Queryable, paperIds: readonly string[]): Promise<Map<string, PaperCounts>> {
  const out = new Map<string, PaperCounts>();
  if (paperIds.length === 0) return out;
  const rows = await db
    .selectFrom('papers')
    .leftJoin('feed_entries', 'feed_entries.paper_id', 'papers.id')
    .select((eb) => [
      'papers.id',
      'papers.local_upvotes',
      'papers.local_comments',
      eb.fn.max('feed_entries.imported_upvotes').as('imported_upvotes'),
      eb.fn.max('feed_entries.imported_comments').as('imported_comments'),
      eb.fn.min('feed_entries.day').as('first_day'),
      eb.fn.min('feed_entries.submitted_on_daily_at').as('submitted_on_daily_at'),
    ])
    .where('papers.id', 'in', [...paperIds])
    .groupBy(['papers.id', 'papers.local_upvotes', 'papers.local_comments'])
    .execute();
  for (const row of rows) {
    out.set(row.id, {
      upvotes: Number(row.imported_upvotes ?? 0) + Number(row.local_upvotes),
      comments: Number(row.imported_comments ?? 0) + Number(row.local_comments),
      day: (row.first_day as string | null) ?? null,
      submittedOnDailyAt: (row.submitted_on_daily_at as string | null) ?? null,
    });
  }
  return out;
}
