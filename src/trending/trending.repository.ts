import { sql } from 'kysely';
import type { Queryable } from '../db/schema.js';
import { starGain, trendingScore, type StarCount } from './trending-score.js';

const ID_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface ScoreInputRow {
  id: string;
  local_upvotes: number;
  published_at: string | null;
  ingested_at: string;
  imported_upvotes: number | null;
  first_day: string | null;
}

async function scoresFor(db: Queryable, ids: readonly string[] | null): Promise<Map<string, number>> {
  let papers = db
    .selectFrom('papers')
    .leftJoin(
      (eb) => {
        let entries = eb
          .selectFrom('feed_entries')
          .select((f) => ['paper_id', f.fn.max('imported_upvotes').as('imported_upvotes'), f.fn.min('day').as('first_day')]);
        // Filter inside the aggregate: neither engine pushes an IN list through GROUP BY, and aggregating every
        // feed entry per import batch would make an import quadratic.
        if (ids) entries = entries.where('paper_id', 'in', [...ids]);
        return entries.groupBy('paper_id').as('fe');
      },
      (join) => join.onRef('fe.paper_id', '=', 'papers.id'),
    )
    .select(['papers.id', 'papers.local_upvotes', 'papers.published_at', 'papers.ingested_at', 'fe.imported_upvotes', 'fe.first_day']);
  if (ids) papers = papers.where('papers.id', 'in', [...ids]);
  const rows = (await papers.execute()) as ScoreInputRow[];

  let counts = db.selectFrom('repo_star_counts').select(['paper_id', 'counted_at', 'stars']);
  if (ids) counts = counts.where('paper_id', 'in', [...ids]);
  const starHistory = new Map<string, StarCount[]>();
  for (const row of await counts.execute()) {
    const list = starHistory.get(row.paper_id) ?? [];
    list.push({ countedAt: row.counted_at, stars: row.stars });
    starHistory.set(row.paper_id, list);
  }

  const scores = new Map<string, number>();
  for (const row of rows) {
    const featuredAt = row.first_day ? `${row.first_day}T00:00:00.000Z` : (row.published_at ?? row.ingested_at);
    scores.set(
      row.id,
      trendingScore({
        upvotes: Number(row.imported_upvotes ?? 0) + Number(row.local_upvotes),
        recentStarGain: starGain(starHistory.get(row.id) ?? []),
        featuredAt,
      }),
    );
  }
  return scores;
}

async function writeScores(db: Queryable, scores: Map<string, number>): Promise<void> {
  for (const batch of chunks([...scores.entries()], ID_CHUNK)) {
    const values = sql.join(batch.map(([id, score]) => sql`(${id}, CAST(${score} AS double precision))`));
    // A join, not a correlated subquery: SQLite would scan the VALUES list once per updated row.
    await sql`WITH v(id, score) AS (VALUES ${values})
      UPDATE papers SET trending_score = v.score FROM v WHERE v.id = papers.id`.execute(db);
  }
}

/**
 * Recomputes and stores the trending score of the given papers (after a vote, an import, a submission).
 * Call it inside the transaction that changed the inputs so the score never disagrees with them.
 */
export async function recomputeTrending(db: Queryable, paperIds: readonly string[]): Promise<number> {
  let written = 0;
  for (const ids of chunks([...new Set(paperIds)], ID_CHUNK)) {
    const scores = await scoresFor(db, ids);
    await writeScores(db, scores);
    written += scores.size;
  }
  return written;
}

/** Recomputes every paper's score; used by `paperboy trending recompute` and after bulk imports. */
export async function recomputeAllTrending(db: Queryable): Promise<number> {
  const scores = await scoresFor(db, null);
  await writeScores(db, scores);
  return scores.size;
}
