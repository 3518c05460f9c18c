import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { latestFeedDay } from '../../feed/feed.repository.js';
import { listPapers, type ListedPaper } from '../../feed/paper-listing.js';
import type { Paper } from '../../papers/paper.js';
import type { AppEnv } from '../env.js';
import { renderAtom, renderRss, type SyndicationFeed, type SyndicationItem } from '../syndication.js';
import { queryTextParam, rejectInvalid } from '../request-params.js';
import { strongEtagOf } from '../middleware/entity-tags.js';

export const FEED_ITEMS = 50;

type Format = 'rss' | 'atom';

function toItem(base: string, paper: Paper, day: string | null): SyndicationItem {
  return {
    title: paper.title,
    link: `${base}/papers/${paper.id}`,
    summary: paper.abstract,
    authors: paper.authors,
    categories: paper.categories,
    published: day ? `${day}T00:00:00.000Z` : (paper.publishedAt ?? '1970-01-01T00:00:00.000Z'),
  };
}

function latestOf(items: readonly SyndicationItem[], fallback: Date): string {
  const times = items.map((i) => Date.parse(i.published)).filter((t) => Number.isFinite(t));
  return new Date(times.length > 0 ? Math.max(...times) : fallback.getTime()).toISOString();
}

function render(c: Context<AppEnv>, format: Format, feed: Omit<SyndicationFeed, 'updated'>): string {
  const full: SyndicationFeed = { ...feed, updated: latestOf(feed.items, c.get('deps').now()) };
  return format === 'rss' ? renderRss(full) : renderAtom(full);
}

function respond(c: Context<AppEnv>, format: Format, body: string, etag?: string) {
  return c.body(body, 200, {
    'content-type': format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8',
    'cache-control': 'public, max-age=300',
    ...(etag === undefined ? {} : { etag }),
  });
}

/**
 * The daily and trending feeds are the same for every reader, so they live in the write-invalidated page cache
 * with their entity tag, which then costs nothing per request. (Search feeds are not: any query would make an
 * entry.)
 */
async function cachedFeed(c: Context<AppEnv>, format: Format, build: () => Promise<Omit<SyndicationFeed, 'updated'>>) {
  const cache = c.get('deps').pageCache;
  const key = `feed:${c.req.path}`;
  let entry = cache.get(key);
  if (entry === null) {
    const body = render(c, format, await build());
    entry = `${strongEtagOf(new TextEncoder().encode(body))}\n${body}`;
    cache.set(key, entry);
  }
  const split = entry.indexOf('\n');
  return respond(c, format, entry.slice(split + 1), entry.slice(0, split));
}

function listedItems(base: string, items: readonly ListedPaper[]): SyndicationItem[] {
  return items.map((item) => toItem(base, item.paper, item.day));
}

/** Daily: the same listing (and single query) as the front page. */
function daily(c: Context<AppEnv>, format: Format) {
  return cachedFeed(c, format, async () => {
    const base = c.get('config').publicUrl;
    const day = await latestFeedDay(c.get('deps').store.db);
    const listing = day
      ? await listPapers(c.get('deps').store.db, { range: { from: day, to: day }, sort: 'upvotes', limit: FEED_ITEMS, offset: 0 })
      : { items: [] };
    return {
      title: 'Paperboy — daily papers',
      description: day ? `Papers featured on ${day}, most upvoted first.` : 'Papers featured each day.',
      link: day ? `${base}/papers/date/${day}` : `${base}/`,
      self: `${base}/feeds/daily.${format === 'rss' ? 'xml' : 'atom'}`,
      items: listedItems(base, listing.items),
    };
  });
}

function trending(c: Context<AppEnv>, format: Format) {
  return cachedFeed(c, format, async () => {
    const base = c.get('config').publicUrl;
    const listing = await listPapers(c.get('deps').store.db, { sort: 'trending', limit: FEED_ITEMS, offset: 0 });
    return {
      title: 'Paperboy — trending papers',
      description: 'Papers ranked by upvotes and recent GitHub stars, discounted by age.',
      link: `${base}/trending`,
      self: `${base}/feeds/trending.${format === 'rss' ? 'xml' : 'atom'}`,
      items: listedItems(base, listing.items),
    };
  });
}

const searchFeedQuery = z.object({ q: queryTextParam(true) });

async function search(c: Context<AppEnv>, format: Format, q: string) {
  const base = c.get('config').publicUrl;
  const result = await c.get('deps').search.search({ q, limit: FEED_ITEMS, offset: 0, filters: { categories: [] }, sort: 'date' });
  const query = new URLSearchParams({ q }).toString();
  const body = render(c, format, {
    title: `Paperboy — search: ${q}`,
    description: `Newest papers matching "${q}".`,
    link: `${base}/search?${query}&sort=date`,
    self: `${base}/feeds/search.${format === 'rss' ? 'xml' : 'atom'}?${query}`,
    items: result.hits.filter((h) => !h.paper.hidden).map((hit) => toItem(base, hit.paper, null)),
  });
  return respond(c, format, body);
}

export const feedsRoutes = new Hono<AppEnv>()
  .get('/feeds/daily.xml', (c) => daily(c, 'rss'))
  .get('/feeds/daily.atom', (c) => daily(c, 'atom'))
  .get('/feeds/trending.xml', (c) => trending(c, 'rss'))
  .get('/feeds/trending.atom', (c) => trending(c, 'atom'))
  .get('/feeds/search.xml', validator('query', searchFeedQuery, rejectInvalid), (c) => search(c, 'rss', c.req.valid('query').q))
  .get('/feeds/search.atom', validator('query', searchFeedQuery, rejectInvalid), (c) => search(c, 'atom', c.req.valid('query').q));
