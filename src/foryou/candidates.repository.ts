import type { Queryable } from '../db/schema.js';
import { addDays } from '../feed/period.js';

/** A paper of a period as For you ranks it: its text for the features, its authors and categories for follows. */
export interface CandidatePaper {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  /** Breaks ties between papers the reader's signals cannot tell apart. */
  readonly trendingScore: number;
}

/** What the ranking keeps of a candidate once its text became a vector: what follows match on, and a tie-breaker. */
export type CandidateFacts = Omit<CandidatePaper, 'title' | 'abstract'>;

/** Inclusive feed days. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Every visible paper published (arXiv date) or featured on the feed in the range — not only the community feed. Two
 * indexed range reads (papers by publication time, feed entries by day), merged by id, in id order.
 */
export async function periodCandidates(db: Queryable, range: DayRange): Promise<CandidatePaper[]> {
  const end = addDays(range.to, 1);
  const columns = ['papers.id', 'papers.title', 'papers.abstract', 'papers.authors', 'papers.categories', 'papers.trending_score'] as const;
  const [published, featured] = await Promise.all([
    db
      .selectFrom('papers')
      .select(columns)
      .where('papers.hidden', '=', 0)
      .where('papers.published_at', '>=', range.from)
      .where('papers.published_at', '<', end)
      .execute(),
    db
      .selectFrom('papers')
      .select(columns)
      .where('papers.hidden', '=', 0)
      .where('papers.id', 'in', (eb) =>
        eb
          .selectFrom('feed_entries')
          .select('feed_entries.paper_id')
          .where('feed_entries.day', '>=', range.from)
          .where('feed_entries.day', '<=', range.to),
      )
      .execute(),
  ]);
  const byId = new Map<string, CandidatePaper>();
  for (const row of [...published, ...featured]) {
    if (byId.has(row.id)) continue;
    byId.set(row.id, {
      id: row.id,
      title: row.title,
      abstract: row.abstract,
      authors: parseList(row.authors),
      categories: parseList(row.categories),
      trendingScore: Number(row.trending_score),
    });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * What changes when the period's candidates change: how many there are and the latest modification of any of them
 * (papers by publication time, feed entries by day). Cheap next to reading the candidates.
 */
export async function periodFingerprint(db: Queryable, range: DayRange): Promise<string> {
  const end = addDays(range.to, 1);
  const [papers, entries] = await Promise.all([
    db
      .selectFrom('papers')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('papers.modified_at').as('m')])
      .where('papers.hidden', '=', 0)
      .where('papers.published_at', '>=', range.from)
      .where('papers.published_at', '<', end)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('feed_entries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('feed_entries.created_at').as('m')])
      .where('feed_entries.day', '>=', range.from)
      .where('feed_entries.day', '<=', range.to)
      .executeTakeFirstOrThrow(),
  ]);
  return `${Number(papers.n)}:${String(papers.m)}:${Number(entries.n)}:${String(entries.m)}`;
}

/** Titles and abstracts of these papers, visible or not: a hidden saved paper still says what a reader likes. */
export async function paperTexts(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, { title: string; abstract: string; text: string; hidden: boolean }>> {
  const out = new Map<string, { title: string; abstract: string; text: string; hidden: boolean }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('papers')
      .select(['id', 'title', 'abstract', 'hidden'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      out.set(row.id, { title: row.title, abstract: row.abstract, text: `${row.title}\n${row.abstract}`, hidden: Boolean(row.hidden) });
    }
  }
  return out;
}
