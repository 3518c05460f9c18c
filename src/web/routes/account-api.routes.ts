import { Hono } from 'hono';
import { requireUser } from '../middleware/auth.js';
import type { AppEnv } from '../env.js';

/** The caller's own account over the API: who am I, and my tokens (revocable, e.g. by a script retiring itself). */
export const accountApiRoutes = new Hono<AppEnv>()
  .use('/api/me', requireUser)
  .use('/api/me/*', requireUser)
  .get('/api/me', (c) => {
    const user = c.get('user');
    if (!user) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token.' } }, 401);
    return c.json({
      id: user.id,
      username: user.username,
      isAdmin: user.isAdmin,
      createdAt: user.createdAt,
      authMethod: c.get('auth').method,
    });
  })
  .get('/api/me/tokens', async (c) => {
    const user = c.get('user');
    if (!user) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token.' } }, 401);
    return c.json({ tokens: await c.get('deps').accounts.listApiTokens(user.id) });
  })
  .delete('/api/me/tokens/:id', async (c) => {
    const user = c.get('user');
    if (!user) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token.' } }, 401);
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0 || !(await c.get('deps').accounts.revokeApiToken(user.id, id))) {
      return c.json({ error: { code: 'not_found', message: 'You have no token with that id.' } }, 404);
    }
    return c.body(null, 204);
  });
