import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import type { SearchService } from '../search/search.service.js';
import { getListedPapers, type ListedPaper } from '../feed/paper-listing.js';
import { authorNameKey, parseAuthorNames } from '../papers/author-names.js';
import { paperTerms } from '../recommend/terms.js';
import { Refused } from '../refused.js';
import { rangeOf, seriesByPeriod } from '../trends/series.js';
import { approvedClaimantsOfName } from './author-claims.repository.js';

/** Papers per page of an author's list. */
export const AUTHOR_PAPERS_PER_PAGE = 20;
export const AUTHOR_COAUTHORS_SHOWN = 20;
export const AUTHOR_CATEGORIES_SHOWN = 10;
export const AUTHOR_WORDS_SHOWN = 15;
export const AUTHOR_VARIANTS_SHOWN = 20;
/** The most papers of one name read for counts (a name on more is shown with the newest this many). */
export const MAX_AUTHOR_PAPERS_READ = 5_000;

export interface NamedCount {
  readonly name: string;
  readonly papers: number;
}

export interface AuthorMonth {
  /** `2026-08`. */
  readonly period: string;
  readonly papers: number;
}

export interface AuthorProfile {
  /** The name exactly as the papers list it. */
  readonly name: string;
  /** Visible papers listing this name (at most MAX_AUTHOR_PAPERS_READ). */
  readonly paperCount: number;
  readonly upvotes: number;
  readonly page: number;
  readonly pageCount: number;
  /** This page of papers, newest first, with their votes. */
  readonly papers: readonly ListedPaper[];
  readonly coauthors: readonly NamedCount[];
  readonly categories: readonly NamedCount[];
  /** Words and word pairs (without digits) in the most of this name's titles and abstracts, with how many papers have them. */
  readonly words: readonly NamedCount[];
  /** Papers per month of publication, every month from the first to the last. */
  readonly months: readonly AuthorMonth[];
  /** Other names written the same but for case, diacritics, punctuation or given names: never merged. */
  readonly variants: readonly NamedCount[];
  /** Readers whose claim to this name was approved, with how many of its papers they claimed. */
  readonly claimedBy: readonly { readonly username: string; readonly papers: number }[];
}

interface PaperRow {
  id: string;
  published_at: string | null;
  authors: string;
  categories: string;
  title: string;
  abstract: string;
  upvotes: number | string;
}

function topCounts(counts: ReadonlyMap<string, number>, limit: number, atLeast = 1): NamedCount[] {
  return [...counts]
    .filter(([, papers]) => papers >= atLeast)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name, papers]) => ({ name, papers }));
}

/**
 * The words and word pairs that set the author's papers apart: how many of their papers use a term, times how rare
 * the term is among all papers (log of papers over papers holding it; for a pair, the rarer of its words bounds it).
 * Without the keyword index's counts, the most used terms.
 */
async function distinctiveWords(
  search: Pick<SearchService, 'documentFrequencies'> | null,
  counts: ReadonlyMap<string, number>,
  atLeast: number,
): Promise<NamedCount[]> {
  const terms = [...counts].filter(([, papers]) => papers >= atLeast);
  const singles = [...new Set(terms.flatMap(([term]) => term.split(' ')))];
  const corpus = search ? await search.documentFrequencies(singles) : null;
  if (!corpus || corpus.papers === 0) return topCounts(counts, AUTHOR_WORDS_SHOWN, atLeast);
  const rarity = (term: string) => {
    const holding = Math.min(...term.split(' ').map((word) => corpus.frequencies.get(word) ?? 0));
    return Math.log((corpus.papers + 1) / (holding + 1));
  };
  return terms
    .map(([name, papers]) => ({ name, papers, weight: papers * rarity(name) }))
    .sort((a, b) => b.weight - a.weight || b.papers - a.papers || a.name.localeCompare(b.name))
    .slice(0, AUTHOR_WORDS_SHOWN)
    .map(({ name, papers }) => ({ name, papers }));
}

