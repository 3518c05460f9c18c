import type { Store } from '../db/database.js';
import { addDays } from '../feed/period.js';
import type { Logger } from '../logger.js';
import type { RankingMethod } from '../recommend/rank.js';
import type { SearchService } from '../search/search.service.js';
import type { WriteEvent } from '../write-events.js';
import { PeriodSpaces, type PeriodSpacesOptions } from './period-spaces.js';
import { ReaderModels, type QueryMatcher } from './reader-models.js';

/** Saved searches match through the search engine itself, restricted to the period's publication days. */
export function searchQueryMatcher(search: Pick<SearchService, 'search'>, logger: Logger): QueryMatcher {
  return async (query, range) => {
    try {
      const result = await search.search({
        q: query,
        filters: { after: range.from, before: addDays(range.to, 1) },
        limit: 100,
        highlight: false,
      });
      return result.hits.map((hit) => hit.paper.id);
    } catch (error) {
      // A saved search that cannot run now (e.g. semantic search still starting) only loses its boost.
      logger.error('for-you saved search failed', { error: String(error) });
      return [];
    }
  };
}

/**
 * The state For you keeps between requests: each period's feature space and each reader's trained model. One per
 * process, built by `buildDeps`; a batch job (digests) uses the same one through the same use-case.
 */
export class ForYouEngine {
  readonly spaces: PeriodSpaces;
  readonly models: ReaderModels;

  constructor(options: {
    store: Store;
    logger: Logger;
    matchQuery: QueryMatcher;
    writes: { subscribe(listener: (event: WriteEvent) => void): () => void };
    spaces?: PeriodSpacesOptions;
    /** How readers' papers are scored (default logistic+nearest). */
    method?: RankingMethod;
  }) {
    this.spaces = new PeriodSpaces(options.store, options.logger, options.spaces);
    this.models = new ReaderModels(options.store, options.matchQuery, { method: options.method });
    this.spaces.watch(options.writes);
    this.models.watch(options.writes);
  }
}
