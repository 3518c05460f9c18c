import type { SearchService } from '../search/search.service.js';
import type { Metrics } from './metrics.js';

/**
 * The search service with its latency recorded in `paperboy_search_duration_seconds`, labelled with the mode
 * that actually ran (or "similar" / "failed"). Every other member passes straight through.
 */
export function instrumentSearch(service: SearchService, metrics: Metrics): SearchService {
  const search: SearchService['search'] = async (req) => {
    const started = performance.now();
    try {
      const result = await service.search(req);
      metrics.observeSearch((performance.now() - started) / 1000, result.mode);
      return result;
    } catch (error) {
      metrics.observeSearch((performance.now() - started) / 1000, 'failed');
      throw error;
    }
  };
  const similar: SearchService['similar'] = async (paperId, limit) => {
    const stop = metrics.startSearchTimer('similar');
    try {
      return await service.similar(paperId, limit);
    } finally {
      stop();
    }
  };
  return new Proxy(service, {
    get(target, property) {
      if (property === 'search') return search;
      if (property === 'similar') return similar;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
