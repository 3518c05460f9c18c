import { Hono } from 'hono';
import { configuredSources } from '../../sources/live-sources.js';
import { sourcesOverview } from '../../sources/source-status.js';
import type { AppEnv } from '../env.js';
import { requireAdmin } from '../middleware/auth.js';
import { pageContext } from '../viewer.js';
import { sourcesPage } from '../views/sources-page.js';

/** The live sources' state, for admins. */
export const sourcesRoutes = new Hono<AppEnv>().get('/admin/sources', requireAdmin, async (c) => {
  const deps = c.get('deps');
  const config = c.get('config');
  const overview = await sourcesOverview(deps.store.db, config, configuredSources(config), deps.now());
  return c.html(sourcesPage({ page: pageContext(c), overview }), 200, { 'cache-control': 'no-store' });
});
