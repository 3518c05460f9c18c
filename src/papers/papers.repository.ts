import { sql, type Insertable, type Selectable } from 'kysely';
import { columnsOf, insertRows, oneOf } from '../db/bulk-rows.js';
import { capabilitiesOf } from '../db/database.js';
import type { Queryable } from '../db/schema.js';
import { authorNameKey, parseAuthorNames } from './author-names.js';
import type { CodeReposTable, OrganizationsTable, PaperAuthorsTable, PapersTable, RepoStarCountsTable } from './papers.table.js';
import type { Organization, Paper, PaperRecord } from './paper.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  /** The ids that were not in the database before (new papers, as opposed to updated ones). */
  insertedIds: string[];
}

const PAPER_COLUMNS = 24;

/** Rows per statement, bounded by the engine's parameter limit. */
export function paperBatchSize(maxParameters: number): number {
  return Math.max(1, Math.min(500, Math.floor(maxParameters / PAPER_COLUMNS)));
}

/**
 * Papers per import batch: one transaction with its checkpoint. Larger transactions write each index page and
 * full-text segment fewer times; `upsertPapers` splits a batch into statements the engine's parameter limit allows.
 */
export const IMPORT_BATCH_SIZE = 2000;

/** Later records for the same id win, but never erase a field with an absent value. */
function mergeDuplicates(records: readonly PaperRecord[]): PaperRecord[] {
  const byId = new Map<string, PaperRecord>();
  for (const record of records) {
    const previous = byId.get(record.id);
    if (!previous) {
      byId.set(record.id, record);
      continue;
    }
    const merged: Record<string, unknown> = { ...previous };
    for (const [key, value] of Object.entries(record)) {
      if (value !== undefined && value !== null) merged[key] = value;
    }
    byId.set(record.id, merged as unknown as PaperRecord);
  }
  return [...byId.values()];
}

type PaperInsertRow = Omit<Insertable<PapersTable>, 'hidden' | 'local_upvotes' | 'local_comments'> & {
  readonly [column: string]: string | number | null;
};

const PAPER_ROW_COLUMNS = columnsOf<PaperInsertRow>({
  id: 'text',
  version: 'integer',
  title: 'text',
  abstract: 'text',
  authors: 'text',
  categories: 'text',
  primary_category: 'text',
  published_at: 'text',
  updated_at: 'text',
  comments: 'text',
  journal_ref: 'text',
  doi: 'text',
  license: 'text',
  project_page: 'text',
  organization: 'text',
  organization_name: 'text',
  ai_summary: 'text',
  ai_keywords: 'text',
  thumbnail: 'text',
  source: 'text',
  ingested_at: 'text',
  modified_at: 'text',
  trending_score: 'double precision',
});

function paperRow(r: PaperRecord, now: string, initialTrendingScore: UpsertOptions['initialTrendingScore']): PaperInsertRow {
  const featuredAt = r.publishedAt ?? now;
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    abstract: r.abstract,
    authors: JSON.stringify(r.authors),
    categories: JSON.stringify(r.categories ?? []),
    primary_category: r.categories?.[0] ?? null,
    published_at: r.publishedAt ?? null,
    updated_at: r.updatedAt ?? null,
    comments: r.comments ?? null,
    journal_ref: r.journalRef ?? null,
    doi: r.doi ?? null,
    license: r.license ?? null,
    project_page: r.projectPage ?? null,
    organization: r.organization?.fullname ?? null,
    organization_name: r.organization?.name ?? null,
    ai_summary: r.aiSummary ?? null,
    ai_keywords: r.aiKeywords ? JSON.stringify(r.aiKeywords) : null,
    thumbnail: r.thumbnail ?? null,
    source: r.source,
    ingested_at: now,
    modified_at: now,
    trending_score: initialTrendingScore ? initialTrendingScore(featuredAt) : 0,
  };
}