function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/**
 * Everything the author page and API show for one name, matched exactly as the papers list it: one indexed read
 * of the name's papers (paper_authors by name key and name), one of the names that may be variants of it (by name_key), the
 * approved claims, and the listing of one page of papers. Refused as not_found when no visible paper lists the name.
 */
export async function authorProfile(
  deps: { readonly store: Store; readonly now: () => Date; readonly search?: Pick<SearchService, 'documentFrequencies'> },
  input: { readonly name: string; readonly page?: number },
): Promise<AuthorProfile> {
  const db = deps.store.db;
  const { name } = input;
  const { rows } = await sql<PaperRow>`
    SELECT papers.id AS id, papers.published_at AS published_at, papers.authors AS authors,
      papers.categories AS categories, papers.title AS title, papers.abstract AS abstract,
      papers.local_upvotes + coalesce((SELECT max(fe.imported_upvotes) FROM feed_entries fe WHERE fe.paper_id = papers.id), 0) AS upvotes
    FROM paper_authors JOIN papers ON papers.id = paper_authors.paper_id
    WHERE paper_authors.name_key = ${authorNameKey(name)} AND paper_authors.name = ${name} AND papers.hidden = 0
    GROUP BY papers.id
    ORDER BY coalesce(papers.published_at, '') DESC, papers.id DESC
    LIMIT ${MAX_AUTHOR_PAPERS_READ}`.execute(db);
  if (rows.length === 0) throw new Refused('not_found', `No paper here lists an author written “${name}”.`);

  const coauthors = new Map<string, number>();
  const categories = new Map<string, number>();
  const words = new Map<string, number>();
  const papersByDay = new Map<string, number>();
  let upvotes = 0;
  for (const row of rows) {
    upvotes += Number(row.upvotes);
    for (const other of new Set(parseAuthorNames(row.authors))) if (other !== name) increment(coauthors, other);
    for (const category of new Set(parseAuthorNames(row.categories))) increment(categories, category);
    for (const term of new Set(paperTerms(`${row.title}\n${row.abstract}`))) if (!/\d/.test(term)) increment(words, term);
    if (row.published_at !== null) increment(papersByDay, row.published_at.slice(0, 10));
  }
  const range = rangeOf(papersByDay, deps.now().toISOString().slice(0, 10));
  const months = seriesByPeriod(papersByDay, 'month', range).map((p) => ({ period: p.period, papers: p.count }));

  const pageCount = Math.max(1, Math.ceil(rows.length / AUTHOR_PAPERS_PER_PAGE));
  const page = Math.min(Math.max(1, input.page ?? 1), pageCount);
  const pageIds = rows.slice((page - 1) * AUTHOR_PAPERS_PER_PAGE, page * AUTHOR_PAPERS_PER_PAGE).map((row) => row.id);

  const [listed, variantRows, claimedBy] = await Promise.all([
    getListedPapers(db, pageIds),
    db
      .selectFrom('paper_authors')
      .innerJoin('papers', 'papers.id', 'paper_authors.paper_id')
      .select(['paper_authors.name', (eb) => eb.fn.count<number | string>('paper_authors.paper_id').distinct().as('papers')])
      .where('paper_authors.name_key', '=', authorNameKey(name))
      .where('paper_authors.name', '<>', name)
      .where('papers.hidden', '=', 0)
      .groupBy('paper_authors.name')
      .execute(),
    approvedClaimantsOfName(db, name),
  ]);
  // Single words that only repeat the name itself say nothing about the work.
  const ownWords = new Set(authorNameKey(name).split(' '));
  for (const word of ownWords) words.delete(word);

  return {
    name,
    paperCount: rows.length,
    upvotes,
    page,
    pageCount,
    papers: pageIds.flatMap((id) => listed.get(id) ?? []),
    coauthors: topCounts(coauthors, AUTHOR_COAUTHORS_SHOWN),
    categories: topCounts(categories, AUTHOR_CATEGORIES_SHOWN),
    words: await distinctiveWords(deps.search ?? null, words, rows.length > 1 ? 2 : 1),
    months,
    variants: topCounts(new Map(variantRows.map((v) => [v.name, Number(v.papers)])), AUTHOR_VARIANTS_SHOWN),
    claimedBy,
  };
}
