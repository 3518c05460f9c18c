import { Hono } from 'hono';
import { parseScopes } from '../../accounts/api-scopes.js';
import { requireUser } from '../middleware/auth.js';
import type { AppEnv } from '../env.js';

/**
 * The caller's own account over the API: who am I, and my tokens (revocable, e.g. by a script retiring itself).
 * Tokens are created only by a signed-in browser session (cookie plus X-CSRF-Token), never with a token.
 */
export const accountApiRoutes = new Hono<AppEnv>()
  .use('/api/me', requireUser)
  .use('/api/me/*', requireUser)
  .get('/api/me', (c) => {
    const user = c.get('user');
    const auth = c.get('auth');
    if (!user) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token.' } }, 401);
    return c.json({
      id: user.id,
      username: user.username,
      isAdmin: user.isAdmin,
      createdAt: user.createdAt,
      authMethod: c.get('auth').method,
      ...(auth.method === 'token' ? { scopes: auth.scopes } : {}),
    });
  })
  .get('/api/me/tokens', async (c) => {
    const user = c.get('user');
    if (!user) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token.' } }, 401);
    return c.json({ tokens: await c.get('deps').accounts.listApiTokens(user.id) });
  })
  .post('/api/me/tokens', async (c) => {
    const user = c.get('user');
    if (!user) return c.json({ error: { code: 'unauthorized', message: 'Sign in or send an API token.' } }, 401);
    if (c.get('auth').method !== 'session') {
      const message = 'An API token cannot create tokens. Create them on the settings page while signed in.';
      return c.json({ error: { code: 'forbidden', message } }, 403);
    }
    const body: unknown = await c.req.json().catch(() => null);
    const input = typeof body === 'object' && body !== null ? (body as { name?: unknown; scopes?: unknown }) : null;
    const scopes = Array.isArray(input?.scopes) ? parseScopes(input.scopes) : input?.scopes === undefined ? ['read' as const] : null;
    if (!input || typeof input.name !== 'string' || !scopes) {
      const message = 'Send {"name": "…", "scopes": ["read"] or ["read", "write"]}.';
      return c.json({ error: { code: 'bad_request', message } }, 400);
    }
    const created = await c.get('deps').accounts.createApiToken(user.id, input.name, scopes);
    if (!created.ok) {
      const message = Object.values(created.errors).join(' ');
      return c.json({ error: { code: 'bad_request', message } }, 400);
    }
    return c.json({ token: created.value.token, ...created.value.info }, 201);
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
