import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { votedPaperIds } from '../../community/votes.repository.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { searchFollowTargets } from '../../signals/search-follows.js';
import { isIsoDay } from '../../feed/period.js';
import type { AppEnv } from '../env.js';
import { choiceParam, pageNumberParam, queryTextParam, rejectInvalid } from '../request-params.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { renderPage } from '../anonymous-page.js';
import { pageContext, type PageContext } from '../viewer.js';
import { searchPage, type SearchForm } from '../views/search-page.js';
import { MAX_TREND_QUERY_LENGTH, queryTrends, type Trend } from '../../trends/trends.service.js';

export const SEARCH_PAGE_SIZE = 20;
/** The search service ranks at most this deep; pages past it would be empty. */
const MAX_SEARCH_PAGE = 50;

const trimmed = () => z.string().trim().default('');

const searchPageQuery = z.object({
  q: queryTextParam(false),
  category: trimmed().refine((v) => v === '' || /^[A-Za-z][A-Za-z.-]{1,19}$/.test(v), {
    error: 'category must be an arXiv category such as cs.LG',
  }),
  after: trimmed().refine((v) => v === '' || isIsoDay(v), { error: 'after must be a date as YYYY-MM-DD' }),
  before: trimmed().refine((v) => v === '' || isIsoDay(v), { error: 'before must be a date as YYYY-MM-DD' }),
  sort: choiceParam('sort', ['relevance', 'date', 'votes'], 'relevance', 'Order of the results.'),
  p: pageNumberParam(MAX_SEARCH_PAGE),
});

/** The search as a trend query: its words and its category, over all time (the chart is the time axis). */
function trendQueryOf(form: SearchForm): string {
  return [form.q, form.category ? `cat:${form.category}` : ''].join(' ').trim();
}

async function searchTrend(c: Context<AppEnv>, form: SearchForm, pageNumber: number): Promise<Trend | null> {
  const query = trendQueryOf(form);
  if (pageNumber !== 1 || query === '' || query.length > MAX_TREND_QUERY_LENGTH) return null;
  const [trend] = await queryTrends(c.get('deps'), { queries: [query], interval: 'month' });
  return trend ?? null;
}

type Outcome = { kind: 'redirect'; to: string } | { kind: 'page'; html: string };

async function runSearch(c: Context<AppEnv>, form: SearchForm, pageNumber: number, page: PageContext): Promise<Outcome> {
  const { store, search } = c.get('deps');
  const result = await search.search({
    q: form.q,
    limit: SEARCH_PAGE_SIZE,
    offset: (pageNumber - 1) * SEARCH_PAGE_SIZE,
    filters: { categories: form.category ? [form.category] : [], after: form.after || undefined, before: form.before || undefined },
    sort: form.sort,
  });
  if (result.jumpTo && pageNumber === 1) return { kind: 'redirect', to: `/papers/${result.jumpTo}` };
  const hits = result.hits;
  const ids = hits.map((h) => h.paper.id);
  const [voted, saved, follows, trend] = await Promise.all([
    page.viewer ? votedPaperIds(store.db, page.viewer.id, ids) : Promise.resolve(new Set<string>()),
    page.viewer ? savedPaperIds(store.db, page.viewer.id, ids) : Promise.resolve(new Set<string>()),
    page.viewer ? searchFollowTargets(store.db, page.viewer.id, form.q, form.category) : Promise.resolve(null),
    searchTrend(c, form, pageNumber),
  ]);
  const results = hits.map((hit) => ({
    item: hit,
    title: hit.highlights.title.length > 0 ? hit.highlights.title : [{ text: hit.paper.title, match: false }],
    abstract: hit.highlights.abstract.length > 0 ? hit.highlights.abstract : [{ text: hit.paper.abstract, match: false }],
  }));
  const total = Math.min(result.total, MAX_SEARCH_PAGE * SEARCH_PAGE_SIZE);
  return {
    kind: 'page',
    html: searchPage({
      page,
      form,
      results,
      total,
      pageNumber,
      pageSize: SEARCH_PAGE_SIZE,
      notices: result.notices,
      voted,
      saved,
      follows,
      trend,
    }),
  };
}

export const searchPageRoutes = new Hono<AppEnv>().get('/search', validator('query', searchPageQuery, rejectInvalid), async (c) => {
  const { p: pageNumber, ...form } = c.req.valid('query');
  if (form.q === '' && form.category === '' && form.after === '' && form.before === '') {
    return c.html(
      searchPage({
        page: pageContext(c),
        form,
        results: null,
        total: 0,
        pageNumber: 1,
        pageSize: SEARCH_PAGE_SIZE,
        notices: [],
        voted: new Set(),
      }),
    );
  }
  // A query naming one paper (id or arXiv URL) may jump straight to it: answered fresh, never from the cache.
  if (parseArxivId(form.q)) {
    const outcome = await runSearch(c, form, pageNumber, pageContext(c));
    return outcome.kind === 'redirect' ? c.redirect(outcome.to, 302) : c.html(outcome.html);
  }
  const body = await renderPage(c, async (page) => {
    const outcome = await runSearch(c, form, pageNumber, page);
    return outcome.kind === 'page' ? outcome.html : null;
  });
  return body === null ? c.notFound() : c.html(body);
});
