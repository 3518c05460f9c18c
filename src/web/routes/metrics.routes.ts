import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

/** Prometheus scrape endpoint. It exposes no user data; restrict it at the reverse proxy if counts are sensitive. */
export const metricsRoutes = new Hono<AppEnv>().get('/metrics', (c) =>
  c.body(c.get('deps').metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }),
);
