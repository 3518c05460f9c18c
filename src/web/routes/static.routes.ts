import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { projectRoot } from '../../project-root.js';
import type { AppEnv } from '../env.js';
import { strongEtagOf } from '../middleware/entity-tags.js';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** Files under public/, read (and tagged) once at start and served with long-lived caching. */
function loadAssets(): Map<string, Asset> {
  const dir = path.join(projectRoot(), 'public');
  const assets = new Map<string, Asset>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = fs.readFileSync(path.join(dir, name));
    assets.set(name, { body, type, etag: strongEtagOf(body) });
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
      etag: asset.etag,
    });
  });
}