type CodeRepoRow = Insertable<CodeReposTable> & { readonly [column: string]: string | number | null };
const CODE_REPO_COLUMNS = columnsOf<CodeRepoRow>({ paper_id: 'text', url: 'text', stars: 'integer', stars_counted_at: 'text' });

type StarCountRow = Insertable<RepoStarCountsTable> & { readonly [column: string]: string | number | null };
const STAR_COUNT_COLUMNS = columnsOf<StarCountRow>({ paper_id: 'text', counted_at: 'text', stars: 'integer' });

export interface UpsertOptions {
  /**
   * The trending score a new paper is inserted with, from the day it is featured on (its publication, else now);
   * 0 without. The caller recomputes scores from votes and stars in the same transaction, and a score inserted
   * right needs no second write of the row.
   */
  readonly initialTrendingScore?: (featuredAt: string) => number;
}

/**
 * Inserts or updates papers by arXiv id, as many per statement as the engine's parameter limit allows. A record
 * with an older version than the stored one does not overwrite it; fields a source does not know are kept.
 */
export async function upsertPapers(
  db: Queryable,
  records: readonly PaperRecord[],
  now: string,
  options: UpsertOptions = {},
): Promise<UpsertCounts> {
  const unique = mergeDuplicates(records);
  const caps = capabilitiesOf(db);
  const perStatement = caps.arrayParameters ? unique.length : paperBatchSize(caps.maxParameters);
  const counts: UpsertCounts = { inserted: 0, updated: 0, insertedIds: [] };
  for (let at = 0; at < unique.length; at += perStatement) {
    const written = await upsertDistinctPapers(db, unique.slice(at, at + perStatement), now, options);
    counts.inserted += written.inserted;
    counts.updated += written.updated;
    counts.insertedIds.push(...written.insertedIds);
  }
  return counts;
}

/** `upsertPapers` for records with distinct ids, as many as one statement takes. */
async function upsertDistinctPapers(
  db: Queryable,
  unique: readonly PaperRecord[],
  now: string,
  options: UpsertOptions,
): Promise<UpsertCounts> {
  const existing = await db
    .selectFrom('papers')
    .select(['id', 'authors'])
    .where(
      oneOf(
        db,
        sql.ref('id'),
        unique.map((r) => r.id),
        'text',
      ),
    )
    .execute();
  const existingIds = new Set(existing.map((row) => row.id));
  const authorsBefore = new Map(existing.map((row) => [row.id, row.authors]));

  // The rows inserted or updated, with the author lists they now hold; those the version check kept are not returned.
  const written = await insertRows(
    db,
    'papers',
    unique.map((r) => paperRow(r, now, options.initialTrendingScore)),
    PAPER_ROW_COLUMNS,
  )
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({
          version: sql`coalesce(excluded.version, papers.version)`,
          title: sql`excluded.title`,
          abstract: sql`excluded.abstract`,
          authors: sql`CASE WHEN excluded.authors = '[]' THEN papers.authors ELSE excluded.authors END`,
          categories: sql`CASE WHEN excluded.categories = '[]' THEN papers.categories ELSE excluded.categories END`,
          primary_category: sql`coalesce(excluded.primary_category, papers.primary_category)`,
          published_at: sql`coalesce(excluded.published_at, papers.published_at)`,
          updated_at: sql`coalesce(excluded.updated_at, papers.updated_at)`,
          comments: sql`coalesce(excluded.comments, papers.comments)`,
          journal_ref: sql`coalesce(excluded.journal_ref, papers.journal_ref)`,
          doi: sql`coalesce(excluded.doi, papers.doi)`,
          license: sql`coalesce(excluded.license, papers.license)`,
          project_page: sql`coalesce(excluded.project_page, papers.project_page)`,
          organization: sql`coalesce(excluded.organization, papers.organization)`,
          organization_name: sql`coalesce(excluded.organization_name, papers.organization_name)`,
          ai_summary: sql`coalesce(excluded.ai_summary, papers.ai_summary)`,
          ai_keywords: sql`coalesce(excluded.ai_keywords, papers.ai_keywords)`,
          thumbnail: sql`coalesce(excluded.thumbnail, papers.thumbnail)`,
          source: sql`excluded.source`,
          modified_at: sql`excluded.modified_at`,
        })
        .where(sql<boolean>`excluded.version IS NULL OR papers.version IS NULL OR excluded.version >= papers.version`),
    )
    .returning(['id', 'authors'])
    .execute();

  await upsertOrganizations(db, unique, now);
  await rewritePaperAuthors(db, written, authorsBefore);

  const repos = unique.filter((r) => r.codeRepo);
  if (repos.length > 0) {
    await insertRows(
      db,
      'code_repos',
      repos.map((r) => ({ paper_id: r.id, url: r.codeRepo!.url, stars: r.codeRepo!.stars, stars_counted_at: r.codeRepo!.countedAt })),
      CODE_REPO_COLUMNS,
    )
      .onConflict((oc) =>
        oc
          .column('paper_id')
          .doUpdateSet({
            url: sql`excluded.url`,
            stars: sql`coalesce(excluded.stars, code_repos.stars)`,
            stars_counted_at: sql`excluded.stars_counted_at`,
          })
          .where(sql<boolean>`code_repos.stars_counted_at IS NULL OR excluded.stars_counted_at >= code_repos.stars_counted_at`),
      )
      .execute();
    const counts = repos.filter((r) => r.codeRepo!.stars !== null);
    if (counts.length > 0) {
      await insertRows(
        db,
        'repo_star_counts',
        counts.map((r) => ({ paper_id: r.id, counted_at: r.codeRepo!.countedAt, stars: r.codeRepo!.stars! })),
        STAR_COUNT_COLUMNS,
      )
        .onConflict((oc) => oc.columns(['paper_id', 'counted_at']).doUpdateSet({ stars: sql`excluded.stars` }))
        .execute();
    }
  }

  const insertedIds = unique.filter((r) => !existingIds.has(r.id)).map((r) => r.id);
  return { inserted: insertedIds.length, updated: unique.length - insertedIds.length, insertedIds };
}

