import type { ParsedQuery, DayCounts } from '../search/search.service.js';
import { parseQuery } from '../search/query-parser.js';
import { Refused } from '../refused.js';
import type { PaperDayTotals } from './paper-day-totals.js';
import type { TrendInterval } from './periods.js';
import { rangeOf, seriesByPeriod } from './series.js';

export const MAX_COMPARED_QUERIES = 3;
export const MAX_TREND_QUERY_LENGTH = 300;

export interface TrendPoint {
  readonly period: string;
  /** Visible papers published in the period that match the query. */
  readonly count: number;
  /** count divided by every visible paper published in the period (0 when there were none). */
  readonly share: number;
}

export interface Trend {
  readonly query: string;
  readonly interval: TrendInterval;
  readonly series: readonly TrendPoint[];
}

export interface TrendDeps {
  readonly search: { countMatchesByDay(query: ParsedQuery): Promise<DayCounts> };
  readonly paperDayTotals: Pick<PaperDayTotals, 'byDay'>;
  readonly now: () => Date;
}

export interface TrendsInput {
  readonly queries: readonly string[];
  readonly interval: TrendInterval;
}

/**
 * Papers per period matching each query (every word and phrase, none of the exclusions, its filters), over the
 * whole database, with their share of all papers of the period. All series span the same periods: those from the
 * first to the last day any visible paper was published (up to today), so compared queries line up.
 */
export async function queryTrends(deps: TrendDeps, input: TrendsInput): Promise<Trend[]> {
  const queries = input.queries.map((q) => q.trim());
  if (queries.length === 0 || queries.some((q) => q === '')) throw new Refused('invalid', 'Give a query to chart.');
  if (queries.length > MAX_COMPARED_QUERIES) throw new Refused('invalid', `Compare at most ${MAX_COMPARED_QUERIES} queries.`);
  if (queries.some((q) => q.length > MAX_TREND_QUERY_LENGTH)) {
    throw new Refused('invalid', `A query may be at most ${MAX_TREND_QUERY_LENGTH} characters.`);
  }
  const [totals, ...matches] = await Promise.all([
    deps.paperDayTotals.byDay(),
    ...queries.map((q) => deps.search.countMatchesByDay(parseQuery(q))),
  ]);
  const range = rangeOf(totals!, deps.now().toISOString().slice(0, 10));
  const totalSeries = seriesByPeriod(totals!, input.interval, range);
  return queries.map((query, i) => {
    const counts = seriesByPeriod(matches[i]!, input.interval, range);
    return {
      query,
      interval: input.interval,
      series: counts.map(({ period, count }, at) => {
        const total = totalSeries[at]!.count;
        return { period, count, share: total === 0 ? 0 : Math.min(1, count / total) };
      }),
    };
  });
}
