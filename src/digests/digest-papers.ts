import { sql } from 'kysely';
import type { Queryable } from '../db/schema.js';
import type { Period } from '../feed/period.js';
import type { DigestPaper } from './render/digest-paper.js';

const ID_CHUNK = 500;

/** Papers featured in the period's feed, hottest first (trending score, then id for a stable order). */
export async function trendingPapersOfPeriod(db: Queryable, period: Period, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('papers')
    .innerJoin('feed_entries', 'feed_entries.paper_id', 'papers.id')
    .select(['papers.id', 'papers.trending_score'])
    .distinct()
    .where('feed_entries.day', '>=', period.from)
    .where('feed_entries.day', '<=', period.to)
    .where('papers.hidden', '=', 0)
    .orderBy('papers.trending_score', 'desc')
    .orderBy('papers.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Trending scores of the given papers, for ordering search matches that rank equally. */
export async function trendingScores(db: Queryable, ids: readonly string[]): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const rows = await db
      .selectFrom('papers')
      .select(['id', 'trending_score'])
      .where('id', 'in', ids.slice(i, i + ID_CHUNK))
      .where('hidden', '=', 0)
      .execute();
    for (const row of rows) scores.set(row.id, Number(row.trending_score));
  }
  return scores;
}

/** What the digest shows for each paper: title, authors, abstract, upvotes (imported + local), code link. */
export async function loadDigestPapers(db: Queryable, ids: readonly string[]): Promise<Map<string, DigestPaper>> {
  const papers = new Map<string, DigestPaper>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const rows = await db
      .selectFrom('papers')
      .leftJoin('code_repos', 'code_repos.paper_id', 'papers.id')
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('feed_entries')
            .select((f) => ['paper_id', f.fn.max('imported_upvotes').as('imported')])
            .where('paper_id', 'in', chunk)
            .groupBy('paper_id')
            .as('fe'),
        (join) => join.onRef('fe.paper_id', '=', 'papers.id'),
      )
      .select([
        'papers.id',
        'papers.title',
        'papers.authors',
        'papers.abstract',
        'papers.local_upvotes',
        'code_repos.url as code_url',
        'code_repos.stars',
        sql<number | null>`fe.imported`.as('imported'),
      ])
      .where('papers.id', 'in', chunk)
      .execute();
    for (const row of rows) {
      papers.set(row.id, {
        id: row.id,
        title: row.title,
        authors: JSON.parse(row.authors) as string[],
        abstract: row.abstract,
        upvotes: Number(row.imported ?? 0) + Number(row.local_upvotes),
        codeUrl: row.code_url ?? null,
        stars: row.stars ?? null,
      });
    }
  }
  return papers;
}
