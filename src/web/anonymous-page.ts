import type { Context } from 'hono';
import { randomToken } from '../security/tokens.js';
import type { AppEnv } from './env.js';
import { pageContext, type PageContext } from './viewer.js';

/**
 * Stands in for the visitor's CSRF token in cached pages. Random per process, so no imported or user-written
 * text can contain it by accident or design.
 */
const TOKEN_SLOT = `csrf-slot-${randomToken(18)}`;

/**
 * Renders a whole page, serving anonymous visitors from the page cache: the page is rendered once with a token
 * slot and each visitor gets it with their own CSRF token filled in. Signed-in users (vote state, own comments)
 * are always rendered fresh. `render` returns null for "no such page" (not cached).
 */
export async function renderPage(c: Context<AppEnv>, render: (page: PageContext) => Promise<string | null>): Promise<string | null> {
  const page = pageContext(c);
  if (page.viewer) return render(page);
  const cache = c.get('deps').pageCache;
  const key = `page:${page.path}`;
  let html = cache.get(key);
  if (html === null) {
    html = await render({ ...page, csrfToken: TOKEN_SLOT });
    if (html === null) return null;
    cache.set(key, html);
  }
  return html.replaceAll(TOKEN_SLOT, page.csrfToken);
}