/** Rows per INSERT into paper_authors where rows go in as VALUES lists: four parameters each, under every limit. */
const AUTHOR_ROWS_PER_INSERT = 1_000;

type PaperAuthorRow = Insertable<PaperAuthorsTable> & { readonly [column: string]: string | number | null };
const PAPER_AUTHOR_COLUMNS = columnsOf<PaperAuthorRow>({ paper_id: 'text', position: 'integer', name: 'text', name_key: 'text' });

/**
 * Rewrites the paper_authors rows of the papers whose author list is new or changed, from the lists the upsert
 * returned as stored (not the records' own: a source that gave no authors keeps the stored list). `authorsBefore`
 * holds the lists the papers that existed had before the upsert.
 */
async function rewritePaperAuthors(
  db: Queryable,
  stored: readonly { readonly id: string; readonly authors: string }[],
  authorsBefore: ReadonlyMap<string, string>,
): Promise<void> {
  const changed = stored.filter((paper) => authorsBefore.get(paper.id) !== paper.authors);
  const replaced = changed.filter((paper) => authorsBefore.has(paper.id)).map((paper) => paper.id);
  if (replaced.length > 0)
    await db
      .deleteFrom('paper_authors')
      .where(oneOf(db, sql.ref('paper_id'), replaced, 'text'))
      .execute();
  const rows: PaperAuthorRow[] = changed.flatMap((paper) =>
    parseAuthorNames(paper.authors).map((name, position) => ({ paper_id: paper.id, position, name, name_key: authorNameKey(name) })),
  );
  // Bound as one array per column, a batch's authors are one statement whatever their number.
  const perInsert = capabilitiesOf(db).arrayParameters ? rows.length : AUTHOR_ROWS_PER_INSERT;
  for (let i = 0; i < rows.length; i += perInsert) {
    await insertRows(db, 'paper_authors', rows.slice(i, i + perInsert), PAPER_AUTHOR_COLUMNS).execute();
  }
}

