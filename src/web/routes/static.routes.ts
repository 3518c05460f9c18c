import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { projectRoot } from '../../project-root.js';
import type { AppEnv } from '../env.js';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Files under public/, read once at start and served with long-lived caching. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const dir = path.join(projectRoot(), 'public');
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type) assets.set(name, { body: fs.readFileSync(path.join(dir, name)), type });
  }
  return assets;
}

export function staticRoutes(): Hono<AppEnv> {
  const assets = loadAssets();
  return new Hono<AppEnv>().get('/static/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(new Uint8Array(asset.body), 200, {
      'content-type': asset.type,
      'cache-control': 'public, max-age=3600',
    });
  });
}
