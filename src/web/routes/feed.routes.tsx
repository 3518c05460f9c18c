import { Hono, type Context } from 'hono';
import { adjacentFeedDays, latestFeedDay } from '../../feed/feed.repository.js';
import { listPapers, type ListingPage } from '../../feed/paper-listing.js';
import { dayPeriod, monthPeriod, periodPath, shiftPeriod, weekKeyOf, weekPeriod, type FeedPeriod } from '../../feed/period.js';
import { votedPaperIds } from '../../community/votes.repository.js';
import type { AppEnv } from '../app.js';
import { pageCacheFor } from '../page-cache.js';
import { pageParam } from '../request-params.js';
import { pageContext } from '../viewer.js';
import { html } from '../views/components.js';
import { FeedContent, feedPageTitle, TrendingContent } from '../views/feed-page.js';
import { Layout } from '../views/layout.js';
import { raw } from 'hono/html';

export const FEED_PAGE_SIZE = 30;
export const TRENDING_PAGE_SIZE = 30;

async function neighbours(c: Context<AppEnv>, period: FeedPeriod): Promise<{ previous: string | null; next: string | null }> {
  if (period.kind === 'day') {
    const days = await adjacentFeedDays(c.get('deps').store.db, period.key);
    return { previous: days.previous ? `/papers/date/${days.previous}` : null, next: days.next ? `/papers/date/${days.next}` : null };
  }
  return { previous: periodPath(shiftPeriod(period, -1)), next: periodPath(shiftPeriod(period, 1)) };
}

/**
 * Renders the listing fragment. Anonymous visitors share one cached fragment per URL (the markup does not depend
 * on who they are); the layout around it, with the visitor's CSRF token, is rendered per request. The trusted
 * fragment is our own escaped JSX output, so re-inserting it with raw() adds no unescaped user text.
 */
async function listingPage(c: Context<AppEnv>, title: string, cacheKey: string, render: (voted: ReadonlySet<string>, page: ReturnType<typeof pageContext>) => Promise<{ fragment: string; ids: string[] }>, feeds: Parameters<typeof Layout>[0]['feeds']) {
  const page = pageContext(c);
  const { store } = c.get('deps');
  let fragment: string;
  if (page.viewer) {
    const first = await render(new Set(), page);
    const voted = await votedPaperIds(store.db, page.viewer.id, first.ids);
    fragment = voted.size > 0 ? (await render(voted, page)).fragment : first.fragment;
  } else {
    fragment = await pageCacheFor(store).through(cacheKey, async () => (await render(new Set(), page)).fragment);
  }
  return c.html(html(<Layout title={title} page={page} feeds={feeds}>{raw(fragment)}</Layout>));
}

const DAILY_FEEDS = [
  { title: 'Daily papers (RSS)', href: '/feeds/daily.xml', type: 'rss' as const },
  { title: 'Daily papers (Atom)', href: '/feeds/daily.atom', type: 'atom' as const },
];

async function periodPage(c: Context<AppEnv>, period: FeedPeriod | null) {
  const pageNumber = pageParam(c.req.query('p'));
  const { store } = c.get('deps');
  let listing: ListingPage | null = null;
  let nav: { previous: string | null; next: string | null } | null = null;
  const load = async () => {
    if (!period) return;
    listing ??= await listPapers(store.db, { range: { from: period.from, to: period.to }, sort: 'upvotes', limit: FEED_PAGE_SIZE, offset: (pageNumber - 1) * FEED_PAGE_SIZE });
    nav ??= await neighbours(c, period);
  };
  return listingPage(
    c,
    feedPageTitle(period),
    `feed:${period?.key ?? 'none'}:${pageNumber}`,
    async (voted, page) => {
      await load();
      const items = listing?.items ?? [];
      const fragment = String(
        <FeedContent
          page={page}
          period={period}
          items={items}
          total={listing?.total ?? 0}
          pageNumber={pageNumber}
          pageSize={FEED_PAGE_SIZE}
          previous={nav?.previous ?? null}
          next={nav?.next ?? null}
          voted={voted}
        />,
      );
      return { fragment, ids: items.map((i) => i.paper.id) };
    },
    DAILY_FEEDS,
  );
}

async function latestPeriod(c: Context<AppEnv>): Promise<string | null> {
  return latestFeedDay(c.get('deps').store.db);
}

export const feedRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const cache = pageCacheFor(c.get('deps').store);
    const cachedDay = cache.get('latest-day');
    const day = cachedDay ?? (await latestPeriod(c));
    if (day && cachedDay === null) cache.set('latest-day', day);
    return periodPage(c, day ? dayPeriod(day) : null);
  })
  .get('/papers/date/:day', async (c) => {
    const period = dayPeriod(c.req.param('day'));
    return period ? periodPage(c, period) : c.notFound();
  })
  .get('/papers/week', async (c) => {
    const day = await latestPeriod(c);
    return c.redirect(`/papers/week/${weekKeyOf(day ?? c.get('deps').now().toISOString().slice(0, 10))}`, 302);
  })
  .get('/papers/week/:key', async (c) => {
    const period = weekPeriod(c.req.param('key'));
    return period ? periodPage(c, period) : c.notFound();
  })
  .get('/papers/month', async (c) => {
    const day = await latestPeriod(c);
    return c.redirect(`/papers/month/${(day ?? c.get('deps').now().toISOString()).slice(0, 7)}`, 302);
  })
  .get('/papers/month/:key', async (c) => {
    const period = monthPeriod(c.req.param('key'));
    return period ? periodPage(c, period) : c.notFound();
  })
  .get('/trending', async (c) => {
    const pageNumber = pageParam(c.req.query('p'));
    const { store } = c.get('deps');
    let listing: ListingPage | null = null;
    return listingPage(
      c,
      'Trending papers',
      `trending:${pageNumber}`,
      async (voted, page) => {
        listing ??= await listPapers(store.db, { sort: 'trending', limit: TRENDING_PAGE_SIZE, offset: (pageNumber - 1) * TRENDING_PAGE_SIZE });
        const fragment = String(<TrendingContent page={page} items={listing.items} total={listing.total} pageNumber={pageNumber} pageSize={TRENDING_PAGE_SIZE} voted={voted} />);
        return { fragment, ids: listing.items.map((i) => i.paper.id) };
      },
      [{ title: 'Trending papers (RSS)', href: '/feeds/trending.xml', type: 'rss' }],
    );
  });
