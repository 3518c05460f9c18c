import { sql } from 'kysely';
import { columnsOf, unnestRows } from '../db/bulk-rows.js';
import { capabilitiesOf } from '../db/database.js';
import type { Queryable } from '../db/schema.js';
import { starGain, trendingScore, type StarCount } from './trending-score.js';

const ID_CHUNK = 500;
/** Scores per UPDATE where they are bound as arrays (two parameters, whatever the number). */
const SCORES_PER_ARRAY_STATEMENT = 10_000;

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

interface ScoreRow {
  readonly id: string;
  readonly score: number;
  readonly [column: string]: string | number;
}
const SCORE_COLUMNS = columnsOf<ScoreRow>({ id: 'text', score: 'double precision' });

/** Writes the scores that changed (an unchanged row is not rewritten, nor its indexes touched). */
async function writeScores(db: Queryable, scores: Map<string, number>): Promise<void> {
  const rows = [...scores.entries()].map(([id, score]) => ({ id, score }));
  // Where the engine binds arrays, a whole import batch is one statement of a fixed size.
  const perStatement = capabilitiesOf(db).arrayParameters ? SCORES_PER_ARRAY_STATEMENT : ID_CHUNK;
  for (const batch of chunks(rows, perStatement)) {
    const values = capabilitiesOf(db).arrayParameters
      ? unnestRows(batch, SCORE_COLUMNS)
      : sql`VALUES ${sql.join(batch.map((row) => sql`(${row.id}, CAST(${row.score} AS double precision))`))}`;
    // A join, not a correlated subquery: SQLite would scan the VALUES list once per updated row.
    await sql`WITH v(id, score) AS (${values})
      UPDATE papers SET trending_score = v.score FROM v
      WHERE v.id = papers.id AND papers.trending_score <> v.score`.execute(db);
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
