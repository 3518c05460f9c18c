import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { votedPaperIds } from '../../community/votes.repository.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { adjacentFeedDays, latestFeedDay } from '../../feed/feed.repository.js';
import { listPapers } from '../../feed/paper-listing.js';
import { countVisiblePapers } from '../../papers/papers.repository.js';
import { dayPeriod, monthPeriod, periodPath, shiftPeriod, weekKeyOf, weekPeriod, type FeedPeriod } from '../../feed/period.js';
import type { AppEnv } from '../env.js';
import { renderPage } from '../anonymous-page.js';
import { pageNumberParam, rejectInvalid } from '../request-params.js';
import type { PageContext } from '../viewer.js';
import { feedPage, trendingPage } from '../views/feed-page.js';

export const FEED_PAGE_SIZE = 30;
export const TRENDING_PAGE_SIZE = 30;

async function neighbours(c: Context<AppEnv>, period: FeedPeriod): Promise<{ previous: string | null; next: string | null }> {
  if (period.kind === 'day') {
    const days = await adjacentFeedDays(c.get('deps').store.db, period.key);
    return { previous: days.previous ? `/papers/date/${days.previous}` : null, next: days.next ? `/papers/date/${days.next}` : null };
  }
  return { previous: periodPath(shiftPeriod(period, -1)), next: periodPath(shiftPeriod(period, 1)) };
}

async function votedBy(c: Context<AppEnv>, page: PageContext, ids: readonly string[]): Promise<ReadonlySet<string>> {
  return page.viewer ? votedPaperIds(c.get('deps').store.db, page.viewer.id, ids) : new Set();
}

async function savedBy(c: Context<AppEnv>, page: PageContext, ids: readonly string[]): Promise<ReadonlySet<string>> {
  return page.viewer ? savedPaperIds(c.get('deps').store.db, page.viewer.id, ids) : new Set();
}

const pageQuery = z.object({ p: pageNumberParam() });
const pageQueryValidator = validator('query', pageQuery, rejectInvalid);

async function periodPage(c: Context<AppEnv>, pageNumber: number, resolvePeriod: () => Promise<FeedPeriod | null>) {
  const { store } = c.get('deps');
  const html = await renderPage(c, async (page) => {
    const period = await resolvePeriod();
    if (!period)
      return feedPage({
        page,
        period: null,
        items: [],
        total: 0,
        pageNumber,
        pageSize: FEED_PAGE_SIZE,
        previous: null,
        next: null,
        voted: new Set(),
        papersInCatalogue: await countVisiblePapers(store.db),
      });
    const [listing, nav] = await Promise.all([
      listPapers(store.db, {
        range: { from: period.from, to: period.to },
        sort: 'upvotes',
        limit: FEED_PAGE_SIZE,
        offset: (pageNumber - 1) * FEED_PAGE_SIZE,
      }),
      neighbours(c, period),
    ]);
    const ids = listing.items.map((i) => i.paper.id);
    const [voted, saved] = await Promise.all([votedBy(c, page, ids), savedBy(c, page, ids)]);
    return feedPage({
      page,
      period,
      items: listing.items,
      total: listing.total,
      pageNumber,
      pageSize: FEED_PAGE_SIZE,
      ...nav,
      voted,
      saved,
    });
  });
  return c.html(html!);
}

function fixedPeriod(c: Context<AppEnv>, pageNumber: number, period: FeedPeriod | null) {
  return period ? periodPage(c, pageNumber, () => Promise.resolve(period)) : c.notFound();
}

export const feedRoutes = new Hono<AppEnv>()
  .get('/', pageQueryValidator, (c) =>
    periodPage(c, c.req.valid('query').p, async () => {
      const day = await latestFeedDay(c.get('deps').store.db);
      return day ? dayPeriod(day) : null;
    }),
  )
  .get('/papers/date/:day', pageQueryValidator, (c) => fixedPeriod(c, c.req.valid('query').p, dayPeriod(c.req.param('day'))))
  .get('/papers/week', async (c) => {
    const day = await latestFeedDay(c.get('deps').store.db);
    return c.redirect(`/papers/week/${weekKeyOf(day ?? c.get('deps').now().toISOString().slice(0, 10))}`, 302);
  })
  .get('/papers/week/:key', pageQueryValidator, (c) => fixedPeriod(c, c.req.valid('query').p, weekPeriod(c.req.param('key'))))
  .get('/papers/month', async (c) => {
    const day = await latestFeedDay(c.get('deps').store.db);
    return c.redirect(`/papers/month/${(day ?? c.get('deps').now().toISOString()).slice(0, 7)}`, 302);
  })
  .get('/papers/month/:key', pageQueryValidator, (c) => fixedPeriod(c, c.req.valid('query').p, monthPeriod(c.req.param('key'))))
  .get('/trending', pageQueryValidator, async (c) => {
    const pageNumber = c.req.valid('query').p;
    const { store } = c.get('deps');
    const html = await renderPage(c, async (page) => {
      const listing = await listPapers(store.db, {
        sort: 'trending',
        limit: TRENDING_PAGE_SIZE,
        offset: (pageNumber - 1) * TRENDING_PAGE_SIZE,
      });
      const ids = listing.items.map((i) => i.paper.id);
      const [voted, saved] = await Promise.all([votedBy(c, page, ids), savedBy(c, page, ids)]);
      return trendingPage({ page, items: listing.items, total: listing.total, pageNumber, pageSize: TRENDING_PAGE_SIZE, voted, saved });
    });
    return c.html(html!);
  });
