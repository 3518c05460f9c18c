import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../env.js';

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    try {
      await sql`SELECT 1`.execute(c.get('deps').store.db);
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'unavailable', error: { code: 'database_unreachable', message: 'The database is not reachable.' } }, 503);
    }
  });
