import type { SearchService } from '../search/search.service.js';
import { addDays } from './period.js';
import type { TopicMatcher } from './planner.js';

/** The search engine's result limit per request. */
const SEARCH_LIMIT = 100;

/**
 * Topic subscriptions run their saved search (the query language of /search, e.g. `cat:cs.RO "vision-language"`)
 * in hybrid mode over the papers published in the period.
 */
export function searchTopicMatcher(search: Pick<SearchService, 'search'>): TopicMatcher {
  return async (query, period, limit) => {
    const result = await search.search({
      q: query,
      mode: 'hybrid',
      limit: Math.min(limit, SEARCH_LIMIT),
      filters: { after: period.from, before: addDays(period.to, 1) },
    });
    return result.hits.map((hit) => ({ id: hit.paper.id, score: hit.score }));
  };
}