/**
 * Records each organisation a batch names by its handle. The display name and avatar follow the latest record that
 * gives them; one that lacks them keeps the stored ones.
 */
async function upsertOrganizations(db: Queryable, records: readonly PaperRecord[], now: string): Promise<void> {
  const byName = new Map<string, Organization>();
  for (const record of records) {
    const org = record.organization;
    if (!org?.name) continue;
    const previous = byName.get(org.name);
    byName.set(org.name, {
      name: org.name,
      fullname: org.fullname ?? previous?.fullname ?? null,
      avatar: org.avatar ?? previous?.avatar ?? null,
    });
  }
  if (byName.size === 0) return;
  await db
    .insertInto('organizations')
    .values([...byName.values()].map((org) => ({ name: org.name!, fullname: org.fullname, avatar: org.avatar, updated_at: now })))
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        fullname: sql`coalesce(excluded.fullname, organizations.fullname)`,
        avatar: sql`coalesce(excluded.avatar, organizations.avatar)`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}

type PaperRow = Selectable<PapersTable> & {
  repo_url: Selectable<CodeReposTable>['url'] | null;
  repo_stars: number | null;
  repo_stars_counted_at: string | null;
  org_fullname: Selectable<OrganizationsTable>['fullname'];
  org_avatar: Selectable<OrganizationsTable>['avatar'];
};

/** The columns `toPaper` reads beside the paper's own: its code repository and its organisation. */
export const PAPER_EXTRA_COLUMNS = [
  'code_repos.url as repo_url',
  'code_repos.stars as repo_stars',
  'code_repos.stars_counted_at as repo_stars_counted_at',
  'organizations.fullname as org_fullname',
  'organizations.avatar as org_avatar',
] as const;

/** The paper columns plus its code repository and organisation, for queries that render papers. */
export function selectPaperWithRepo(db: Queryable) {
  return db
    .selectFrom('papers')
    .leftJoin('code_repos', 'code_repos.paper_id', 'papers.id')
    .leftJoin('organizations', 'organizations.name', 'papers.organization_name')
    .selectAll('papers')
    .select(PAPER_EXTRA_COLUMNS);
}

function organizationOf(row: PaperRow): Organization | null {
  if (!row.organization_name && !row.organization) return null;
  // A handle's display name comes from its organisations row (null when the source gave none: never the handle).
  const fullname = row.organization_name ? row.org_fullname : row.organization;
  return { name: row.organization_name, fullname, avatar: row.org_avatar };
}

export function toPaper(row: PaperRow): Paper {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as string[],
    categories: JSON.parse(row.categories) as string[],
    primaryCategory: row.primary_category,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    comments: row.comments,
    journalRef: row.journal_ref,
    doi: row.doi,
    license: row.license,
    projectPage: row.project_page,
    organization: organizationOf(row),
    aiSummary: row.ai_summary,
    aiKeywords: row.ai_keywords === null ? null : (JSON.parse(row.ai_keywords) as string[]),
    thumbnail: row.thumbnail,
    codeRepo: row.repo_url ? { url: row.repo_url, stars: row.repo_stars, starsCountedAt: row.repo_stars_counted_at } : null,
    hidden: Boolean(row.hidden),
  };
}

export async function findPaper(db: Queryable, id: string): Promise<Paper | null> {
  const row = await selectPaperWithRepo(db).where('papers.id', '=', id).executeTakeFirst();
  return row ? toPaper(row) : null;
}

export async function countPapers(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Papers anyone can see (not hidden). */
export async function countVisiblePapers(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('papers')
    .where('hidden', '=', 0)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function publishedRange(db: Queryable): Promise<{ first: string | null; last: string | null }> {
  const row = await db
    .selectFrom('papers')
    .select((eb) => [eb.fn.min('published_at').as('first'), eb.fn.max('published_at').as('last')])
    .executeTakeFirstOrThrow();
  return { first: (row.first as string | null) ?? null, last: (row.last as string | null) ?? null };
}
