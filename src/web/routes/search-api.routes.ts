import { Hono, type Context } from 'hono';
import { countsFor } from '../../feed/paper-listing.js';
import type { Paper } from '../../papers/paper.js';
import { SEARCH_MODES, type SearchMode } from '../../search/search.service.js';
import { SemanticUnavailableError } from '../../search/semantic-index.js';
import type { AppEnv } from '../env.js';
import { apiPaper } from '../api-shapes.js';
import { PAPER_ID_PATHS, paperIdFromParams } from '../request-params.js';

const MAX_QUERY_LENGTH = 500;

function badRequest(c: Context<AppEnv>, message: string) {
  return c.json({ error: { code: 'bad_request', message } }, 400);
}

function limitParam(raw: string | undefined, fallback: number): number | string {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100)
    return `limit must be an integer between 1 and 100 (got "${raw.slice(0, 20)}")`;
  return Number(raw);
}

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

export const searchApiRoutes = new Hono<AppEnv>().get('/api/papers/search', async (c) => {
  const q = (c.req.query('q') ?? '').trim();
  if (q === '') return badRequest(c, 'q is required');
  if (q.length > MAX_QUERY_LENGTH) return badRequest(c, `q can be at most ${MAX_QUERY_LENGTH} characters`);
  const limit = limitParam(c.req.query('limit'), 20);
  if (typeof limit === 'string') return badRequest(c, limit);
  const modeRaw = c.req.query('mode');
  if (modeRaw !== undefined && modeRaw !== '' && !SEARCH_MODES.includes(modeRaw as SearchMode)) {
    return badRequest(c, `mode must be one of ${SEARCH_MODES.join(', ')}`);
  }
  const explain = c.req.query('explain') === '1' || c.req.query('explain') === 'true';
  let result;
  try {
    result = await c.get('deps').search.search({ q, limit, mode: (modeRaw || undefined) as SearchMode | undefined, explain });
  } catch (error) {
    if (error instanceof SemanticUnavailableError) return c.json({ error: { code: 'semantic_unavailable', message: error.message } }, 409);
    throw error;
  }
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
});

for (const path of PAPER_ID_PATHS) {
  searchApiRoutes.get(`/api/papers/${path}/similar`, async (c) => {
    const id = paperIdFromParams(c.req.param()).replace(/v\d+$/, '');
    const limit = limitParam(c.req.query('limit'), 10);
    if (typeof limit === 'string') return badRequest(c, limit);
    const { store, search } = c.get('deps');
    const exists = await store.db.selectFrom('papers').select('id').where('id', '=', id).where('hidden', '=', 0).executeTakeFirst();
    if (!exists) return c.json({ error: { code: 'not_found', message: `No paper with id ${id}.` } }, 404);
    return c.json(await apiPapers(c, await search.similar(id, limit)));
  });
}
