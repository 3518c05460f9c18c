import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { countsFor } from '../../feed/paper-listing.js';
import type { Paper } from '../../papers/paper.js';
import { requireVisiblePaper } from '../../papers/visible-paper.js';
import { SEARCH_MODES, type SearchMode } from '../../search/search.service.js';
import type { AppEnv } from '../env.js';
import { apiPaper } from '../api-shapes.js';
import { PaperSchema, RATE_LIMIT_HEADERS, SearchHitSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { PAPER_ID_PATHS, choiceParam, integerParam, paperIdOf, queryTextParam, rejectInvalid } from '../request-params.js';

const searchQuery = z.object({
  q: queryTextParam(true),
  limit: integerParam('limit', 1, 100, 20, 'Hits to return.'),
  mode: choiceParam('mode', SEARCH_MODES as [SearchMode, ...SearchMode[]], 'hybrid', 'Ranking: lexical, semantic or both fused.'),
  explain: z.string().optional().meta({ description: 'Add per-hit ranking details (1 or true).' }),
});

const similarQuery = z.object({ limit: integerParam('limit', 1, 100, 10, 'Papers to return.') });

/** Papers in the shape of the Hugging Face papers API, with their vote and comment counts. */
async function apiPapers(c: Context<AppEnv>, papers: readonly Paper[]) {
  const counts = await countsFor(
    c.get('deps').store.db,
    papers.map((p) => p.id),
  );
  return papers.map((paper) => {
    const n = counts.get(paper.id);
    return apiPaper({
      paper,
      day: n?.day ?? null,
      upvotes: n?.upvotes ?? 0,
      comments: n?.comments ?? 0,
      trendingScore: 0,
      submittedBy: null,
    });
  });
}

export const searchApiRoutes = new Hono<AppEnv>().get(
  '/api/papers/search',
  describeRoute({
    summary: 'Hybrid (lexical + semantic) paper search',
    description: 'q supports "phrases", -exclusions, cat:, author:, after:, before:, and arXiv ids or URLs.',
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
      409: errorResponse('mode=semantic while semantic search is unavailable.'),
      429: errorResponse('Rate limited.'),
    },
  }),
  validator('query', searchQuery, rejectInvalid),
  async (c) => {
    const { q, limit, mode, explain } = c.req.valid('query');
    const result = await c.get('deps').search.search({ q, limit, mode, explain: explain === '1' || explain === 'true' });
    const papers = await apiPapers(
      c,
      result.hits.map((h) => h.paper),
    );
    c.header('X-Total-Count', String(result.total));
    c.header('X-Search-Mode', result.mode);
    if (result.jumpTo) c.header('X-Jump-To', result.jumpTo);
    return c.json(
      result.hits.map((hit, i) => ({
        paper: papers[i]!,
        title: hit.paper.title,
        summary: hit.paper.abstract,
        publishedAt: hit.paper.publishedAt,
        numComments: papers[i]!.numComments,
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
      return c.json(await apiPapers(c, await search.similar(id, c.req.valid('query').limit)));
    },
  );
}
