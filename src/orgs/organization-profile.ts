import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import { getListedPapers, type ListedPaper } from '../feed/paper-listing.js';
import type { Organization } from '../papers/paper.js';
import { Refused } from '../refused.js';
import { rangeOf, seriesByPeriod } from '../trends/series.js';

/** Papers listed on an organisation's page, newest first. */
export const ORGANIZATION_PAPERS_SHOWN = 30;
/** Authors listed, most papers first. */
export const ORGANIZATION_AUTHORS_SHOWN = 20;
/** The most papers of one organisation read to count authors and votes (no source attributes more to one). */
const MAX_PAPERS_READ = 20_000;

export interface OrganizationAuthor {
  readonly name: string;
  /** The organisation's papers that list this name, as written. */
  readonly papers: number;
}

export interface OrganizationMonth {
  /** `2026-08`. */
  readonly period: string;
  /** The organisation's papers published that month. */
  readonly papers: number;
  /** Upvotes those papers have now (imported plus local). */
  readonly upvotes: number;
}

export interface OrganizationProfile {
  readonly organization: { readonly name: string } & Organization;
  /** Visible papers attributed to it. */
  readonly paperCount: number;
  readonly upvotes: number;
  /** The newest ORGANIZATION_PAPERS_SHOWN papers, with their votes. */
  readonly papers: readonly ListedPaper[];
  readonly authors: readonly OrganizationAuthor[];
  /** Its papers and their upvotes by the month the papers were published, from the first to the last. */
  readonly months: readonly OrganizationMonth[];
}

interface PaperRow {
  id: string;
  published_at: string | null;
  authors: string;
  upvotes: number | string;
}

function parseAuthors(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string' && a.trim() !== '') : [];
  } catch {
    return [];
  }
}

/**
 * An organisation's page: the papers the sources attributed to it (by its handle), its most frequent authors as
 * written, and its papers' upvotes by month of publication. Refused as not_found when no source named it.
 */
export async function organizationProfile(
  deps: { readonly store: Store; readonly now: () => Date },
  name: string,
): Promise<OrganizationProfile> {
  const db = deps.store.db;
  const org = await db.selectFrom('organizations').select(['name', 'fullname', 'avatar']).where('name', '=', name).executeTakeFirst();
  if (!org) throw new Refused('not_found', `No organisation called “${name}” is known here.`);
  const { rows } = await sql<PaperRow>`
    SELECT papers.id AS id, papers.published_at AS published_at, papers.authors AS authors,
      papers.local_upvotes + coalesce((SELECT max(fe.imported_upvotes) FROM feed_entries fe WHERE fe.paper_id = papers.id), 0) AS upvotes
    FROM papers WHERE papers.organization_name = ${name} AND papers.hidden = 0
    ORDER BY coalesce(papers.published_at, '') DESC, papers.id DESC
    LIMIT ${MAX_PAPERS_READ}`.execute(db);

  const authorCounts = new Map<string, number>();
  const papersByDay = new Map<string, number>();
  const upvotesByDay = new Map<string, number>();
  let upvotes = 0;
  for (const row of rows) {
    const votes = Number(row.upvotes);
    upvotes += votes;
    for (const author of new Set(parseAuthors(row.authors))) authorCounts.set(author, (authorCounts.get(author) ?? 0) + 1);
    if (row.published_at === null) continue;
    const day = row.published_at.slice(0, 10);
    papersByDay.set(day, (papersByDay.get(day) ?? 0) + 1);
    upvotesByDay.set(day, (upvotesByDay.get(day) ?? 0) + votes);
  }
  const range = rangeOf(papersByDay, deps.now().toISOString().slice(0, 10));
  const paperSeries = seriesByPeriod(papersByDay, 'month', range);
  const upvoteSeries = seriesByPeriod(upvotesByDay, 'month', range);

  const newest = rows.slice(0, ORGANIZATION_PAPERS_SHOWN).map((row) => row.id);
  const listed = await getListedPapers(db, newest);
  return {
    organization: { name: org.name, fullname: org.fullname, avatar: org.avatar },
    paperCount: rows.length,
    upvotes,
    papers: newest.flatMap((id) => listed.get(id) ?? []),
    authors: [...authorCounts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, ORGANIZATION_AUTHORS_SHOWN)
      .map(([author, papers]) => ({ name: author, papers })),
    months: paperSeries.map((p, i) => ({ period: p.period, papers: p.count, upvotes: upvoteSeries[i]!.count })),
  };
}
