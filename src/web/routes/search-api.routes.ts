import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { listPapers } from '../../feed/paper-listing.js';
import { requireVisiblePaper } from '../../papers/visible-paper.js';
import { SEARCH_MODES, type SearchMode } from '../../search/search.service.js';
import type { AppEnv } from '../env.js';
import { apiPaper } from '../api-shapes.js';
import { PaperSchema, RATE_LIMIT_HEADERS, SearchHitSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { hfErrorResponse } from '../hf-error-schema.js';
import { PAPER_ID_PATHS, choiceParam, integerParam, paperIdOf, queryTextParam, rejectInvalid } from '../request-params.js';

const searchQuery = z.object({
  q: queryTextParam(false),
  limit: integerParam('limit', 1, 120, 20, 'Hits to return (1–120, as on Hugging Face).'),
  mode: choiceParam('mode', SEARCH_MODES as [SearchMode, ...SearchMode[]], 'hybrid', 'Ranking: lexical, semantic or both fused.'),
  explain: z.string().optional().meta({ description: 'Add per-hit ranking details (1 or true).' }),
});

const similarQuery = z.object({ limit: integerParam('limit', 1, 100, 10, 'Papers to return.') });

/** A hit's text as one unhighlighted segment (nothing matched: there was no query). */
const plainSegments = (text: string) => (text ? [{ text, match: false }] : []);

/**
 * A search without a query answers like Hugging Face's empty search: featured papers by trending score, in the
 * hit shape, scored by that trending score.
 */
async function popularHits(c: Context<AppEnv>, limit: number) {
  const page = await listPapers(c.get('deps').store.db, { sort: 'trending', limit, offset: 0 });
  return {
    total: page.total,
    hits: page.items.map((listed) => {
      const paper = apiPaper(listed);
      return {
        paper,
        title: listed.paper.title,
        summary: listed.paper.abstract,
        publishedAt: listed.paper.publishedAt,
        numComments: paper.numComments,
        highlightedTitle: plainSegments(listed.paper.title),
        highlightedSummary: plainSegments(listed.paper.abstract),
        score: listed.trendingScore,
      };
    }),
  };
}

export const searchApiRoutes = new Hono<AppEnv>().get(
  '/api/papers/search',
  describeRoute({
    summary: 'Hybrid (lexical + semantic) paper search',
    description:
      'q supports "phrases", -exclusions, cat:, author:, after:, before:, and arXiv ids or URLs. Without q (or with a blank ' +
      'one), the most trending featured papers, scored by their trending score, as Hugging Face answers an empty search.',
    operationId: 'searchPapers',
    responses: {
      200: jsonResponse(z.array(SearchHitSchema), 'Ranked hits with highlighted title and abstract segments.', {
        ...RATE_LIMIT_HEADERS,
        'X-Total-Count': { description: 'Matching papers.', schema: { type: 'integer' } },
        'X-Search-Mode': {
          description: 'The mode that ran (hybrid falls back to lexical when semantic search is unavailable).',
          schema: { type: 'string' },
        },
        'X-Jump-To': { description: 'Set when the query named one paper by id or URL.', schema: { type: 'string' } },
      }),
      400: hfErrorResponse('A malformed parameter.'),
      409: hfErrorResponse('mode=semantic while semantic search is unavailable.'),
      429: hfErrorResponse('Rate limited.'),
    },
  }),
  validator('query', searchQuery, rejectInvalid),
  async (c) => {
    const { q, limit, mode, explain } = c.req.valid('query');
    if (q === '') {
      const popular = await popularHits(c, limit);
      c.header('X-Total-Count', String(popular.total));
      return c.json(popular.hits);
    }
    // Short head-term queries have the relevance ranking's top PRIOR_CANDIDATES reordered with the popularity prior
    // (upvotes, imported and local) before the page is cut; other queries keep relevance order.
    const { search } = c.get('deps');
    const result = await search.search({ q, limit, mode, explain: explain === '1' || explain === 'true', popularityPrior: true });
    c.header('X-Total-Count', String(result.total));
    c.header('X-Search-Mode', result.mode);
    if (result.jumpTo) c.header('X-Jump-To', result.jumpTo);
    return c.json(
      result.hits.map((hit) => ({
        paper: apiPaper(hit),
        title: hit.paper.title,
        summary: hit.paper.abstract,
        publishedAt: hit.paper.publishedAt,
        numComments: hit.comments,
        // Highlights as text segments, never markup: clients render them with their own escaping.
        highlightedTitle: hit.highlights.title,
        highlightedSummary: hit.highlights.abstract,
        score: hit.score,
        ...(hit.explain ? { explain: hit.explain } : {}),
      })),
    );
  },
);

for (const [index, path] of PAPER_ID_PATHS.entries()) {
  searchApiRoutes.get(
    `/api/papers/${path}/similar`,
    describeRoute({
      summary: 'Papers similar to this one',
      operationId: 'similarPapers',
      // Old-style ids (hep-th/9901001) are routed too but documented once, under {id}.
      hide: index > 0,
      responses: {
        200: jsonResponse(z.array(PaperSchema), 'Nearest papers, most similar first.'),
        404: errorResponse('No such paper.'),
        429: errorResponse('Rate limited.'),
      },
    }),
    validator('query', similarQuery, rejectInvalid),
    async (c) => {
      const id = paperIdOf(c);
      const { store, search } = c.get('deps');
      await requireVisiblePaper(store.db, id);
      return c.json((await search.similar(id, c.req.valid('query').limit)).map((listed) => apiPaper(listed)));
    },
  );
}
