import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { getListedPaper } from '../../feed/paper-listing.js';
import { Refused } from '../../refused.js';
import type { AppEnv } from '../env.js';
import { paperMarkdown } from '../paper-markdown.js';

/** `/papers/{id}.md` for new-style ids (2407.21783, versioned or not) and old-style ones (hep-th/9901001). */
const MARKDOWN_PATHS = [
  '/papers/:file{[0-9]{4}\\.[0-9]{4,5}(?:v[0-9]+)?\\.md}',
  '/papers/:archive{[a-z][a-z-]*(?:\\.[A-Z]{2})?}/:file{[0-9]{7}(?:v[0-9]+)?\\.md}',
] as const;

export const paperMarkdownRoutes = new Hono<AppEnv>();

for (const path of MARKDOWN_PATHS) {
  paperMarkdownRoutes.get(
    path,
    // Not under /api/, so not part of the OpenAPI document (like the HTML paper page it mirrors).
    describeRoute({ hide: true }),
    async (c) => {
      const { archive, file } = c.req.param() as { archive?: string; file: string };
      const id = `${archive ? `${archive}/` : ''}${file.slice(0, -'.md'.length)}`.replace(/v\d+$/, '');
      const item = await getListedPaper(c.get('deps').store.db, id);
      if (!item || item.paper.hidden) throw new Refused('not_found', `No paper with id ${id}.`);
      const pageUrl = `${c.get('config').publicUrl}/papers/${item.paper.id}`;
      return c.body(paperMarkdown(item, pageUrl), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    },
  );
}
