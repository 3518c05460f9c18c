import type { Paper } from '../papers/paper.js';
import type { AppDeps } from './app.js';

/** What the pages use of the search service: the part of its interface they depend on. */
export interface SearchHighlightSegment {
  readonly text: string;
  readonly match: boolean;
}

export interface SearchHitLike {
  readonly paper: Paper;
  readonly score: number;
  readonly highlights: { readonly title: readonly SearchHighlightSegment[]; readonly abstract: readonly SearchHighlightSegment[] };
}

export interface SearchRequestLike {
  readonly q: string;
  readonly mode?: string;
  readonly limit: number;
  readonly offset: number;
  readonly filters: { readonly categories: readonly string[]; readonly after?: string; readonly before?: string };
  readonly sort: 'relevance' | 'date' | 'votes';
}

export interface SearchServiceLike {
  search(request: SearchRequestLike): Promise<{ hits: readonly SearchHitLike[]; total: number; jumpTo?: string }>;
  similar(paperId: string, limit: number): Promise<readonly Paper[]>;
}

/** The search service when it is wired into the deps. */
export function searchServiceOf(deps: AppDeps): SearchServiceLike | null {
  const candidate = (deps as unknown as { search?: SearchServiceLike }).search;
  return candidate ?? null;
}
