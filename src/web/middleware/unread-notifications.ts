import { createMiddleware } from 'hono/factory';
import { countUnread } from '../../notifications/notifications.repository.js';
import type { AppEnv } from '../env.js';

/** Paths read by programs or served as files: no page header, so no count. */
const NO_PAGE = /^\/(api|feeds|static)(\/|$)|^\/(metrics|healthz|readyz)$/;

/**
 * The signed-in reader's unread notification count for the page header: one indexed count (capped) per page view
 * of a cookie session. Visitors' pages — the ones the page cache keeps — never query it and never change.
 */
export const unreadNotifications = createMiddleware<AppEnv>(async (c, next) => {
  c.set('unreadNotifications', null);
  const user = c.get('user');
  if (user && c.get('auth').method === 'session' && (c.req.method === 'GET' || c.req.method === 'HEAD') && !NO_PAGE.test(c.req.path)) {
    c.set('unreadNotifications', await countUnread(c.get('deps').store.db, user.id));
  }
  await next();
});
