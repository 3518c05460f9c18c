import { Hono } from 'hono';
import { adjacentFeedDays, latestFeedDay, listFeed } from '../../feed/feed.repository.js';
import { isIsoDay } from '../../ingest/text.js';
import type { AppEnv } from '../app.js';
import { feedPage } from '../views/feed-page.js';

const PAGE_SIZE = 50;

export const feedRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const { store } = c.get('deps');
    const day = await latestFeedDay(store.db);
    if (!day) return c.html(feedPage({ day: null, items: [], previous: null, next: null }));
    const [items, adjacent] = await Promise.all([
      listFeed(store.db, { from: day, to: day }, { limit: PAGE_SIZE, offset: 0 }),
      adjacentFeedDays(store.db, day),
    ]);
    return c.html(feedPage({ day, items, ...adjacent }));
  })
  .get('/papers/date/:day', async (c) => {
    const day = c.req.param('day');
    if (!isIsoDay(day)) return c.notFound();
    const { store } = c.get('deps');
    const [items, adjacent] = await Promise.all([
      listFeed(store.db, { from: day, to: day }, { limit: PAGE_SIZE, offset: 0 }),
      adjacentFeedDays(store.db, day),
    ]);
    return c.html(feedPage({ day, items, ...adjacent }));
  });
