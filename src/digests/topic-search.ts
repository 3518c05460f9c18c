import type { SearchService } from '../search/search.service.js';
import { addDays } from '../feed/period.js';
import type { TopicMatcher } from './planner.js';

/** The search engine's result limit per request. */
const SEARCH_LIMIT = 100;

/**
 * Topic subscriptions run their saved search (the query language of /search, e.g. `cat:cs.RO "vision-language"`)
 * over the papers published in the period. Which papers match is decided by the lexical search — the semantic
 * half of hybrid search always returns nearest neighbours, related or not — and the hybrid score ranks the
 * matches (the planner breaks ties by trending score).
 */
export function searchTopicMatcher(search: Pick<SearchService, 'search'>): TopicMatcher {
  return async (query, period, limit) => {
    const request = { q: query, limit: Math.min(limit, SEARCH_LIMIT), filters: { after: period.from, before: addDays(period.to, 1) } };
    const [lexical, hybrid] = await Promise.all([
      search.search({ ...request, mode: 'lexical' }),
      search.search({ ...request, mode: 'hybrid' }),
    ]);
    const hybridScore = new Map(hybrid.hits.map((hit) => [hit.paper.id, hit.score]));
    return lexical.hits.map((hit) => ({ id: hit.paper.id, score: hybridScore.get(hit.paper.id) ?? 0 }));
  };
}
